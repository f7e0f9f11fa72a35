//! Real Debian 6.1 kernels boot through springboard to userspace at EL2.

use qemu_tests::{pack, Assets, Qemu, Run, BANNER, CMDLINE, MMU_OFF, MMU_ON, USERSPACE};
use std::path::PathBuf;

/// QEMU CPU giving a non-VHE kernel (Linux issues hyp-stub calls).
const NON_VHE: &str = "cortex-a57";
/// QEMU CPU giving a VHE kernel (never plain `max` on QEMU 7.2: 5x slower).
const VHE: &str = "max,pauth-impdef=on";
const KVM_NVHE: &str = "kvm [1]: Hyp mode initialized successfully";
const KVM_VHE: &str = "kvm [1]: VHE mode initialized successfully";

/// The bundle of kernel `label` for the run `name` (one file per run: tests run in parallel).
fn bundle_for(assets: &Assets, label: &str, name: &str) -> PathBuf {
    let out = assets.work_file(&format!("{name}.bundle"));
    pack(assets, &assets.kernel(label).path, CMDLINE, &out);
    out
}

fn milestones<'a>(kvm: &'a str, userspace: &'a str) -> Vec<&'a str> {
    vec![
        BANNER,
        MMU_ON,
        "springboard: stub: resident at",
        MMU_OFF,
        "springboard: handoff: HVC_SOFT_RESTART to",
        "Booting Linux on physical CPU",
        "CPU: All CPU(s) started at EL2",
        kvm,
        userspace,
    ]
}

/// Boots `label` under `cpu` from QEMU's `-kernel` and checks every milestone.
fn boots_at_el2(label: &str, cpu: &str, kvm: &str) -> Run {
    let assets = Assets::get();
    let kernel = assets.kernel(label).clone();
    let name = format!("{label}-{}", cpu.split(',').next().unwrap_or(cpu));
    let bundle = bundle_for(&assets, label, &name);
    let userspace = format!("{USERSPACE}{}", kernel.release);
    let run = Qemu::virt(&name, cpu)
        .kernel(&assets.springboard)
        .initrd(&bundle)
        .expect(&milestones(kvm, &userspace), &assets.work);
    assert_eq!(run.count(BANNER), 1, "springboard's banner must appear exactly once");
    run
}

#[test]
fn generic_kernel_reaches_userspace_at_el2_non_vhe() {
    let run = boots_at_el2("6.1-generic", NON_VHE, KVM_NVHE);
    run.assert_has("springboard: springboard 0.1.0 entered at EL2, image 0x40200000");
}

#[test]
fn cloud_kernel_reaches_userspace_at_el2_non_vhe() {
    boots_at_el2("6.1-cloud", NON_VHE, KVM_NVHE);
}

#[test]
fn generic_kernel_reaches_userspace_at_el2_vhe() {
    boots_at_el2("6.1-generic", VHE, KVM_VHE);
}

#[test]
fn cloud_kernel_reaches_userspace_at_el2_vhe() {
    boots_at_el2("6.1-cloud", VHE, KVM_VHE);
}

#[test]
fn kernel_sees_the_bundle_command_line_and_the_reserved_stub() {
    let assets = Assets::get();
    let kernel = assets.kernel("6.1-generic").clone();
    let out = assets.work_file("cmdline.bundle");
    pack(&assets, &kernel.path, &format!("{CMDLINE} sb_test_word=42"), &out);
    let userspace = format!("{USERSPACE}{}", kernel.release);
    let run = Qemu::virt("cmdline", NON_VHE)
        .kernel(&assets.springboard)
        .initrd(&out)
        .arg(["-append", "springboard.debug=1 ignored_by_the_bundle=1"])
        .expect(&milestones(KVM_NVHE, &userspace), &assets.work);
    let cmdline = run.assert_has("SPRINGBOARD-CMDLINE ");
    assert!(cmdline.contains("sb_test_word=42"), "bundle cmdline not passed: {cmdline}");
    // The bundle's command line replaces the bootargs wholesale (the bootargs path, without
    // springboard's words, is matrix::cmdline's).
    assert!(!cmdline.contains("ignored_by_the_bundle"), "the bootargs leaked: {cmdline}");
    let reserved = run.assert_has(qemu_tests::protocol::RESERVED_MEMORY);
    assert!(reserved.contains("springboard@7fffe000"), "stub not reserved: {reserved}");
    let method = run.assert_has(qemu_tests::protocol::PSCI_METHOD);
    assert!(method.ends_with(" smc"), "a kernel at EL2 needs smc: {method}");
}

#[test]
fn u_boot_booti_starts_springboard_and_the_kernel_reaches_userspace() {
    let assets = Assets::get();
    let kernel = assets.kernel("6.1-generic").clone();
    let bundle = bundle_for(&assets, "6.1-generic", "u-boot");
    let userspace = format!("{USERSPACE}{}", kernel.release);
    let run = Qemu::virt("u-boot", NON_VHE)
        .arg(["-bios", &assets.uboot.display().to_string()])
        .kernel(&assets.springboard)
        .initrd(&bundle)
        .expect(&milestones(KVM_NVHE, &userspace), &assets.work);
    // U-Boot's `booti` moved springboard from QEMU's 0x40200000 to 0x40400000 and started it.
    let banner = run.assert_has(BANNER);
    assert!(banner.contains("entered at EL2"), "{banner}");
    assert!(banner.contains("image 0x40400000"), "booti should start it at 0x40400000: {banner}");
    run.assert_has("U-Boot");
}
