//! Initramfs images for kexec tests, and bundles of several entries.
//!
//! The kexec guest initramfs from `cargo xtask setup` holds busybox and `/sbin/kexec` but no
//! springboard and no bundle: a test appends a second `newc` archive with
//! [`GUEST_SPRINGBOARD`] and [`GUEST_BUNDLE`]. Linux unpacks archives that follow one another
//! into one root (Linux 6.1 `Documentation/driver-api/early-userspace/buffer-format.rst`), so
//! the guest's `/init` finds both.

use std::path::Path;

use image_formats::cpio::Cpio;
use springboard_host::{Entry, Pack};

pub use springboard_host::protocol::{GUEST_BUNDLE, GUEST_SPRINGBOARD};

use crate::Assets;

/// The archive that adds `/boot/springboard.bin` and `/boot/next.bundle`.
pub fn boot_archive(springboard: &[u8], next_bundle: &[u8]) -> Vec<u8> {
    let mut cpio = Cpio::new();
    cpio.dir("boot");
    cpio.file(GUEST_SPRINGBOARD, 0o644, springboard);
    cpio.file(GUEST_BUNDLE, 0o644, next_bundle);
    cpio.finish()
}

/// Writes `out`: the kexec guest initramfs followed by [`boot_archive`] of springboard's
/// image and `next_bundle`.
pub fn kexec_initramfs(assets: &Assets, next_bundle: &Path, out: &Path) {
    let read = |p: &Path| std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let mut bytes = read(&assets.kexec_initramfs);
    assert_eq!(
        bytes.len() % 4,
        0,
        "{} does not end 4-byte aligned",
        assets.kexec_initramfs.display()
    );
    bytes.extend(boot_archive(&read(&assets.springboard), &read(next_bundle)));
    std::fs::write(out, bytes).unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
}

/// One boot entry for [`pack_entries`].
pub struct EntryFiles<'a> {
    /// Entry name (`springboard.entry=NAME`).
    pub name: &'a str,
    /// Kernel `Image`.
    pub kernel: &'a Path,
    /// Initramfs.
    pub initrd: &'a Path,
    /// Kernel command line.
    pub cmdline: &'a str,
}

/// Runs the CLI's `pack` with one `--entry NAME --kernel … --initrd … --cmdline …` group per
/// entry, in order.
pub fn pack_entries(assets: &Assets, entries: &[EntryFiles], out: &Path) {
    let pack = entries.iter().fold(Pack::new(), |pack, e| {
        pack.entry(Entry::kernel(e.kernel).name(e.name).initrd(e.initrd).cmdline(e.cmdline))
    });
    assets.pack(pack, out);
}
