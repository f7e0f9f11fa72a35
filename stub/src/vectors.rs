//! The resident EL2 vector table and the ABI dispatcher, in one section of its own
//! (`.text.stub`) that the loader copies, byte for byte, into the resident region.
//!
//! Written like Linux's `arch/arm64/kernel/hyp-stub.S`: one 2 KiB-aligned table, only the
//! synchronous slots for "current EL with SP_ELx" and "lower EL, AArch64" are live, every other
//! slot is a distinct self-loop (so a debugger or `-d int` shows which one was taken), then a
//! compare chain on `x0`. No stack, no Rust at run time, and position independent: the stub
//! finds its own table with `adr`, so the copy works wherever it is placed.
//!
//! Register use on every call: `x0` = call number in, status out; `x1..x4` = arguments; `x9`
//! is the only scratch register and is saved in `TPIDR_EL2` around the call, so a caller gets
//! back every register but `x0` (and `x0..x2` by design after `HVC_SOFT_RESTART`).

use crate::abi;

core::arch::global_asm!(
    r#"
    .section .text.stub, "ax"
    .balign {vectors_size}
    .global __stub_start
__stub_start:
    // Current EL with SP_EL0: never used by springboard or Linux at EL2.
    .balign 0x80
    b .                 // synchronous
    .balign 0x80
    b .                 // IRQ
    .balign 0x80
    b .                 // FIQ
    .balign 0x80
    b .                 // SError
    // Current EL with SP_ELx: `hvc #0` made at EL2 itself.
    .balign 0x80
    b   stub_sync
    .balign 0x80
    b .
    .balign 0x80
    b .
    .balign 0x80
    b .
    // Lower EL, AArch64: `hvc #0` from EL1.
    .balign 0x80
    b   stub_sync
    .balign 0x80
    b .
    .balign 0x80
    b .
    .balign 0x80
    b .
    // Lower EL, AArch32: not supported.
    .balign 0x80
    b .
    .balign 0x80
    b .
    .balign 0x80
    b .
    .balign 0x80
    b .

    // x0 = call number, x1..x4 = arguments (hyp-abi.rst).
stub_sync:
    msr     tpidr_el2, x9
    mrs     x9, esr_el2
    lsr     x9, x9, #26
    cmp     x9, #{ec_hvc64}
    b.ne    stub_not_hvc
    cmp     x0, #{soft_restart}
    b.eq    stub_soft_restart
    cmp     x0, #{set_vectors}
    b.eq    stub_set_vectors
    cmp     x0, #{reset_vectors}
    b.eq    stub_reset_vectors
stub_error:
    movz    x0, #{err_lo}
    movk    x0, #{err_hi}, lsl #16
stub_return:
    mrs     x9, tpidr_el2
    eret

    // x1 = new VBAR_EL2; the architecture needs 2 KiB alignment.
stub_set_vectors:
    tst     x1, #{vectors_mask}
    b.ne    stub_error
    msr     vbar_el2, x1
    mov     x0, #0
    b       stub_return

stub_reset_vectors:
    movz    x9, #{sctlr_lo}
    movk    x9, #{sctlr_hi}, lsl #16
    msr     sctlr_el2, x9
    isb
    adr     x9, __stub_start
    msr     vbar_el2, x9
    mov     x0, #0
    b       stub_return

    // x1 = entry, x2..x4 = the next image's x0..x2. The exception entry already masked
    // D, A, I and F; the ERET below keeps them masked (SPSR) and stays at EL2h.
stub_soft_restart:
    movz    x9, #{sctlr_lo}
    movk    x9, #{sctlr_hi}, lsl #16
    msr     sctlr_el2, x9
    isb
    adr     x9, __stub_start
    msr     vbar_el2, x9
    msr     elr_el2, x1
    mov     x9, #{spsr_el2h}
    msr     spsr_el2, x9
    mrs     x9, tpidr_el2
    mov     x0, x2
    mov     x1, x3
    mov     x2, x4
    eret

    // A synchronous exception that is not an HVC (a fault at EL2, a trapped instruction):
    // nothing can be returned to safely, so stop here, visibly distinct from the slots above.
stub_not_hvc:
    wfe
    b       stub_not_hvc

    .global __stub_end
__stub_end:
    .text
"#,
    vectors_size = const abi::VECTORS_SIZE,
    vectors_mask = const abi::VECTORS_SIZE - 1,
    ec_hvc64 = const abi::ESR_EC_HVC64,
    soft_restart = const abi::HVC_SOFT_RESTART,
    set_vectors = const abi::HVC_SET_VECTORS,
    reset_vectors = const abi::HVC_RESET_VECTORS,
    err_lo = const abi::HVC_STUB_ERR & 0xffff,
    err_hi = const abi::HVC_STUB_ERR >> 16,
    sctlr_lo = const abi::SCTLR_EL2_MMU_OFF & 0xffff,
    sctlr_hi = const abi::SCTLR_EL2_MMU_OFF >> 16,
    spsr_el2h = const abi::SPSR_EL2H_MASKED,
);

// The 16-bit halves above must rebuild the values exactly.
const _: () = assert!(abi::HVC_STUB_ERR >> 32 == 0 && abi::SCTLR_EL2_MMU_OFF >> 32 == 0);

extern "C" {
    static __stub_start: u8;
    static __stub_end: u8;
}

/// The stub's machine code, from its vector table to the end of its handler: what the loader
/// copies into the resident region (whose base must be 2 KiB aligned).
pub fn code() -> &'static [u8] {
    // SAFETY: `__stub_start` and `__stub_end` are defined by the `global_asm!` above around
    // one contiguous, read-only section that lives as long as the image; the end follows the
    // start in the same section, so the length is non-negative.
    unsafe {
        let start = core::ptr::addr_of!(__stub_start);
        let end = core::ptr::addr_of!(__stub_end);
        core::slice::from_raw_parts(start, end.offset_from(start) as usize)
    }
}

/// The address of the stub's vector table inside the running image (before it is copied).
pub fn vectors_in_image() -> usize {
    core::ptr::addr_of!(__stub_start) as usize
}
