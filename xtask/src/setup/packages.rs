//! Host packages and the Rust target: installed only when missing.

use super::cmd;
use anyhow::{bail, Result};
use std::path::Path;

/// Debian's U-Boot for QEMU's `virt` (package `u-boot-qemu`).
pub const UBOOT: &str = "/usr/lib/u-boot/qemu_arm64/u-boot.bin";
/// What the tests run on the host, and the Debian packages that provide them.
const PACKAGES: &[&str] = &["qemu-system-arm", "device-tree-compiler", "u-boot-qemu"];

fn is_root() -> bool {
    cmd::output("id", &["-u"]).is_ok_and(|uid| uid.trim() == "0")
}

/// Installs QEMU, dtc and U-Boot if any is missing, and makes sure Debian's arm64 packages
/// can be looked up (the kernels and busybox come from there).
pub fn ensure_host_packages() -> Result<()> {
    let missing =
        !cmd::exists("qemu-system-aarch64") || !cmd::exists("dtc") || !Path::new(UBOOT).exists();
    let foreign = cmd::output("dpkg", &["--print-foreign-architectures"])?;
    let arm64 = foreign.lines().any(|a| a.trim() == "arm64");
    if !missing && arm64 {
        return Ok(());
    }
    if !is_root() {
        bail!(
            "missing host packages: run as root, or `sudo dpkg --add-architecture arm64 && sudo apt-get update && sudo apt-get install --no-install-recommends {}`",
            PACKAGES.join(" ")
        );
    }
    if !arm64 {
        println!("setup: adding Debian's arm64 architecture (for the kernels and busybox)");
        cmd::run("dpkg", &["--add-architecture", "arm64"], None)?;
    }
    println!("setup: apt-get update");
    cmd::run("apt-get", &["update", "-q"], None)?;
    if missing {
        println!("setup: installing {}", PACKAGES.join(", "));
        let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
        args.extend_from_slice(PACKAGES);
        cmd::run("apt-get", &args, None)?;
    }
    Ok(())
}

/// Adds the firmware target to the active toolchain when it is missing.
pub fn ensure_rust_target(target: &str) -> Result<()> {
    let installed = cmd::output("rustup", &["target", "list", "--installed"])?;
    if installed.lines().any(|t| t.trim() == target) {
        return Ok(());
    }
    println!("setup: rustup target add {target}");
    cmd::run("rustup", &["target", "add", target], None)
}

/// The candidate version of `package`, running `apt-get update` once if apt knows none.
pub fn candidate(package: &str) -> Result<String> {
    for attempt in 0..2 {
        let policy = cmd::output("apt-cache", &["policy", package])?;
        let found = policy
            .lines()
            .find_map(|l| l.trim().strip_prefix("Candidate:"))
            .map(str::trim)
            .filter(|v| !v.is_empty() && *v != "(none)");
        if let Some(version) = found {
            return Ok(version.to_string());
        }
        if attempt == 0 && is_root() {
            println!("setup: apt knows no {package}; apt-get update");
            cmd::run("apt-get", &["update", "-q"], None)?;
        }
    }
    bail!("apt has no candidate for {package} (is the arm64 architecture added and apt-get update run?)")
}
