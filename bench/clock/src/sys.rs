//! The few Linux arm64 system calls and system registers the clock uses. Syscall numbers are
//! the generic table's (Linux 6.1 `include/uapi/asm-generic/unistd.h`), which arm64 uses:
//! the number in x8, arguments in x0..x5, `svc #0`, the result in x0.

use core::arch::asm;

/// File descriptor 1.
pub const STDOUT: usize = 1;

const SYS_IOCTL: usize = 29;
const SYS_WRITE: usize = 64;
const SYS_EXIT: usize = 93;
const SYS_REBOOT: usize = 142;
const SYS_GETPID: usize = 172;
/// `TCSBRK` with argument 1 is `tcdrain` (Linux `include/uapi/asm-generic/ioctls.h`).
const TCSBRK: usize = 0x5409;
/// `reboot(2)` magic numbers and `LINUX_REBOOT_CMD_POWER_OFF`
/// (Linux `include/uapi/linux/reboot.h`).
const REBOOT_MAGIC1: usize = 0xfee1_dead;
const REBOOT_MAGIC2: usize = 0x2812_1969;
const REBOOT_CMD_POWER_OFF: usize = 0x4321_fedc;

/// Issues system call `nr` with four arguments and returns x0.
///
/// # Safety
///
/// The call must not write memory that Rust owns except through the arguments the caller
/// passes for that purpose.
unsafe fn syscall(nr: usize, a: usize, b: usize, c: usize, d: usize) -> isize {
    let ret: isize;
    // SAFETY: `svc #0` enters the kernel, which preserves every register but x0; the caller
    // vouches for what the call does with memory.
    unsafe {
        asm!("svc #0", inlateout("x0") a => ret, in("x1") b, in("x2") c, in("x3") d,
             in("x8") nr, options(nostack));
    }
    ret
}

/// `CNTVCT_EL0`, read after an `isb` so that it is not taken early.
pub fn virtual_count() -> u64 {
    let count: u64;
    // SAFETY: reading the counter has no side effect; Linux sets CNTKCTL_EL1.EL0VCTEN.
    unsafe { asm!("isb", "mrs {}, cntvct_el0", out(reg) count, options(nomem, nostack)) };
    count
}

/// `CNTFRQ_EL0`, the counter's frequency in Hz.
pub fn counter_frequency() -> u64 {
    let frequency: u64;
    // SAFETY: reading the frequency register has no side effect and is allowed at EL0 when
    // either counter is readable there.
    unsafe { asm!("mrs {}, cntfrq_el0", out(reg) frequency, options(nomem, nostack)) };
    frequency
}

/// `write(fd, bytes)`: the number of bytes written, or a negative errno.
pub fn write(fd: usize, bytes: &[u8]) -> isize {
    // SAFETY: the kernel only reads `bytes.len()` bytes from `bytes`.
    unsafe { syscall(SYS_WRITE, fd, bytes.as_ptr() as usize, bytes.len(), 0) }
}

/// `getpid()`.
pub fn getpid() -> isize {
    // SAFETY: getpid touches no memory.
    unsafe { syscall(SYS_GETPID, 0, 0, 0, 0) }
}

/// `tcdrain(fd)`: waits until the terminal has sent everything written to it (errors ignored:
/// a non-terminal has nothing to drain).
pub fn drain(fd: usize) {
    // SAFETY: TCSBRK with a non-zero argument reads and writes no user memory.
    unsafe { syscall(SYS_IOCTL, fd, TCSBRK, 1, 0) };
}

/// `reboot(LINUX_REBOOT_CMD_POWER_OFF)`: Linux calls PSCI `SYSTEM_OFF` and QEMU exits with 0.
/// Returns only if the kernel refused.
pub fn power_off() {
    // SAFETY: the reboot call reads no user memory for this command.
    unsafe { syscall(SYS_REBOOT, REBOOT_MAGIC1, REBOOT_MAGIC2, REBOOT_CMD_POWER_OFF, 0) };
}

/// `exit(code)`.
pub fn exit(code: usize) -> ! {
    loop {
        // SAFETY: exit ends the process and touches no memory; it does not return.
        unsafe { syscall(SYS_EXIT, code, 0, 0, 0) };
    }
}
