//! Booting springboard as TF-A's BL33: the TF-A build that `cargo xtask setup --tfa` caches,
//! springboard with a bundle appended (one file for the FIP), and QEMU's flash image of BL1
//! followed by a FIP.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use springboard_host::{Entry, Pack};

use crate::Assets;

/// Where QEMU `virt` flash holds the FIP, and where TF-A's BL1 looks for it
/// (TF-A 2.8 `plat/qemu/qemu/include/platform_def.h`, `PLAT_QEMU_FIP_BASE`).
pub const FIP_OFFSET: usize = 0x4_0000;
/// QEMU `virt`'s flash bank 0 (`-bios`), QEMU 7.2 `hw/arm/virt.c` `VIRT_FLASH`: 64 MiB per bank.
pub const FLASH_SIZE: usize = 64 << 20;
/// The `-M` value of a TF-A run: EL3 for TF-A, EL2 for springboard.
pub const MACHINE: &str = "virt,secure=on,virtualization=on";
/// A line only TF-A's BL31 prints.
pub const BL31: &str = "NOTICE:  BL31:";

/// The TF-A build cached by `cargo xtask setup --tfa`.
pub fn tfa_dir() -> PathBuf {
    let assets = std::env::var_os("SPRINGBOARD_ASSETS").expect("SPRINGBOARD_ASSETS is set");
    let dir = PathBuf::from(assets).join("tfa");
    assert!(
        dir.join("bl1.bin").exists() && dir.join("fiptool").exists(),
        "no TF-A in {}: run `cargo xtask setup --tfa` (cargo xtask test does it)",
        dir.display()
    );
    dir
}

/// Writes `name` in the work folder: springboard with a bundle of `kernel`, `initrd` and
/// `cmdline` appended by `springboard pack --append-to`.
pub fn springboard_with(
    assets: &Assets,
    name: &str,
    kernel: &Path,
    initrd: &Path,
    cmdline: &str,
) -> PathBuf {
    let out = assets.work_file(name);
    let entry = Entry::kernel(kernel).initrd(initrd).cmdline(cmdline);
    assets.pack(Pack::new().entry(entry).append_to(&assets.springboard), &out);
    out
}

/// Writes `NAME-flash.bin` (and `NAME-fip.bin`) in the work folder: TF-A's BL1, then at
/// [`FIP_OFFSET`] a FIP of BL2, BL31 and `bl33`. Returns the flash image's path.
pub fn flash_with_bl33(assets: &Assets, name: &str, bl33: &Path) -> PathBuf {
    let tfa = tfa_dir();
    let fip = assets.work_file(&format!("{name}-fip.bin"));
    let _ = std::fs::remove_file(&fip);
    let status = Command::new(tfa.join("fiptool"))
        .arg("create")
        .arg("--tb-fw")
        .arg(tfa.join("bl2.bin"))
        .arg("--soc-fw")
        .arg(tfa.join("bl31.bin"))
        .arg("--nt-fw")
        .arg(bl33)
        .arg(&fip)
        .stdout(Stdio::null())
        .status()
        .expect("running fiptool");
    assert!(status.success(), "fiptool create failed");
    let mut flash = std::fs::read(tfa.join("bl1.bin")).expect("reading bl1.bin");
    assert!(flash.len() <= FIP_OFFSET, "bl1.bin is {:#x} bytes, over {FIP_OFFSET:#x}", flash.len());
    flash.resize(FIP_OFFSET, 0);
    flash.extend(std::fs::read(&fip).expect("reading the FIP"));
    assert!(flash.len() <= FLASH_SIZE, "flash image {:#x} bytes, over 64 MiB", flash.len());
    let path = assets.work_file(&format!("{name}-flash.bin"));
    std::fs::write(&path, flash).expect("writing the flash image");
    path
}
