//! The guest pieces of a swap run: the agent initramfs with this run's `/boot` archive and
//! test script, and the bundle of one entry per kernel.
//!
//! The kexec guest initramfs comes from `cargo xtask setup` (busybox, Debian's arm64
//! `/sbin/kexec` and its libraries, and an `/init` that is the swap agent when the command
//! line says `sbtest.swap=1`). This run appends a second `newc` archive holding
//! `/boot/springboard.bin` (what the agent kexecs) and `/test.sh`, then the user's `--initrd`;
//! Linux unpacks archives that follow one another into one root (Linux 6.1
//! `Documentation/driver-api/early-userspace/buffer-format.rst`).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use image_formats::bundle::NAME_LEN;
use image_formats::cpio::Cpio;
use springboard_host::boards::Board;
use springboard_host::protocol::{GUEST_SPRINGBOARD, GUEST_TEST, SWAP_SWITCH, TEST_TIMEOUT_WORD};
use springboard_host::Manifest;

use super::args::KernelArg;
use super::target::Handoff;
use crate::pack::{self, EntryArgs};
use crate::show;

/// The kernel command line every entry starts with: the board's console and `panic=-1` (so a
/// panicking kernel resets the machine into springboard at once), the agent's switch, and
/// `springboard.handoff=el1` when the kernels are to be entered at EL1.
pub fn base_cmdline(board: &Board, handoff: Handoff) -> String {
    let line = format!("{} {SWAP_SWITCH}", board.cmdline());
    match handoff.word() {
        Some(word) => format!("{line} {word}"),
        None => line,
    }
}

/// The kexec guest initramfs named by `assets/manifest.txt`.
pub fn guest_initramfs(assets: &Path) -> Result<PathBuf> {
    let manifest = Manifest::read(assets)
        .context("run `cargo xtask setup`, or point --assets at its assets folder")?;
    Ok(manifest.kexec_initramfs()?.to_path_buf())
}

/// The agent initramfs: `guest` (4-byte aligned), an archive with `/boot/springboard.bin` and
/// `/test.sh`, then `extra`.
pub fn initramfs(
    guest: &[u8],
    firmware: &[u8],
    test: Option<&[u8]>,
    extra: Option<&[u8]>,
) -> Vec<u8> {
    let mut out = guest.to_vec();
    pad4(&mut out);
    let mut cpio = Cpio::new();
    cpio.dir("boot");
    cpio.file(GUEST_SPRINGBOARD, 0o644, firmware);
    if let Some(script) = test {
        cpio.file(GUEST_TEST, 0o755, script);
    }
    out.extend(cpio.finish());
    if let Some(extra) = extra {
        pad4(&mut out);
        out.extend_from_slice(extra);
    }
    out
}

/// Zero bytes up to a multiple of 4, where the next archive may start.
fn pad4(bytes: &mut Vec<u8>) {
    bytes.resize(bytes.len().next_multiple_of(4), 0);
}

/// A unique entry name: the kernel's number and file name, cut to a bundle name.
pub fn entry_name(index: usize, kernel: &Path) -> String {
    let file = kernel.file_name().map_or("kernel".into(), |f| f.to_string_lossy().into_owned());
    let name = format!("{}-{}", index + 1, file.replace(char::is_whitespace, "_"));
    show::truncate_name(&name, NAME_LEN).to_string()
}

/// The bundle: one entry per kernel, each with the agent initramfs at `initrd` and the `base`
/// command line plus the test script's time limit and the kernel's own words.
pub fn bundle(
    kernels: &[KernelArg],
    initrd: &Path,
    base: &str,
    test_seconds: u64,
) -> Result<Vec<u8>> {
    let entries: Vec<EntryArgs> = kernels
        .iter()
        .enumerate()
        .map(|(i, k)| EntryArgs {
            name: entry_name(i, &k.path),
            kernel: k.path.clone(),
            initrd: Some(initrd.to_path_buf()),
            cmdline: Some(cmdline(base, &k.cmdline, test_seconds)),
            dtb: None,
            fallback: None,
            bootlimit: None,
        })
        .collect();
    Ok(pack::build(&entries)?.bytes)
}

/// One kernel's command line.
fn cmdline(base: &str, extra: &str, test_seconds: u64) -> String {
    let mut line = format!("{base} {TEST_TIMEOUT_WORD}{test_seconds}");
    if !extra.trim().is_empty() {
        line = format!("{line} {}", extra.trim());
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_run_archive_follows_the_guest_on_a_4_byte_boundary() {
        let bytes = initramfs(b"07070", b"FW", Some(b"exit 0\n"), Some(b"EXTRA"));
        assert_eq!(&bytes[..8], b"07070\0\0\0");
        assert_eq!(&bytes[8..14], b"070701");
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("boot/springboard.bin") && text.contains("test.sh"));
        assert!(bytes.ends_with(b"EXTRA"));
        assert_eq!((bytes.len() - 5) % 4, 0);
        let without = initramfs(b"0707", b"FW", None, None);
        assert!(!String::from_utf8_lossy(&without).contains("test.sh"));
    }

    #[test]
    fn entry_names_are_numbered_and_fit_a_bundle_name() {
        assert_eq!(
            entry_name(0, Path::new("/k/vmlinuz-6.1.0-56-arm64")),
            "1-vmlinuz-6.1.0-56-arm64"
        );
        let long = entry_name(11, Path::new("vmlinuz-6.1.0-56-cloud-arm64-with a long tail"));
        assert_eq!(long.len(), NAME_LEN);
        assert!(long.starts_with("12-vmlinuz") && !long.contains(' '));
    }

    #[test]
    fn each_entry_gets_the_boards_console_the_handoff_word_and_its_own_words() {
        use springboard_host::boards::{RASPI3B, VIRT};
        let virt = base_cmdline(&VIRT, Handoff::El2);
        assert_eq!(
            cmdline(&virt, " init=/x ", 90),
            "console=ttyAMA0 panic=-1 sbtest.swap=1 sbtest.test-timeout=90 init=/x"
        );
        assert_eq!(
            cmdline(&base_cmdline(&RASPI3B, Handoff::El1), "", 30),
            "console=ttyS1,115200 panic=-1 sbtest.swap=1 springboard.handoff=el1 \
             sbtest.test-timeout=30"
        );
    }
}
