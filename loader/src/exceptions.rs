//! The loader's own EL1 vector table. springboard expects no exception at EL1; any that
//! happens (a bad address in a hostile DTB, a bug) is reported with its syndrome and the
//! machine is powered off, instead of running on in an unknown state.

use aarch64_cpu::asm::barrier;
use aarch64_cpu::registers::{Writeable, VBAR_EL1};
use core::arch::global_asm;
use stub::abi;

global_asm!(
    r#"
    .section .text.el1_vectors, "ax"
    .balign {vectors_size}
el1_vectors:
    .irp slot, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    .balign {slot_size}
    .if \slot == {current_spx_sync}
    // Synchronous, at EL1: a fault of the probe's one load resumes after it with x1 = 1.
    mrs     x9, elr_el1
    adr     x10, probe_load
    cmp     x9, x10
    b.ne    1f
    add     x9, x9, #4
    msr     elr_el1, x9
    mov     x1, #1
    eret
1:
    .endif
    mov     x0, #\slot
    mrs     x1, esr_el1
    mrs     x2, elr_el1
    mrs     x3, far_el1
    b       el1_exception
    .endr

    // x0 = address. Returns w0 = the 32-bit word there and x1 = 0, or x1 = 1 when the load
    // faulted (nothing answers at the address); x9 and x10 are clobbered by a fault.
    .global probe_read32
probe_read32:
    mov     x1, #0
probe_load:
    ldr     w0, [x0]
    ret
"#,
    vectors_size = const abi::VECTORS_SIZE,
    slot_size = const abi::VECTOR_SLOT_SIZE,
    current_spx_sync = const abi::VECTOR_CURRENT_SPX_SYNC / abi::VECTOR_SLOT_SIZE,
);

/// What [`probe_read32`] returns, in `x0` and `x1` (AAPCS64: a 16-byte composite).
#[repr(C)]
struct Probe {
    value: u64,
    faulted: u64,
}

extern "C" {
    fn probe_read32(addr: u64) -> Probe;
}

/// Reads the 32-bit register at `addr`, or `None` when the read faults (an external abort:
/// nothing answers there).
///
/// # Safety
/// `addr` must be 4-byte aligned and name a device register whose read has no side effect
/// (an identification register), or memory nothing else writes.
pub unsafe fn read32_or_fault(addr: u64) -> Option<u32> {
    // SAFETY: the caller vouches for the address; a fault of the load returns through the
    // vector table above with `faulted = 1`, any other exception ends in `el1_exception`.
    let probe = unsafe { probe_read32(addr) };
    (probe.faulted == 0).then_some(probe.value as u32)
}

extern "C" {
    static el1_vectors: u8;
}

/// Points `VBAR_EL1` at the loader's vector table.
pub fn install() {
    // Sound because `el1_vectors` is a 2 KiB-aligned table in this image (global_asm above)
    // whose every slot ends in `el1_exception`, which never returns; writing VBAR_EL1 at EL1
    // only changes where this EL's exceptions go.
    let table = core::ptr::addr_of!(el1_vectors) as u64;
    VBAR_EL1.set(table);
    barrier::isb(barrier::SY);
}

/// Names of the 16 vector slots, in table order.
const SLOTS: [&str; 16] = [
    "sync (SP_EL0)",
    "IRQ (SP_EL0)",
    "FIQ (SP_EL0)",
    "SError (SP_EL0)",
    "sync",
    "IRQ",
    "FIQ",
    "SError",
    "sync from EL0",
    "IRQ from EL0",
    "FIQ from EL0",
    "SError from EL0",
    "sync from EL0 (AArch32)",
    "IRQ from EL0 (AArch32)",
    "FIQ from EL0 (AArch32)",
    "SError from EL0 (AArch32)",
];

#[no_mangle]
extern "C" fn el1_exception(slot: u64, esr: u64, elr: u64, far: u64) -> ! {
    if crate::console::printing() {
        // The console itself faulted: printing the report would fault again.
        crate::console::silence();
    }
    let name = SLOTS.get(slot as usize).copied().unwrap_or("?");
    crate::fail(format_args!(
        "exception: {name} at EL1: ESR {esr:#x} (EC {:#x}) ELR {elr:#x} FAR {far:#x}",
        esr >> 26
    ))
}
