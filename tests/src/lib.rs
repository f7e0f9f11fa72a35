//! springboard's QEMU test harness: real firmware, real Debian kernels, real QEMU. Tests start
//! QEMU, read the console line by line, wait for milestones, and fail at once on bad patterns
//! (the machine, the watcher, `springboard pack` and the guest protocol come from
//! [`springboard_host`]). Run them with `cargo xtask test`, which builds the firmware and
//! fetches the kernels.

pub mod assets;
pub mod dtb;
pub mod elf;
pub mod fallback;
pub mod guest;
pub mod qemu;
pub mod tfa;

pub use assets::{pack, Assets, Kernel};
pub use fallback::boot_broken_then_good;
pub use qemu::{Qemu, Run};
pub use springboard_host::{protocol, Entry, Pack};

/// springboard's banner: it must appear exactly once per boot.
pub const BANNER: &str = protocol::BANNER;
/// springboard's line when its MMU and caches go on (`loader/src/mmu.rs`): after the DTB
/// is read, before the bundle is.
pub const MMU_ON: &str = "springboard: mmu: on, caches on: ";
/// springboard's line when what the next stage reads is cleaned to the point of coherency
/// and the MMU and caches go off (`loader/src/poc.rs`): just before the `handoff:` line.
pub const MMU_OFF: &str = "springboard: mmu: off, caches off (cleaned to PoC: ";
/// The line the test initramfs prints once userspace runs.
pub const USERSPACE: &str = protocol::USERSPACE_UNAME;
/// Kernel command line used by the boot tests.
pub const CMDLINE: &str = protocol::BASE_CMDLINE;
