//! springboard: a small AArch64 boot loader that keeps a resident EL2 stub serving the Linux
//! hyp-stub ABI and boots Linux through that stub's `HVC_SOFT_RESTART`.
//!
//! `entry` (assembly) resets EL2, installs the stub vectors inside the image, drops to EL1,
//! relocates the image and calls [`loader_main`], whose [`boot`] is the boot story, one typed
//! step a line. What it decides — where things may be read, what the kernel is told, where
//! everything goes, how the CPU is entered — is `image_formats::boot`, a pure model tested on
//! the host; the loader reads, copies and writes only what that model allows. Any failure
//! ends in [`fail`]: one `springboard: error:` line and a power-off (`power`), never a jump
//! into an image that failed a check.
#![no_std]
#![no_main]

mod arch;
mod attempt;
mod bundle_source;
mod console;
mod console_pick;
mod crc;
mod dtb;
mod entries;
mod entry;
mod error;
mod exceptions;
mod given;
mod handoff;
mod kho;
mod mem;
mod mmu;
mod options;
mod page_pool;
mod poc;
mod power;
mod stack;
mod state_page;
mod stub_psci;

use bundle_source::Kept;
use core::convert::Infallible;
use core::fmt;
use core::sync::atomic::{AtomicBool, Ordering};
use entries::Found;
use error::BootError;
use given::{Given, Springboard};
use options::Options;

extern "C" {
    /// Linker symbol (linker.ld): the Image header's `image_size`, as an absolute symbol.
    static __image_size: u8;
}

/// Called by the entry code at EL1 with `x0` as springboard received it, the run-time base of
/// the image, and the exception level it was entered at.
#[no_mangle]
extern "C" fn loader_main(x0: u64, image_base: u64, entry_el: u64) -> ! {
    stack::paint();
    exceptions::install();
    let me = Springboard { base: image_base, size: image_size(), entry_el };
    match boot(x0, me) {
        Ok(never) => match never {},
        Err(e) => fail(format_args!("{}: {e}", e.code())),
    }
}

/// The boot story. Returns only with the reason springboard could not boot.
fn boot(x0: u64, me: Springboard) -> Result<Infallible, BootError> {
    // The DTB at x0 (or the board's), the board, the console, the resident region.
    let given = Given::read(x0, me)?;
    // An EL1 kernel kexec'd springboard above a springboard stub: start again at EL2.
    given.climb_to_el2_through_a_resident_stub();
    // DRAM is known: the MMU and caches on (after the climb, which restarts springboard).
    mmu::enable(&given)?;
    // springboard.* words of /chosen/bootargs.
    let options = Options::parse(given.summary.bootargs.unwrap_or(""))?;
    // What an earlier run left in the state page, and the bundle it kept, if any.
    let earlier = state_page::earlier(given.resident);
    let kept = earlier.as_ref().filter(|_| !options.clear_state).and_then(Kept::of);
    // The bundle: appended to springboard, in the /chosen initrd range, or kept.
    let bundle = bundle_source::find(&given.summary, &given.me, given.resident, kept)?;
    let found = Found::new(given, bundle, options);
    // The state record for this bundle: boot counter, outcomes, boot limits, seed.
    let mut page = entries::open_state(&found, earlier);
    // Choose an entry, verify it, plan it with the model, copy it into place, hand over.
    entries::run(&found, &mut page)
}

/// The image's footprint, from the absolute linker symbol `__image_size`.
fn image_size() -> u64 {
    // The symbol's *address* is the value: it is absolute, so relocation does not move it.
    // Its address is taken, never dereferenced.
    let ptr = core::ptr::addr_of!(__image_size);
    ptr as u64
}

/// Set by the first [`fail`]: a second one (an abort or panic while reporting) powers off at
/// once instead of reporting again.
static FAILING: AtomicBool = AtomicBool::new(false);

/// Prints `springboard: error: <detail>` once and powers the machine off.
pub fn fail(detail: fmt::Arguments) -> ! {
    if FAILING.swap(true, Ordering::Relaxed) {
        power::off()
    }
    // Before a DTB has named a UART there is no console, and the line goes nowhere.
    say!("error: {detail}");
    say!("powering off");
    power::off()
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    fail(format_args!("panic: {info}"))
}
