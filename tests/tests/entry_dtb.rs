//! An entry with its own DTB (`pack --dtb`): the kernel is told that DTB, not the firmware's,
//! so springboard plans against it. The firmware's reservations are carried into it (the memory
//! stays in use whatever the entry's DTB says), the kernel and its DTB go only where both DTBs
//! declare memory, and an entry DTB without the `/psci` the firmware has is refused.

use qemu_tests::dtb::{dump_virt, fdtput, reserve};
use qemu_tests::{Assets, Entry, Pack, Qemu, CMDLINE, USERSPACE};
use std::path::{Path, PathBuf};

const MACHINE: &str = "virt,virtualization=on";
/// A firmware reservation inside the memory the entry's DTB declares.
const SECRET: u64 = 0x4c00_0000;
/// Where the entry's DTB says memory starts: above where springboard would put the kernel
/// with the firmware's DTB alone (0x40400000).
const ENTRY_MEMORY: u64 = 0x4400_0000;

/// `pack --dtb entry.dtb` of the generic kernel and the test initramfs.
fn pack_with_dtb(assets: &Assets, dtb: &Path, name: &str) -> PathBuf {
    let out = assets.work_file(&format!("{name}.bundle"));
    let kernel = &assets.kernel("6.1-generic").path;
    let entry = Entry::kernel(kernel).initrd(&assets.initramfs).cmdline(CMDLINE).dtb(dtb);
    assets.pack(Pack::new().entry(entry), &out);
    out
}

#[test]
fn an_entry_dtb_gets_the_firmware_reservations_and_only_memory_both_declare() {
    let assets = Assets::get();
    let firmware = dump_virt(&assets, MACHINE, "entry-dtb-firmware");
    reserve(&firmware, "secret", SECRET, 0x10_0000, true);
    let entry = dump_virt(&assets, MACHINE, "entry-dtb-own");
    // 0x44000000..0x80000000: 960 MiB.
    fdtput(&["-t", "x"], &entry, &["/memory@40000000", "reg", "0", "44000000", "0", "3c000000"]);
    let bundle = pack_with_dtb(&assets, &entry, "entry-dtb");
    let release = &assets.kernel("6.1-generic").release;
    let run = Qemu::virt("entry-dtb", "cortex-a57")
        .machine(MACHINE)
        .kernel(&assets.springboard)
        .initrd(&bundle)
        .dtb(&firmware)
        .timeout(std::time::Duration::from_secs(60))
        .expect(
            &["springboard: fdt: the entry's own DTB", &format!("{USERSPACE}{release}")],
            &assets.work,
        );
    let nodes = run.assert_has("SPRINGBOARD-RESERVED-MEMORY");
    let carried = format!("firmware-reserved@{SECRET:x}");
    assert!(nodes.contains(&carried) && nodes.contains("springboard@"), "{nodes}");
    // The kernel was told 960 MiB from 0x44000000: springboard's plan and the kernel's memory
    // stay inside it.
    run.assert_has("/983040K available");
    let plan = run.assert_has("springboard: plan: kernel");
    let base = plan.split("kernel ").nth(1).and_then(|t| t.split("..").next()).expect("base");
    let base = u64::from_str_radix(base.trim_start_matches("0x"), 16).expect("hex");
    assert!(base >= ENTRY_MEMORY, "kernel placed outside the entry DTB's memory: {plan}");
}

#[test]
fn an_entry_dtb_without_the_firmwares_psci_is_refused() {
    let assets = Assets::get();
    let entry = dump_virt(&assets, MACHINE, "entry-dtb-no-psci");
    fdtput(&["-r"], &entry, &["/psci"]);
    let bundle = pack_with_dtb(&assets, &entry, "entry-dtb-no-psci");
    let run = Qemu::virt("entry-dtb-no-psci", "cortex-a57")
        .machine(MACHINE)
        .kernel(&assets.springboard)
        .initrd(&bundle)
        .forbid(&["Booting Linux", "springboard: handoff:"])
        .timeout(std::time::Duration::from_secs(30))
        .expect(&["springboard: error: dtb:", "springboard: powering off"], &assets.work);
    assert_eq!(run.count("springboard: error:"), 1);
    run.assert_has("/psci");
}
