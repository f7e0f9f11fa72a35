//! springboard started at EL1 with no EL2 (QEMU `virt` without `virtualization=on`, the most
//! common QEMU command line): there is no stub to keep, the kernel is entered at EL1, and its
//! PSCI conduit stays the one the firmware's DTB names (`hvc`: QEMU's own PSCI). Rewriting it to
//! `smc` made the kernel's first PSCI call undefined and the boot hang.

use qemu_tests::{pack, Assets, Qemu, CMDLINE, MMU_OFF, MMU_ON, USERSPACE};

#[test]
fn kernel_reaches_userspace_at_el1_without_el2_with_psci_over_hvc() {
    let assets = Assets::get();
    let kernel = assets.kernel("6.1-generic").clone();
    let bundle = assets.work_file("entry-el1.bundle");
    pack(&assets, &kernel.path, CMDLINE, &bundle);
    let userspace = format!("{USERSPACE}{}", kernel.release);
    let run = Qemu::virt("entry-el1-no-el2", "cortex-a57")
        .machine("virt")
        .smp(2)
        .kernel(&assets.springboard)
        .initrd(&bundle)
        .forbid(&["started at EL2", "springboard: stub:", "failed to come online"])
        .timeout(std::time::Duration::from_secs(60))
        .expect(
            &[
                "springboard: springboard ",
                MMU_ON,
                MMU_OFF,
                "springboard: handoff: entered at EL1, no EL2 to keep",
                "psci: PSCIv",
                "CPU1: Booted secondary processor",
                "CPU: All CPU(s) started at EL1",
                &userspace,
            ],
            &assets.work,
        );
    run.assert_has("entered at EL1");
    // QEMU's own PSCI on plain `virt` answers `hvc`; the kernel was told so.
    let method = run.assert_has(qemu_tests::protocol::PSCI_METHOD);
    assert!(method.ends_with(" hvc"), "{method}");
}
