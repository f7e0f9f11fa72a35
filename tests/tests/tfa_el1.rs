//! After TF-A, `springboard.handoff=el1` (on the entry's command line: a TF-A chain has no
//! bootargs to carry springboard's options) enters Linux at EL1 above the resident stub, which
//! relays the SMCCC architecture calls to TF-A. Linux then reports TF-A's SMCCC version and the
//! same Spectre mitigation state as when it is entered at EL2 after TF-A — not the "SMCCC
//! v2989.51729" that a stub answering `HVC_STUB_ERR` (0xbadca11) would make it believe.

use qemu_tests::tfa::{flash_with_bl33, springboard_with, MACHINE};
use qemu_tests::{Assets, Qemu, Run, CMDLINE, USERSPACE};

/// Boots the generic kernel after TF-A with `cmdline` in the bundle, expecting `started`.
fn boot_after_tfa(name: &str, cmdline: &str, started: &str) -> Run {
    let assets = Assets::get();
    let kernel = assets.kernel("6.1-generic").clone();
    let bl33 = format!("{name}-bl33.bin");
    let bl33 = springboard_with(&assets, &bl33, &kernel.path, &assets.initramfs, cmdline);
    let flash = flash_with_bl33(&assets, name, &bl33);
    let userspace = format!("{USERSPACE}{}", kernel.release);
    Qemu::virt(name, "cortex-a57")
        .machine(MACHINE)
        .arg(["-bios", &flash.display().to_string()])
        .forbid(&["v2989.51729"])
        .expect(&["psci: SMC Calling Convention v", started, &userspace], &assets.work)
}

/// What Linux says about SMCCC and Spectre, without the kernel's timestamps.
fn smccc_and_spectre(run: &Run) -> Vec<String> {
    let facts = ["SMC Calling Convention", "Spectre", "SPRINGBOARD-CPU-VULNERABILITY spectre"];
    run.lines
        .iter()
        .filter(|line| facts.iter().any(|f| line.contains(f)))
        .map(|line| line.split_once("] ").map_or(line.as_str(), |(_, text)| text).to_string())
        .collect()
}

#[test]
fn after_tfa_an_el1_kernel_reports_tfas_smccc_version_and_the_el2_spectre_state() {
    let el2 = boot_after_tfa("tfa-smccc-el2", CMDLINE, "CPU: All CPU(s) started at EL2");
    let el1_cmdline = format!("{CMDLINE} springboard.handoff=el1");
    let el1 = boot_after_tfa("tfa-smccc-el1", &el1_cmdline, "CPU: All CPU(s) started at EL1");
    el1.assert_has("springboard: handoff: HVC_SOFT_RESTART to the stub's EL1 launch");
    // springboard's word does not reach the kernel's command line.
    let seen = el1.assert_has("SPRINGBOARD-CMDLINE");
    assert!(!seen.contains("springboard."), "{seen}");
    let (at_el2, at_el1) = (smccc_and_spectre(&el2), smccc_and_spectre(&el1));
    // TF-A 2.8 implements SMCCC 1.2.
    assert!(at_el2.iter().any(|l| l == "psci: SMC Calling Convention v1.2"), "{at_el2:#?}");
    assert!(at_el2.iter().any(|l| l.contains("spectre_v2")), "{at_el2:#?}");
    assert_eq!(at_el1, at_el2, "what Linux reports at EL1 after TF-A differs from at EL2");
}
