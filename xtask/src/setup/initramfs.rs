//! The test initramfs: Debian's static busybox and an `/init` that prints one marker line with
//! `uname -r` and the command line, then powers the machine off.

use super::cmd;
use super::cpio::Cpio;
use anyhow::Result;
use std::path::{Path, PathBuf};

/// `/init`: the markers the QEMU tests wait for, then PSCI `SYSTEM_OFF` through Linux.
const INIT: &str = r#"#!/bin/sh
/bin/busybox mount -t proc proc /proc
echo "SPRINGBOARD-USERSPACE-OK uname=$(/bin/busybox uname -r)"
echo "SPRINGBOARD-CMDLINE $(/bin/busybox cat /proc/cmdline)"
/bin/busybox poweroff -f
"#;

/// Builds `dir/initramfs.cpio` (once) and returns its path.
pub fn build(dir: &Path) -> Result<PathBuf> {
    let out = dir.join("initramfs.cpio");
    if out.exists() {
        return Ok(out);
    }
    let debs = dir.join("debs");
    std::fs::create_dir_all(&debs)?;
    let deb = super::download("busybox-static:arm64", &debs)?;
    let busybox_path = dir.join("busybox");
    cmd::extract_from_deb(&deb, "./bin/busybox", &busybox_path)?;
    let busybox = std::fs::read(&busybox_path)?;

    let mut cpio = Cpio::default();
    for d in ["bin", "dev", "proc", "sys"] {
        cpio.dir(d);
    }
    cpio.char_device("dev/console", 5, 1);
    cpio.file("bin/busybox", 0o755, &busybox);
    cpio.symlink("bin/sh", "busybox");
    cpio.file("init", 0o755, INIT.as_bytes());
    let bytes = cpio.finish();
    std::fs::write(&out, &bytes)?;
    println!("setup: initramfs.cpio: {} KiB (busybox + /init)", bytes.len() / 1024);
    Ok(out)
}
