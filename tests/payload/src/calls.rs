//! The payload's calls into EL2 and the few registers it reads.

use core::arch::asm;

/// The exception level the payload runs at.
pub fn current_el() -> u64 {
    let el: u64;
    // SAFETY: reading CurrentEL has no side effects.
    unsafe { asm!("mrs {}, CurrentEL", out(reg) el, options(nomem, nostack)) };
    el >> 2
}

/// `ID_AA64PFR0_EL1`.
pub fn id_aa64pfr0() -> u64 {
    let v: u64;
    // SAFETY: reading an ID register has no side effects.
    unsafe { asm!("mrs {}, id_aa64pfr0_el1", out(reg) v, options(nomem, nostack)) };
    v
}

/// `hvc #0` with `x0`, `x1`; returns `x0..x3` afterwards (the stub or EL3 may change them).
pub fn hvc(x0: u64, x1: u64) -> [u64; 4] {
    let (r0, r1, r2, r3);
    // SAFETY: the stub changes at most x0..x3 (and EL3 behind the PSCI relay follows SMCCC);
    // the calls the checks make do not change EL1 state or memory the payload uses.
    unsafe {
        asm!("hvc #0", inout("x0") x0 => r0, inout("x1") x1 => r1, out("x2") r2, out("x3") r3,
             clobber_abi("C"), options(nostack));
    }
    [r0, r1, r2, r3]
}

/// `MPIDR_EL1` (at EL1: `VMPIDR_EL2`, which the stub sets to the real one).
pub fn mpidr() -> u64 {
    let v: u64;
    // SAFETY: reading MPIDR_EL1 has no side effects.
    unsafe { asm!("mrs {}, mpidr_el1", out(reg) v, options(nomem, nostack)) };
    v
}

/// A PSCI call with `x0..x3` through the stub (`hvc #0`); returns `x0..x3` afterwards.
pub fn hvc4(x: [u64; 4]) -> [u64; 4] {
    let (r0, r1, r2, r3);
    // SAFETY: as in `hvc`; a relayed CPU_SUSPEND either returns here or, after a power-down,
    // resumes at the entry it names, which never comes back to this frame.
    unsafe {
        asm!("hvc #0", inout("x0") x[0] => r0, inout("x1") x[1] => r1, inout("x2") x[2] => r2,
             inout("x3") x[3] => r3, clobber_abi("C"), options(nostack));
    }
    [r0, r1, r2, r3]
}

/// The same call straight to EL3 (`smc #0` from EL1, which `HCR_EL2.TSC = 0` lets through);
/// only when EL3 is implemented.
pub fn smc4(x: [u64; 4]) -> [u64; 4] {
    let (r0, r1, r2, r3);
    // SAFETY: EL3 firmware follows SMCCC (x0..x3 out, x4..x17 may change: clobber_abi); the
    // calls the checks make it refuse or answer without suspending.
    unsafe {
        asm!("smc #0", inout("x0") x[0] => r0, inout("x1") x[1] => r1, inout("x2") x[2] => r2,
             inout("x3") x[3] => r3, clobber_abi("C"), options(nostack));
    }
    [r0, r1, r2, r3]
}

/// What [`hvc_with_canaries`] found.
#[repr(C)]
pub struct Outcome {
    /// `x0` after the call.
    pub x0: u64,
    /// How many of x19..x30 and SP changed across the call (0 when all survived).
    pub changed: u64,
}

extern "C" {
    fn hvc_with_canaries(x0: u64, x1: u64) -> Outcome;
    static payload_vectors: u8;
}

/// `hvc #0` with canaries in every callee-saved register (entry.S).
pub fn guarded_hvc(x0: u64, x1: u64) -> Outcome {
    // SAFETY: the routine saves and restores x19..x30 and SP itself and follows the C ABI.
    unsafe { hvc_with_canaries(x0, x1) }
}

/// The payload's own 2 KiB-aligned EL2 vector table.
pub fn vectors() -> u64 {
    core::ptr::addr_of!(payload_vectors) as u64
}

/// PSCI `SYSTEM_OFF` through the stub's relay; QEMU exits.
pub fn system_off() -> ! {
    hvc(stub::abi::PSCI_SYSTEM_OFF, 0);
    loop {
        // SAFETY: waiting has no effect on memory.
        unsafe { asm!("wfe", options(nomem, nostack)) };
    }
}
