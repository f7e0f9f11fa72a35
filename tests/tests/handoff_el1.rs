//! `springboard.handoff=el1`: the kernel enters at EL1 with springboard's stub resident at
//! EL2, PSCI goes through the stub (the kernel's DTB says `hvc`), and with two CPUs the second
//! one also enters at EL1 (its `CPU_ON` relayed by the stub).

use qemu_tests::{pack, Assets, Qemu, CMDLINE, MMU_OFF, MMU_ON, USERSPACE};

fn boots_at_el1_on_two_cpus(cpu: &str, name: &str) {
    let assets = Assets::get();
    let kernel = assets.kernel("6.1-generic").clone();
    let bundle = assets.work_file(&format!("{name}.bundle"));
    pack(&assets, &kernel.path, CMDLINE, &bundle);
    let userspace = format!("{USERSPACE}{}", kernel.release);
    let run = Qemu::virt(name, cpu)
        .smp(2)
        .kernel(&assets.springboard)
        .initrd(&bundle)
        .arg(["-append", "springboard.handoff=el1"])
        .forbid(&["started at EL2", "CPUs started in inconsistent modes", "failed to come online"])
        .expect(
            &[
                MMU_ON,
                "springboard: stub: resident at",
                MMU_OFF,
                "springboard: handoff: HVC_SOFT_RESTART to the stub's EL1 launch",
                "psci: PSCIv1.1 detected in firmware.",
                "CPU1: Booted secondary processor",
                "smp: Brought up 1 node, 2 CPUs",
                "CPU: All CPU(s) started at EL1",
                &userspace,
            ],
            &assets.work,
        );
    // The kernel's PSCI conduit is the stub: its DTB was patched from smc to hvc.
    let method = run.assert_has(qemu_tests::protocol::PSCI_METHOD);
    assert!(method.ends_with(" hvc"), "{method}");
}

#[test]
fn el1_handoff_keeps_the_stub_and_brings_both_cpus_up_non_vhe_cpu() {
    boots_at_el1_on_two_cpus("cortex-a57", "el1-a57");
}

#[test]
fn el1_handoff_keeps_the_stub_and_brings_both_cpus_up_on_a_cpu_with_sve_and_pauth() {
    boots_at_el1_on_two_cpus("max,pauth-impdef=on", "el1-max");
}
