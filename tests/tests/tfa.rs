//! springboard as BL33: a real TF-A (built by `cargo xtask setup --tfa` from Debian's source)
//! loads springboard with its bundle appended from a FIP and enters it at EL2 with `x0 = 0`;
//! springboard finds QEMU's DTB at the base of DRAM and boots Linux, which gets PSCI from TF-A.
//! The same one-file image also boots from plain QEMU `-kernel` without `-initrd`; and with no
//! DTB anywhere springboard can find, it stops with `no-dtb` and powers off.

use image_formats::image::ImageHeader;
use qemu_tests::elf::{self, Segment};
use qemu_tests::guest::kexec_initramfs;
use qemu_tests::tfa::{flash_with_bl33, springboard_with, BL31, MACHINE};
use qemu_tests::{pack, protocol, Assets, Qemu, BANNER, CMDLINE, MMU_OFF, MMU_ON, USERSPACE};
use std::path::PathBuf;

/// Where TF-A's BL2 loads BL33 for QEMU (`NS_IMAGE_OFFSET`, 0x40000000 + 0x20000000).
const BL33_BASE: &str = "image 0x60000000";

/// springboard with a bundle of the generic kernel and the test initramfs appended.
fn springboard_with_bundle(assets: &Assets, name: &str) -> PathBuf {
    springboard_with(assets, name, &assets.kernel("6.1-generic").path, &assets.initramfs, CMDLINE)
}

#[test]
fn tfa_starts_springboard_with_its_appended_bundle_and_linux_gets_psci_from_tfa() {
    let assets = Assets::get();
    let release = assets.kernel("6.1-generic").release.clone();
    let bl33 = springboard_with_bundle(&assets, "tfa-bl33.bin");
    let flash = flash_with_bl33(&assets, "tfa-bl33", &bl33);
    let userspace = format!("{USERSPACE}{release}");
    let run = Qemu::virt("tfa-bl33", "cortex-a57")
        .machine(MACHINE)
        .arg(["-bios", &flash.display().to_string()])
        .expect(
            &[
                BL31,
                BANNER,
                "springboard: fdt: 0x40000000",
                MMU_ON,
                "appended to springboard's image",
                MMU_OFF,
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
    let cmdline = format!("{CMDLINE} {}", protocol::KEXEC_SWITCH);
    let bl33 = springboard_with(&assets, "tfa-kexec-bl33.bin", &a.path, &guest, &cmdline);
    let flash = flash_with_bl33(&assets, "tfa-kexec", &bl33);
    let run = Qemu::virt("tfa-kexec", "cortex-a57")
        .machine(MACHINE)
        .arg(["-bios", &flash.display().to_string()])
        .allow_banners(2)
        .forbid(&[protocol::KEXEC_FAILED])
        .timeout(std::time::Duration::from_secs(240))
        .expect(
            &[
                BL31,
                "appended to springboard's image",
                "psci: PSCIv1.1 detected in firmware",
                &format!("{USERSPACE}{}", a.release),
                "SPRINGBOARD-KEXEC /boot/springboard.bin",
                BANNER,
                MMU_ON,
                "from the /chosen initrd range",
                MMU_OFF,
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
    format!("springboard: bundle: {:#x} (", base + image_size(&image))
}

/// The `image_size` of the Image header at the start of `image` (springboard's own).
fn image_size(image: &[u8]) -> u64 {
    ImageHeader::parse(image).expect("springboard.bin starts with an Image header").image_size
}

#[test]
fn without_a_dtb_anywhere_springboard_powers_off_and_boots_nothing() {
    // Started as a bare-metal ELF at the base of DRAM, springboard gets x0 = 0 and QEMU loads
    // no DTB into DRAM (there is no room below the ELF), so the board's fallback address holds
    // springboard's own header. With no DTB, no UART is known: springboard says nothing and
    // powers off through PSCI (QEMU exits with status 0) instead of hanging.
    let assets = Assets::get();
    let elf = assets.work_file("springboard-at-dram-base.elf");
    let image = std::fs::read(&assets.springboard).expect("reading springboard.bin");
    std::fs::write(&elf, elf_at(&image, 0x4000_0000)).expect("writing the ELF");
    let run = Qemu::virt("no-dtb", "cortex-a57")
        .kernel(&elf)
        .forbid(&["springboard:", "Booting Linux"])
        .expect(&[], &assets.work);
    assert!(run.lines.iter().all(|l| l.trim().is_empty()), "no console output at all");
}

/// A minimal ELF64 executable holding `image` at `base`, its memory size the Image header's
/// `image_size`, entered at `base`.
fn elf_at(image: &[u8], base: u64) -> Vec<u8> {
    elf::executable(&[Segment { addr: base, data: image, mem_size: image_size(image) }], base)
}
