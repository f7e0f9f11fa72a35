//! springboard as BL33: a real TF-A (built by `cargo xtask setup --tfa` from Debian's source)
//! loads springboard with its bundle appended from a FIP and enters it at EL2 with `x0 = 0`;
//! springboard finds QEMU's DTB at the base of DRAM and boots Linux, which gets PSCI from TF-A.
//! The same one-file image also boots from plain QEMU `-kernel` without `-initrd`; and with no
//! DTB anywhere springboard can find, it stops with `no-dtb` and powers off.

use qemu_tests::guest::kexec_initramfs;
use qemu_tests::{pack, Assets, Qemu, BANNER, CMDLINE, USERSPACE};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Where QEMU `virt` flash holds the FIP, and where TF-A's BL1 looks for it
/// (TF-A 2.8 `plat/qemu/qemu/include/platform_def.h`, `PLAT_QEMU_FIP_BASE`).
const FIP_OFFSET: usize = 0x4_0000;
/// QEMU `virt`'s flash bank 0 (`-bios`), QEMU 7.2 `hw/arm/virt.c` `VIRT_FLASH`: 64 MiB per bank.
const FLASH_SIZE: usize = 64 << 20;
/// Where TF-A's BL2 loads BL33 for QEMU (`NS_IMAGE_OFFSET`, 0x40000000 + 0x20000000).
const BL33_BASE: &str = "image 0x60000000";
/// A line only TF-A's BL31 prints.
const BL31: &str = "NOTICE:  BL31:";

/// The TF-A build cached by `cargo xtask setup --tfa`.
fn tfa_dir() -> PathBuf {
    let assets = std::env::var_os("SPRINGBOARD_ASSETS").expect("SPRINGBOARD_ASSETS is set");
    let dir = PathBuf::from(assets).join("tfa");
    assert!(
        dir.join("bl1.bin").exists() && dir.join("fiptool").exists(),
        "no TF-A in {}: run `cargo xtask setup --tfa` (cargo xtask test does it)",
        dir.display()
    );
    dir
}

/// springboard with a bundle of the generic kernel and the test initramfs appended.
fn springboard_with_bundle(assets: &Assets, name: &str) -> PathBuf {
    springboard_with(assets, name, &assets.kernel("6.1-generic").path, &assets.initramfs, CMDLINE)
}

/// springboard with a bundle of `kernel`, `initrd` and `cmdline` appended.
fn springboard_with(
    assets: &Assets,
    name: &str,
    kernel: &Path,
    initrd: &Path,
    cmdline: &str,
) -> PathBuf {
    let out = assets.work_file(name);
    let status = Command::new(&assets.cli)
        .arg("pack")
        .arg("--kernel")
        .arg(kernel)
        .arg("--initrd")
        .arg(initrd)
        .args(["--cmdline", cmdline])
        .arg("--append-to")
        .arg(&assets.springboard)
        .arg("-o")
        .arg(&out)
        .stdout(Stdio::null())
        .status()
        .expect("running springboard pack --append-to");
    assert!(status.success(), "springboard pack --append-to failed for {}", out.display());
    out
}

/// QEMU's flash image: TF-A's BL1, then at 256 KiB a FIP of BL2, BL31 and `bl33`.
fn flash_with_bl33(assets: &Assets, bl33: &Path) -> PathBuf {
    let tfa = tfa_dir();
    let fip = assets.work_file("tfa-fip.bin");
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
    let path = assets.work_file("tfa-flash.bin");
    std::fs::write(&path, flash).expect("writing the flash image");
    path
}

#[test]
fn tfa_starts_springboard_with_its_appended_bundle_and_linux_gets_psci_from_tfa() {
    let assets = Assets::get();
    let release = assets.kernel("6.1-generic").release.clone();
    let bl33 = springboard_with_bundle(&assets, "tfa-bl33.bin");
    let flash = flash_with_bl33(&assets, &bl33);
    let userspace = format!("{USERSPACE}{release}");
    let run = Qemu::virt("tfa-bl33", "cortex-a57")
        .machine("virt,secure=on,virtualization=on")
        .arg(["-bios", &flash.display().to_string()])
        .expect(
            &[
                BL31,
                BANNER,
                "springboard: fdt: 0x40000000",
                "appended to springboard's image",
                "springboard: handoff: HVC_SOFT_RESTART",
                "psci: PSCIv1.1 detected in firmware",
                "CPU: All CPU(s) started at EL2",
                &userspace,
            ],
            &assets.work,
        );
    run.assert_has(&bundle_line(&assets, 0x6000_0000));
    let banner = run.assert_has(BANNER);
    assert!(banner.contains("entered at EL2") && banner.contains(BL33_BASE), "{banner}");
    let fdt = run.assert_has("springboard: fdt: 0x40000000");
    assert!(fdt.contains("from board fallback"), "TF-A passes x0 = 0, not a DTB: {fdt}");
    // QEMU's own PSCI is off with secure=on: TF-A's BL31 answers, with its SMCCC version.
    run.assert_has("psci: SMC Calling Convention v1.2");
}

