//! Host packages, Debian's arm64 package lists and the Rust target: each installed only when
//! missing, and checked without the network or apt when everything is there.

use super::{apt, cmd};
use anyhow::{bail, Result};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Debian's U-Boot for QEMU's `virt` (package `u-boot-qemu`).
pub const UBOOT: &str = "/usr/lib/u-boot/qemu_arm64/u-boot.bin";
/// The Debian packages that provide what the tests run on the host.
const PACKAGES: &[&str] = &["qemu-system-arm", "device-tree-compiler", "u-boot-qemu"];

/// What is missing on the host, by the name a person would look for.
fn missing_tools() -> Vec<&'static str> {
    let mut missing = Vec::new();
    for tool in ["qemu-system-aarch64", "dtc"] {
        if !cmd::exists(tool) {
            missing.push(tool);
        }
    }
    if !Path::new(UBOOT).exists() {
        missing.push(UBOOT);
    }
    missing
}

/// Whether `dpkg --print-foreign-architectures` lists arm64.
fn arm64_added() -> Result<bool> {
    let foreign = cmd::output("dpkg", &["--print-foreign-architectures"])?;
    Ok(foreign.lines().any(|a| a.trim() == "arm64"))
}

/// The command a person who is not root should run instead.
fn sudo_hint() -> String {
    format!(
        "sudo dpkg --add-architecture arm64 && sudo apt-get update && \
         sudo apt-get install -y --no-install-recommends {}",
        PACKAGES.join(" ")
    )
}

/// Installs QEMU, dtc and U-Boot if any is missing, and adds Debian's arm64 architecture (the
/// kernels and busybox come from there). Prints one line saying what it found or did.
pub fn ensure_host_packages() -> Result<()> {
    let missing = missing_tools();
    let arm64 = arm64_added()?;
    if missing.is_empty() && arm64 {
        println!("setup: host packages: qemu-system-aarch64, dtc, u-boot.bin there; arm64 added");
        return Ok(());
    }
    if !cmd::is_root() {
        let what =
            if missing.is_empty() { "the arm64 architecture".into() } else { missing.join(", ") };
        bail!("missing {what}, and not root to install it: run `{}`", sudo_hint());
    }
    if !arm64 {
        println!("setup: dpkg --add-architecture arm64 (for Debian's arm64 kernels and busybox)");
        cmd::run("dpkg", &["--add-architecture", "arm64"], None)?;
    }
    println!("setup: apt-get update");
    cmd::run("apt-get", &["update", "-q"], None)?;
    if !missing.is_empty() {
        println!("setup: missing {}: apt-get install {}", missing.join(", "), PACKAGES.join(" "));
        let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
        args.extend_from_slice(PACKAGES);
        cmd::run("apt-get", &args, None)?;
        let still = missing_tools();
        if !still.is_empty() {
            bail!(
                "after apt-get install {}, still missing: {}",
                PACKAGES.join(" "),
                still.join(", ")
            );
        }
    }
    Ok(())
}

/// Set once apt was seen to know arm64 packages in this run.
static ARM64_LISTS_READY: AtomicBool = AtomicBool::new(false);

/// Makes sure apt can look up arm64 packages, running `apt-get update` once if it cannot (the
/// architecture was added but the lists were never fetched since). Called before anything is
/// fetched; asks apt once per run.
pub fn ensure_arm64_lists() -> Result<()> {
    if ARM64_LISTS_READY.load(Ordering::Relaxed) || apt::knows_arm64_packages() {
        ARM64_LISTS_READY.store(true, Ordering::Relaxed);
        return Ok(());
    }
    if !cmd::is_root() {
        bail!(
            "apt knows no arm64 packages (no linux-image-arm64:arm64): run `sudo apt-get update`"
        );
    }
    println!("setup: apt knows no arm64 packages yet: apt-get update");
    cmd::run("apt-get", &["update", "-q"], None)?;
    if !apt::knows_arm64_packages() {
        bail!(
            "after apt-get update, `apt-cache show linux-image-arm64:arm64` still finds nothing: \
             does /etc/apt/sources.list name a Debian archive with arm64?"
        );
    }
    ARM64_LISTS_READY.store(true, Ordering::Relaxed);
    Ok(())
}

/// Adds the firmware target to the active toolchain when it is missing.
pub fn ensure_rust_target(target: &str) -> Result<()> {
    let installed = cmd::output("rustup", &["target", "list", "--installed"])?;
    if installed.lines().any(|t| t.trim() == target) {
        println!("setup: rust target {target} installed");
        return Ok(());
    }
    println!("setup: rustup target add {target}");
    cmd::run("rustup", &["target", "add", target], None)
}
