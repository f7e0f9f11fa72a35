//! The stub conformance payload: a bare-metal program that springboard boots at EL1
//! (`springboard.handoff=el1`) and that checks, one named clause at a time, that the resident
//! stub serves the hyp-stub ABI as DESIGN §3 says. Each check prints
//! `conformance: <name>: ok` or `conformance: <name>: FAIL <detail>`; the QEMU test in
//! `tests/tests/conformance.rs` requires every name to be ok.
//!
//! The flow: `payload_main` runs the checks that need nothing else, then starts
//! [`probe::ROUNDS`] `HVC_SOFT_RESTART` round trips through the EL2 probe (`entry.S`); after
//! the last one the probe returns to `payload_resume`, which checks what the probe saw, runs
//! the checks that need the stub's address, the PSCI suspend checks ([`suspend`]), prints the
//! totals and powers off through the stub's PSCI relay. A clause that cannot run where the
//! payload runs (one that needs EL3, say) prints `conformance: <name>: skipped <why>`.
#![no_std]
#![no_main]

mod calls;
mod checks;
mod console;
mod probe;
mod suspend;
mod wakeup;

use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use image_formats::fdt;

/// Checks passed, failed and skipped so far.
static PASSED: AtomicU32 = AtomicU32::new(0);
static FAILED: AtomicU32 = AtomicU32::new(0);
static SKIPPED: AtomicU32 = AtomicU32::new(0);

/// Records and prints one check.
pub fn check(name: &str, ok: bool, detail: core::fmt::Arguments) {
    if ok {
        PASSED.fetch_add(1, Ordering::Relaxed);
        say!("{name}: ok");
    } else {
        FAILED.fetch_add(1, Ordering::Relaxed);
        say!("{name}: FAIL {detail}");
    }
}

/// Records and prints a check that cannot run here, and why.
pub fn skip(name: &str, why: core::fmt::Arguments) {
    SKIPPED.fetch_add(1, Ordering::Relaxed);
    say!("{name}: skipped {why}");
}

/// The DTB springboard passed in x0.
static DTB: AtomicU64 = AtomicU64::new(0);

/// The resident stub's address, from the `/reserved-memory/springboard@…` node springboard
/// added to the DTB.
pub fn stub_address() -> Option<u64> {
    let dtb = DTB.load(Ordering::Relaxed);
    // SAFETY: springboard handed over a DTB at this address; only its header is read first,
    // then `totalsize` bytes, all in RAM that nothing writes.
    let header = unsafe { core::slice::from_raw_parts(dtb as *const u8, 40) };
    let size = fdt::Fdt::totalsize_of(header).ok()?;
    // SAFETY: as above.
    let blob = unsafe { core::slice::from_raw_parts(dtb as *const u8, size) };
    let fdt = fdt::Fdt::new(blob).ok()?;
    let reserved = fdt.find_node("/reserved-memory").ok()??;
    let node = reserved.children().flatten().find(|n| n.name().starts_with("springboard@"))?;
    node.reg().ok()?.next().map(|r| r.base)
}

#[no_mangle]
extern "C" fn payload_main(dtb: u64, start: u64) -> ! {
    DTB.store(dtb, Ordering::Relaxed);
    say!("payload at {start:#x}, CurrentEL {}", calls::current_el());
    check(
        "runs-at-el1-where-linked",
        start == probe::LINKED_AT && calls::current_el() == 1,
        format_args!("at {start:#x}, EL{}", calls::current_el()),
    );
    checks::before_soft_restart();
    probe::start_rounds()
}

#[no_mangle]
extern "C" fn payload_resume() -> ! {
    let seen = probe::read();
    checks::soft_restart(&seen);
    checks::after_soft_restart(&seen);
    suspend::run();
    finish()
}

/// Where `suspend_resume_entry` (entry.S) goes on: x0 as the stub's secondary entry left it,
/// and CurrentEL.
#[no_mangle]
extern "C" fn payload_suspend_resumed(context: u64, current_el: u64) -> ! {
    suspend::resumed(context, current_el >> 2);
    finish()
}

/// Prints the totals and powers off.
fn finish() -> ! {
    let passed = PASSED.load(Ordering::Relaxed);
    let (failed, skipped) = (FAILED.load(Ordering::Relaxed), SKIPPED.load(Ordering::Relaxed));
    say!("{passed} passed, {failed} failed, {skipped} skipped");
    calls::system_off()
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    say!("FAIL panic: {info}");
    calls::system_off()
}
