//! The bench clock: a freestanding static arm64 Linux program that reads the generic timer's
//! virtual count (`CNTVCT_EL0`, which Linux lets EL0 read) as its very first act and prints
//!
//! ```text
//! SBBENCH-CLOCK <label> cntvct=<count> cntfrq=<frequency in Hz>
//! ```
//!
//! on standard output, where `<label>` is its first argument (`init` without one). Run as
//! PID 1 (it is the whole `/init` of the kernel that `cargo xtask bench` swaps to) it then
//! waits for the console to drain and powers the machine off; otherwise it exits with 0.
//!
//! Under QEMU's `-icount shift=0,sleep=off` the counter advances with executed guest
//! instructions, identically on every run, and neither kexec nor springboard resets it: two
//! such lines, one from each kernel, measure what lies between them.
#![no_std]
#![no_main]

mod line;
mod sys;

use line::Line;

// Linux arm64 process entry: sp points at argc, then argv[0..argc], NULL, envp, ... (ELF ABI
// for the Arm 64-bit architecture; Linux `fs/binfmt_elf.c` `create_elf_tables`). x0 = that
// stack pointer; the frame chain ends here.
core::arch::global_asm!(
    ".section .text.start, \"ax\"",
    ".global _start",
    "_start:",
    "    mov x0, sp",
    "    mov x29, xzr",
    "    mov x30, xzr",
    "    b {main}",
    main = sym clock_main,
);

/// The longest label printed; a longer first argument is cut.
const MAX_LABEL: usize = 48;

/// Reads the counter, prints the line, and exits or powers off.
///
/// # Safety
///
/// `stack` is the initial stack pointer that Linux passed to `_start`.
unsafe extern "C" fn clock_main(stack: *const usize) -> ! {
    let count = sys::virtual_count();
    let frequency = sys::counter_frequency();
    // SAFETY: the caller passes the process's initial stack, which Linux laid out.
    let label = unsafe { first_argument(stack) }.unwrap_or(b"init");
    let mut line = Line::new();
    line.text(b"SBBENCH-CLOCK ");
    line.text(&label[..label.len().min(MAX_LABEL)]);
    line.text(b" cntvct=");
    line.number(count);
    line.text(b" cntfrq=");
    line.number(frequency);
    line.text(b"\n");
    let written = sys::write(sys::STDOUT, line.bytes());
    if sys::getpid() == 1 {
        sys::drain(sys::STDOUT);
        sys::power_off();
    }
    sys::exit(if written == line.bytes().len() as isize { 0 } else { 1 })
}

/// `argv[1]` without its terminating NUL, if there is one.
///
/// # Safety
///
/// `stack` is the initial stack pointer: argc, then argc pointers to NUL-terminated strings.
unsafe fn first_argument<'a>(stack: *const usize) -> Option<&'a [u8]> {
    // SAFETY: the caller guarantees the layout; argv[1] exists when argc >= 2.
    let (argc, arg) = unsafe { (*stack, *stack.add(2) as *const u8) };
    if argc < 2 {
        return None;
    }
    let mut len = 0;
    // SAFETY: Linux copied the argument strings, each NUL-terminated, onto the stack.
    while len < MAX_LABEL && unsafe { *arg.add(len) } != 0 {
        len += 1;
    }
    // SAFETY: the `len` bytes just read are part of the argument string.
    Some(unsafe { core::slice::from_raw_parts(arg, len) })
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    sys::write(sys::STDOUT, b"SBBENCH-CLOCK-FAILED: panic\n");
    sys::exit(101)
}