#[test]
fn after_tfa_linux_kexecs_springboard_which_boots_the_next_kernel_at_el2() {
    // QEMU's 64 MiB flash holds TF-A, springboard and one bundle: kernel A, the kexec guest
    // and, inside the guest, B's bundle. Two generic kernels do not fit; two cloud ones do.
    let assets = Assets::get();
    let (a, b) = (assets.kernel("6.1-cloud").clone(), assets.kernel("6.1-cloud").clone());
    let next = assets.work_file("tfa-kexec-next.bundle");
    pack(&assets, &b.path, CMDLINE, &next);
    let guest = assets.work_file("tfa-kexec-guest.cpio");
    kexec_initramfs(&assets, &next, &guest);
    let cmdline = format!("{CMDLINE} sbtest.kexec=1");
    let bl33 = springboard_with(&assets, "tfa-kexec-bl33.bin", &a.path, &guest, &cmdline);
    let flash = flash_with_bl33(&assets, &bl33);
    let run = Qemu::virt("tfa-kexec", "cortex-a57")
        .machine("virt,secure=on,virtualization=on")
        .arg(["-bios", &flash.display().to_string()])
        .allow_banners(2)
        .forbid(&["SPRINGBOARD-KEXEC-FAILED"])
        .timeout(std::time::Duration::from_secs(240))
        .expect(
            &[
                BL31,
                "appended to springboard's image",
                "psci: PSCIv1.1 detected in firmware",
                &format!("{USERSPACE}{}", a.release),
                "SPRINGBOARD-KEXEC /boot/springboard.bin",
                BANNER,
                "from the /chosen initrd range",
                "springboard: handoff: HVC_SOFT_RESTART",
                &format!("Linux version {}", b.release),
                "psci: SMC Calling Convention v1.2",
                "CPU: All CPU(s) started at EL2",
                &format!("{USERSPACE}{}", b.release),
            ],
            &assets.work,
        );
    assert_eq!(run.count(BANNER), 2, "springboard starts from TF-A, then from kexec");
}

#[test]
fn appended_bundle_boots_from_plain_qemu_kernel_without_initrd() {
    let assets = Assets::get();
    let release = assets.kernel("6.1-generic").release.clone();
    let image = springboard_with_bundle(&assets, "appended-kernel.bin");
    let userspace = format!("{USERSPACE}{release}");
    let run = Qemu::virt("appended-kernel", "cortex-a57").kernel(&image).expect(
        &[BANNER, "appended to springboard's image", "CPU: All CPU(s) started at EL2", &userspace],
        &assets.work,
    );
    run.assert_has(&bundle_line(&assets, 0x4020_0000));
    run.assert_has("from x0");
}

/// The console line of a bundle appended to springboard loaded at `base`: it starts at
/// `base` + the plain image's `image_size`, right after springboard's .bss and stack.
fn bundle_line(assets: &Assets, base: u64) -> String {
    let image = std::fs::read(&assets.springboard).expect("reading springboard.bin");
    let image_size = u64::from_le_bytes(image[0x10..0x18].try_into().expect("8 bytes"));
    format!("springboard: bundle: {:#x} (", base + image_size)
}

#[test]
fn without_a_dtb_anywhere_springboard_stops_with_no_dtb() {
    // Started as a bare-metal ELF at the base of DRAM, springboard gets x0 = 0 and QEMU loads
    // no DTB into DRAM (there is no room below the ELF), so the board's fallback address holds
    // springboard's own header.
    let assets = Assets::get();
    let elf = assets.work_file("springboard-at-dram-base.elf");
    let image = std::fs::read(&assets.springboard).expect("reading springboard.bin");
    std::fs::write(&elf, elf_at(&image, 0x4000_0000)).expect("writing the ELF");
    let run = Qemu::virt("no-dtb", "cortex-a57")
        .kernel(&elf)
        .forbid(&["springboard: bundle:", "springboard: fdt:", "Booting Linux"])
        .expect(
            &["springboard: error: no-dtb: no DTB at x0 = 0x0", "springboard: powering off"],
            &assets.work,
        );
    assert_eq!(run.count("springboard: error:"), 1, "exactly one error line");
    run.assert_has("nor at the board's 0x40000000");
}

/// A minimal ELF64 executable for AArch64 (System V gABI, `e_machine` 183 = EM_AARCH64) with
/// one PT_LOAD segment holding `image` at physical and virtual `base`, its memory size the
/// Image header's `image_size`, and its entry at `base`.
fn elf_at(image: &[u8], base: u64) -> Vec<u8> {
    const EHDR: u64 = 64;
    const PHDR: u64 = 56;
    const DATA: u64 = 0x1000;
    let image_size = u64::from_le_bytes(image[0x10..0x18].try_into().expect("8 bytes"));
    let mut elf = Vec::new();
    elf.extend(b"\x7fELF\x02\x01\x01\x00"); // 64-bit, little-endian, version 1, System V
    elf.extend([0u8; 8]);
    elf.extend(2u16.to_le_bytes()); // e_type: ET_EXEC
    elf.extend(183u16.to_le_bytes()); // e_machine: EM_AARCH64
    elf.extend(1u32.to_le_bytes()); // e_version
    elf.extend(base.to_le_bytes()); // e_entry
    elf.extend(EHDR.to_le_bytes()); // e_phoff
    elf.extend(0u64.to_le_bytes()); // e_shoff
    elf.extend(0u32.to_le_bytes()); // e_flags
    for half in [EHDR as u16, PHDR as u16, 1, 0, 0, 0] {
        elf.extend(half.to_le_bytes()); // e_ehsize, e_phentsize, e_phnum, e_shentsize, ...
    }
    elf.extend(1u32.to_le_bytes()); // p_type: PT_LOAD
    elf.extend(7u32.to_le_bytes()); // p_flags: R W X
    for word in [DATA, base, base, image.len() as u64, image_size, DATA] {
        elf.extend(word.to_le_bytes()); // p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align
    }
    elf.resize(DATA as usize, 0);
    elf.extend(image);
    elf
}
