//! `springboard.entry=NAME` on springboard's command line (QEMU `-append`, which becomes
//! `/chosen/bootargs`) picks a boot entry of a two-entry bundle; an unknown name is refused.

use qemu_tests::guest::{pack_entries, EntryFiles};
use qemu_tests::{Assets, Qemu, CMDLINE, USERSPACE};
use std::path::PathBuf;

/// A bundle whose entry 0 "generic" is the 6.1 generic kernel and entry 1 "cloud" the cloud
/// one, both with the test initramfs (stored once).
fn two_entry_bundle(assets: &Assets, name: &str) -> PathBuf {
    let (a, b) = (assets.kernel("6.1-generic"), assets.kernel("6.1-cloud"));
    let out = assets.work_file(name);
    let entries = [
        EntryFiles {
            name: "generic",
            kernel: &a.path,
            initrd: &assets.initramfs,
            cmdline: CMDLINE,
        },
        EntryFiles { name: "cloud", kernel: &b.path, initrd: &assets.initramfs, cmdline: CMDLINE },
    ];
    pack_entries(assets, &entries, &out);
    out
}

#[test]
fn springboard_entry_on_the_command_line_boots_the_named_second_entry() {
    let assets = Assets::get();
    let bundle = two_entry_bundle(&assets, "two-entries.bundle");
    let (a, b) = (assets.kernel("6.1-generic"), assets.kernel("6.1-cloud"));
    let run = Qemu::virt("entry-select", "cortex-a57")
        .kernel(&assets.springboard)
        .initrd(&bundle)
        .arg(["-append", "springboard.entry=cloud"])
        .forbid(&[&format!("{USERSPACE}{}", a.release), &format!("Linux version {} ", a.release)])
        .expect(
            &[
                "springboard: entry: 1 \"cloud\" of 2",
                &format!("Linux version {} ", b.release),
                "CPU: All CPU(s) started at EL2",
                &format!("{USERSPACE}{}", b.release),
            ],
            &assets.work,
        );
    let cmdline = run.assert_has("SPRINGBOARD-CMDLINE ");
    assert!(!cmdline.contains("springboard.entry"), "springboard's word leaked: {cmdline}");
}

#[test]
fn without_springboard_entry_the_first_entry_boots() {
    let assets = Assets::get();
    let bundle = two_entry_bundle(&assets, "two-entries-default.bundle");
    let (a, b) = (assets.kernel("6.1-generic"), assets.kernel("6.1-cloud"));
    Qemu::virt("entry-default", "cortex-a57")
        .kernel(&assets.springboard)
        .initrd(&bundle)
        .forbid(&[&format!("Linux version {} ", b.release)])
        .expect(
            &["springboard: entry: 0 \"generic\" of 2", &format!("{USERSPACE}{}", a.release)],
            &assets.work,
        );
}

#[test]
fn an_unknown_entry_name_is_refused_and_the_machine_powers_off() {
    let assets = Assets::get();
    let bundle = two_entry_bundle(&assets, "two-entries-unknown.bundle");
    let run = Qemu::virt("entry-unknown", "cortex-a57")
        .kernel(&assets.springboard)
        .initrd(&bundle)
        .arg(["-append", "springboard.entry=nope"])
        .forbid(&["Booting Linux", "springboard: handoff:"])
        .expect(
            &["springboard: error: no-entry: springboard.entry=nope", "springboard: powering off"],
            &assets.work,
        );
    assert_eq!(run.count("springboard: error:"), 1, "exactly one error line");
}
