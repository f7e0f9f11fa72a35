//! springboard: a small AArch64 boot loader that keeps a resident EL2 stub serving the Linux
//! hyp-stub ABI and boots Linux through that stub's `HVC_SOFT_RESTART`.
//!
//! The boot story: `entry` (assembly) resets EL2, installs the stub vectors inside the image,
//! drops to EL1, relocates the image and calls [`loader_main`]; [`boot::boot`] finds the DTB,
//! the console and the bundle, verifies the chosen entry, places the kernel, and
//! [`handoff`] writes the kernel's DTB, moves the stub to its resident region and enters the
//! kernel at EL2. Any failure ends in [`fail`]: one `springboard: error:` line and a PSCI
//! power-off, never a jump into an image that failed a check.
#![no_std]
#![no_main]

mod arch;
mod attempt;
mod boot;
mod bundle_source;
mod console;
mod console_pick;
mod crc;
mod dtb;
mod entry;
mod error;
mod exceptions;
mod handoff;
mod kho;
mod mem;
mod options;
mod stack;
mod state_page;

use core::fmt;
use core::sync::atomic::{AtomicBool, Ordering};

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
    let me = boot::Me { base: image_base, size: image_size(), entry_el };
    match boot::boot(x0, me) {
        Ok(never) => match never {},
        Err(e) => fail(format_args!("{}: {e}", e.code())),
    }
}

/// The image's footprint, from the absolute linker symbol `__image_size`.
fn image_size() -> u64 {
    // The symbol's *address* is the value: it is absolute, so relocation does not move it.
    // Its address is taken, never dereferenced.
    let ptr = core::ptr::addr_of!(__image_size);
    ptr as u64
}

/// Whether PSCI is reached with `hvc` instead of `smc` (from the DTB's `/psci/method`).
static PSCI_HVC: AtomicBool = AtomicBool::new(false);

/// Records how PSCI is reached, for [`fail`].
pub fn set_conduit(conduit: arch::Conduit) {
    PSCI_HVC.store(conduit == arch::Conduit::Hvc, Ordering::Relaxed);
}

/// How PSCI is reached, as recorded by [`set_conduit`].
pub fn conduit() -> arch::Conduit {
    if PSCI_HVC.load(Ordering::Relaxed) {
        arch::Conduit::Hvc
    } else {
        arch::Conduit::Smc
    }
}

/// Set by the first [`fail`]: a second one (an abort or panic while reporting) powers off at
/// once instead of reporting again.
static FAILING: AtomicBool = AtomicBool::new(false);

/// Prints `springboard: error: <detail>` once and powers the machine off.
pub fn fail(detail: fmt::Arguments) -> ! {
    if FAILING.swap(true, Ordering::Relaxed) {
        arch::system_off(conduit())
    }
    if console::pl011_base().is_none() {
        // SAFETY: no DTB named a console; the board's own UART is the only place to report to.
        unsafe { console::use_pl011(boards::DEFAULT.uart.base) };
    }
    say!("error: {detail}");
    say!("powering off");
    arch::system_off(conduit())
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    fail(format_args!("panic: {info}"))
}
