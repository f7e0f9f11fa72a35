//! The same inputs, started three ways: at EL2 (`virt,virtualization=on`, the other
//! modules), at EL1 with no EL2 (plain `virt`, QEMU's PSCI on `hvc`), and as TF-A's BL33 with
//! `springboard.handoff=el1` (from the `/chosen/bootargs` of a `-dtb`, since `-append` needs
//! `-kernel`). A refusal must still power off through the conduit that level has; a good
//! bundle must reach userspace at EL1.

use crate::common::{boots, generic, read, refuses, virt, write, BOOT_TIMEOUT};
use image_formats::bundle::Bundle;
use qemu_tests::tfa::{flash_with_bl33, springboard_with, BL31, MACHINE};
use qemu_tests::{Qemu, CMDLINE};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The bundle with bad magic, given to plain `virt`.
#[test]
fn bad_bundle_at_el1_without_el2_is_refused_and_powers_off_through_hvc() {
    let mut bytes = crate::common::tiny_bundle().to_vec();
    bytes[0] ^= 0xff;
    let path = write("el1-bad.bundle", &bytes);
    let run = refuses(virt("el1-bad").machine("virt").initrd(&path), "bundle");
    run.assert_has("entered at EL1");
}

#[test]
fn good_bundle_at_el1_without_el2_reaches_userspace_with_psci() {
    let qemu = virt("el1-good")
        .machine("virt")
        .initrd(crate::common::real_bundle())
        .forbid(&["started at EL2"]);
    boots(qemu, &["entered at EL1", "psci: PSCIv", "CPU: All CPU(s) started at EL1"]);
}

/// springboard with the real bundle appended, its kernel's byte at +1 MiB flipped when
/// `corrupt`, as the BL33 of a TF-A flash image; and a DTB whose bootargs ask for
/// `springboard.handoff=el1`. Returns `(flash, dtb)`.
fn tfa_el1(name: &str, corrupt: bool) -> (PathBuf, PathBuf) {
    let assets = crate::common::assets();
    let bl33 = springboard_with(
        assets,
        &format!("matrix-{name}-bl33.bin"),
        &generic().path,
        &assets.initramfs,
        CMDLINE,
    );
    if corrupt {
        let mut bytes = read(&bl33);
        let plain = read(&assets.springboard);
        let start = crate::common::get_u64(&plain, 0x10) as usize;
        let kernel = {
            let bundle = Bundle::parse(&bytes[start..]).expect("the appended bundle parses");
            let entry = bundle.entry(0).expect("one entry");
            bundle.payload(entry.kernel).expect("its kernel").offset as usize
        };
        bytes[start + kernel + 0x10_0000] ^= 0x01;
        std::fs::write(&bl33, bytes).expect("writing the corrupted BL33");
    }
    let flash = flash_with_bl33(assets, &format!("matrix-{name}"), &bl33);
    let dtb = assets.work_file(&format!("matrix-{name}.dtb"));
    dump_tfa_dtb(&flash, &dtb);
    let status = Command::new("fdtput")
        .args(["-t", "s"])
        .arg(&dtb)
        .args(["/chosen", "bootargs", "springboard.handoff=el1"])
        .status()
        .expect("running fdtput");
    assert!(status.success(), "fdtput /chosen bootargs failed");
    (flash, dtb)
}

/// QEMU's own DTB for the TF-A machine with `flash`.
fn dump_tfa_dtb(flash: &Path, out: &Path) {
    let machine = format!("{MACHINE},dumpdtb={}", out.display());
    let status = Command::new("qemu-system-aarch64")
        .args(["-M", &machine, "-cpu", "cortex-a57", "-m", "1G", "-smp", "1", "-nic", "none"])
        .args(["-display", "none", "-monitor", "none", "-serial", "null"])
        .arg("-bios")
        .arg(flash)
        .status()
        .expect("running qemu-system-aarch64 dumpdtb");
    assert!(status.success(), "dumpdtb failed");
}

/// The TF-A machine with `flash` and `dtb`.
fn tfa_machine(name: &str, flash: &Path, dtb: &Path) -> Qemu {
    Qemu::virt(&format!("matrix-{name}"), "cortex-a57")
        .machine(MACHINE)
        .arg(["-bios", &flash.display().to_string()])
        .dtb(dtb)
}

#[test]
fn bad_bundle_after_tfa_with_el1_handoff_is_refused_and_powers_off_through_tfa() {
    let (flash, dtb) = tfa_el1("tfa-el1-bad", true);
    let run = refuses(tfa_machine("tfa-el1-bad", &flash, &dtb), "bundle");
    run.assert_has(BL31);
    run.assert_has("CRC32");
}

#[test]
fn good_bundle_after_tfa_with_el1_handoff_reaches_userspace_with_tfa_smccc() {
    let (flash, dtb) = tfa_el1("tfa-el1-good", false);
    let qemu =
        tfa_machine("tfa-el1-good", &flash, &dtb).forbid(&["started at EL2"]).timeout(BOOT_TIMEOUT);
    boots(
        qemu,
        &[
            BL31,
            "springboard: handoff: HVC_SOFT_RESTART to the stub's EL1 launch",
            "psci: PSCIv1.1 detected in firmware",
            // TF-A 2.8's SMCCC version, relayed by the stub; not HVC_STUB_ERR read as a version.
            "psci: SMC Calling Convention v1.2",
            "CPU: All CPU(s) started at EL1",
        ],
    );
}
