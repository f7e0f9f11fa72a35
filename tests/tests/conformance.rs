//! The hyp-stub ABI conformance suite: springboard boots the bare-metal payload
//! (`tests/payload`) at EL1 with its stub resident, and the payload checks every clause of
//! DESIGN §3, one named line each. Most runs use QEMU's own PSCI; one runs after TF-A, where
//! the clauses that need EL3 must pass instead of reporting themselves skipped.

use qemu_tests::tfa::{flash_with_bl33, MACHINE};
use qemu_tests::{Assets, Entry, Pack, Qemu};

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
    // PSCI suspend through the stub (tests/payload/src/suspend.rs): a power-down CPU_SUSPEND
    // and SYSTEM_SUSPEND keep the caller's entry and context in the CPU's slot and come back at
    // EL1.
    "cpu-suspend-power-down-keeps-entry-and-context",
    "system-suspend-features-relayed-and-entry-kept",
];

/// Clauses that need EL3 (TF-A): `skipped` on QEMU's PSCI, `ok` after TF-A.
const EL3_CLAUSES: &[&str] = &[
    // TF-A refuses a CPU_SUSPEND entry below its non-secure DRAM when called straight, and
    // accepts the same call through the stub: it was given the stub's entry.
    "cpu-suspend-gives-el3-the-stubs-entry",
];

/// The lines a run must print, in order: every clause ok, then the EL3 ones ok or skipped (the
/// payload runs them last), then the totals.
fn milestones(el3: bool) -> Vec<String> {
    let mut lines: Vec<String> = CLAUSES.iter().map(|c| format!("conformance: {c}: ok")).collect();
    let el3_word = if el3 { "ok" } else { "skipped" };
    lines.extend(EL3_CLAUSES.iter().map(|c| format!("conformance: {c}: {el3_word}")));
    let (passed, skipped) = if el3 {
        (CLAUSES.len() + EL3_CLAUSES.len(), 0)
    } else {
        (CLAUSES.len(), EL3_CLAUSES.len())
    };
    lines.push(format!("conformance: {passed} passed, 0 failed, {skipped} skipped"));
    lines
}

/// The payload's bundle for the run `name` (one file per run: tests run in parallel).
fn payload_bundle(assets: &Assets, name: &str) -> std::path::PathBuf {
    let payload = std::env::var_os("SPRINGBOARD_PAYLOAD")
        .expect("SPRINGBOARD_PAYLOAD is not set: run the QEMU tests through `cargo xtask test`");
    let out = assets.work_file(&format!("{name}.bundle"));
    assets.pack(Pack::new().entry(Entry::kernel(std::path::Path::new(&payload))), &out);
    out
}

fn conforms(name: &str, machine: &str, cpu: &str) {
    let assets = Assets::get();
    let bundle = payload_bundle(&assets, name);
    let lines = milestones(false);
    let milestones: Vec<&str> = lines.iter().map(String::as_str).collect();
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

/// After TF-A (BL33 = springboard with the payload appended; `springboard.handoff=el1` on the
/// entry's command line, as a TF-A chain has no bootargs), every clause passes, the EL3 ones
/// included. TF-A 2.8's QEMU platform cannot power a CPU down on CPU_SUSPEND: its
/// `qemu_pwr_domain_suspend` is `assert(0)`, so the payload keeps a wake-up interrupt pending
/// and TF-A abandons the power-down before calling it. Were it called, this release build
/// (log level NOTICE) would print nothing and stop in `plat_panic_handler`: the run would time
/// out after the `reset-vectors-restores-the-stub` line.
#[test]
fn stub_conforms_after_tfa() {
    let assets = Assets::get();
    let payload = std::env::var_os("SPRINGBOARD_PAYLOAD")
        .expect("SPRINGBOARD_PAYLOAD is not set: run the QEMU tests through `cargo xtask test`");
    let bl33 = assets.work_file("conformance-tfa-bl33.bin");
    let entry = Entry::kernel(std::path::Path::new(&payload)).cmdline("springboard.handoff=el1");
    assets.pack(Pack::new().entry(entry).append_to(&assets.springboard), &bl33);
    let flash = flash_with_bl33(&assets, "conformance-tfa", &bl33);
    let lines = milestones(true);
    let milestones: Vec<&str> = lines.iter().map(String::as_str).collect();
    Qemu::virt("conformance-tfa", "cortex-a57")
        .machine(MACHINE)
        .arg(["-bios", &flash.display().to_string()])
        .forbid(&[": FAIL"])
        .timeout(std::time::Duration::from_secs(60))
        .expect(&milestones, &assets.work);
}

#[test]
fn resident_stub_fits_its_4_kib_budget() {
    let assets = Assets::get();
    let run = Qemu::virt("stub-size", "cortex-a57")
        .kernel(&assets.springboard)
        .initrd(&payload_bundle(&assets, "stub-size"))
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
