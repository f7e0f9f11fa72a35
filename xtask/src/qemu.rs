//! The QEMU command line that `cargo xtask demo` and `cargo xtask bench` share: `virt` with
//! EL2, a non-VHE `cortex-a57`, 1 GiB, one CPU, no NIC (its ROM is not installed), the console
//! on stdio, and an exit instead of a reboot.

/// `qemu-system-aarch64` options before `-kernel`/`-initrd`.
pub const VIRT: &[&str] = &[
    "-M",
    "virt,virtualization=on",
    "-cpu",
    "cortex-a57",
    "-m",
    "1G",
    "-smp",
    "1",
    "-nic",
    "none",
    "-display",
    "none",
    "-monitor",
    "none",
    "-serial",
    "stdio",
    "-no-reboot",
];
