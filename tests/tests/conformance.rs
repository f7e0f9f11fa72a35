//! The hyp-stub ABI conformance suite: springboard boots the bare-metal payload
//! (`tests/payload`) at EL1 with its stub resident, and the payload checks every clause of
//! DESIGN §3, one named line each.

use qemu_tests::{Assets, Qemu};

/// Every clause the payload checks; each must print `conformance: <name>: ok`.
const CLAUSES: &[&str] = &[
    "runs-at-el1-where-linked",
    "vendor-hyp-uid",
    "vendor-hyp-call-count",
    "vendor-hyp-revision",
    "unknown-calls-return-stub-err",
    "unknown-fast-calls-return-not-supported",
    "finalise-el2-is-refused",
    "get-ich-vtr-el2",
    "psci-relayed-to-el3",
    "smccc-version-relayed-to-el3-or-not-supported",
    "soft-restart-rejects-misaligned-entry",
    "set-vectors-rejects-misaligned",
    "callee-saved-registers-survive",
    "soft-restart-enters-el2",
    "soft-restart-masks-daif",
    "soft-restart-mmu-and-caches-off",
    "soft-restart-vbar-is-the-stub",
    "soft-restart-moves-arguments",
    "soft-restart-1000-rounds-without-drift",
    "set-vectors-installs-the-callers-table",
    "reset-vectors-restores-the-stub",
];

fn payload_bundle(assets: &Assets) -> std::path::PathBuf {
    let payload = std::env::var_os("SPRINGBOARD_PAYLOAD")
        .expect("SPRINGBOARD_PAYLOAD is not set: run the QEMU tests through `cargo xtask test`");
    let out = assets.work_file("conformance.bundle");
    let status = std::process::Command::new(&assets.cli)
        .arg("pack")
        .arg("--kernel")
        .arg(payload)
        .arg("-o")
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("running springboard pack");
    assert!(status.success(), "springboard pack of the payload failed");
    out
}

fn conforms(name: &str, machine: &str, cpu: &str) {
    let assets = Assets::get();
    let bundle = payload_bundle(&assets);
    let lines: Vec<String> = CLAUSES.iter().map(|c| format!("conformance: {c}: ok")).collect();
    let mut milestones: Vec<&str> = lines.iter().map(String::as_str).collect();
    let total = format!("conformance: {} passed, 0 failed", CLAUSES.len());
    milestones.push(&total);
    Qemu::virt(name, cpu)
        .machine(machine)
        .kernel(&assets.springboard)
        .initrd(&bundle)
        .arg(["-append", "springboard.handoff=el1"])
        .forbid(&[": FAIL"])
        .timeout(std::time::Duration::from_secs(30))
        .expect(&milestones, &assets.work);
}

#[test]
fn stub_conforms_on_a_gicv2_non_vhe_cpu() {
    conforms("conformance-a57", "virt,virtualization=on", "cortex-a57");
}

#[test]
fn stub_conforms_on_a_gicv3_cpu_with_sve_and_pauth() {
    conforms(
        "conformance-max-gicv3",
        "virt,virtualization=on,gic-version=3",
        "max,pauth-impdef=on",
    );
}

#[test]
fn resident_stub_fits_its_4_kib_budget() {
    let assets = Assets::get();
    let run = Qemu::virt("stub-size", "cortex-a57")
        .kernel(&assets.springboard)
        .initrd(&payload_bundle(&assets))
        .arg(["-append", "springboard.handoff=el1"])
        .expect(&["springboard: stub: resident at"], &assets.work);
    let line = run.assert_has("springboard: stub: resident at");
    // "stub: resident at 0x7fffe000, 2804 of 4096 bytes, VBAR_EL2 set"
    let used: u64 = line
        .split(", ")
        .nth(1)
        .and_then(|part| part.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no size in `{line}`"));
    assert!(used <= 4096, "resident stub is {used} bytes: over its 4 KiB budget");
    assert!(line.contains("of 4096 bytes"), "{line}");
}
