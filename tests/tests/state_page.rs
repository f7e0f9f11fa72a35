//! The state page through real QEMU: whatever an earlier run (or an OS) left in it must never
//! strand the machine. Most tests preload a record with `-device loader,…,force-raw=on` where
//! springboard keeps it — the resident region is the top of the first DRAM bank and the record
//! sits after the stub's budget — and boot the stub conformance payload, which is quick and
//! powers off by itself; the boot-limit test lets a real kernel panic and reset.

use image_formats::bundle::{Bundle, BundleBuilder, EntrySpec, PayloadKind};
use image_formats::state::{self, Mode, Outcome, State};
use image_formats::MemRange;
use qemu_tests::{boot_broken_then_good, Assets, Qemu, Run, MMU_OFF};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `virt`'s DRAM with `-m 1G`: `[1 GiB, 2 GiB)`.
const DRAM: (u64, u64) = (0x4000_0000, 0x4000_0000);
/// The resident region: the top of the first DRAM bank.
const RESIDENT: u64 = DRAM.0 + DRAM.1 - boards::QEMU_VIRT.resident_size;
/// The state record, after the stub's budget in the resident region.
const RECORD: u64 = RESIDENT + stub::abi::STATE_PAGE_OFFSET;
/// Where the tests put a bundle by hand (clear of springboard, QEMU's initrd and the payload).
const PLANTED: u64 = 0x5000_0000;
/// The payload runs at EL1 with the stub resident.
const EL1: &str = "springboard.handoff=el1";
/// A run that must not hand over.
const NEVER: &[&str] = &["springboard: handoff:", "conformance:"];

/// The conformance payload's bytes: a real arm64 Image that runs in a second and powers off.
fn payload() -> Vec<u8> {
    let path = std::env::var_os("SPRINGBOARD_PAYLOAD")
        .expect("SPRINGBOARD_PAYLOAD is not set: run the QEMU tests through `cargo xtask test`");
    std::fs::read(&path).expect("reading the conformance payload")
}

/// A bundle of `entries` (name, fallback) that all boot the payload, written to `name`.
fn payload_bundle(name: &str, entries: &[(&str, Option<usize>)]) -> (PathBuf, Vec<u8>) {
    let mut b = BundleBuilder::new();
    let kernel = b.add_payload(PayloadKind::Kernel, "payload", payload(), false);
    for &(entry, fallback) in entries {
        b.add_entry(EntrySpec { fallback, ..EntrySpec::new(entry, kernel) });
    }
    let bytes = b.build().expect("building the bundle");
    let path = Assets::get().work_file(name);
    std::fs::write(&path, &bytes).expect("writing the bundle");
    (path, bytes)
}

/// The state page's id for `bytes`.
fn id(bytes: &[u8]) -> u32 {
    state::bundle_id(&Bundle::parse(bytes).expect("a valid bundle"))
}

/// `qemu` with `record` preloaded where springboard reads it.
fn with_record(qemu: Qemu, name: &str, record: &State) -> Qemu {
    let path = Assets::get().work_file(&format!("{name}.state"));
    std::fs::write(&path, record.to_bytes()).expect("writing the state record");
    load(qemu, &path, RECORD)
}

/// `-device loader`: `path`'s bytes at `addr` before the CPU starts.
fn load(qemu: Qemu, path: &Path, addr: u64) -> Qemu {
    let device = format!("loader,file={},addr={addr:#x},force-raw=on", path.display());
    qemu.arg(["-device", &device])
}

/// springboard on `virt` at EL2 with `-append append`.
fn virt(name: &str, append: &str) -> Qemu {
    Qemu::virt(name, "cortex-a57")
        .kernel(&Assets::get().springboard)
        .arg(["-append", append])
        .timeout(Duration::from_secs(60))
}

/// Runs `qemu` expecting `milestones` in order, then the payload's hand-off and power-off.
fn boots_payload(qemu: Qemu, milestones: &[&str]) -> Run {
    let mut all = milestones.to_vec();
    all.extend([MMU_OFF, "springboard: handoff:"]);
    qemu.forbid(&["springboard: error:"]).expect(&all, &Assets::get().work)
}

/// Runs `qemu` expecting exactly one `springboard: error: CODE:` line and the power-off.
fn refuses(qemu: Qemu, code: &str) -> Run {
    let error = format!("springboard: error: {code}:");
    let run =
        qemu.forbid(NEVER).expect(&[&error, "springboard: powering off"], &Assets::get().work);
    assert_eq!(run.count("springboard: error:"), 1, "exactly one error line");
    run
}

/// A single-mode record for bundle `id` in which entry 0 has failed.
fn entry_0_failed(id: u32) -> State {
    let mut record = State::fresh(id, [7; 32], Mode::Single);
    record.boot_counter = 4;
    record.outcomes[0] = Outcome::Failed;
    record
}

#[test]
fn a_panicking_entry_is_booted_bootlimit_times_then_its_fallback() {
    let verdicts = ["attempt 1 of 2, trying it again", "failed after 2 of 2 attempts"];
    boot_broken_then_good("state-bootlimit", Some(2), &verdicts);
}

#[test]
fn state_clear_drops_a_record_that_would_boot_the_fallback() {
    let (bundle, bytes) = payload_bundle("state-clear.bundle", &[("a", Some(1)), ("b", None)]);
    let record = entry_0_failed(id(&bytes));
    // Control: the record alone steers springboard to the fallback.
    let name = "state-clear-control";
    let qemu = with_record(virt(name, EL1).initrd(&bundle), name, &record);
    boots_payload(qemu, &["springboard: entry: 1 \"b\""]);
    let name = "state-clear";
    let qemu = virt(name, &format!("{EL1} springboard.state=clear")).initrd(&bundle);
    let run = boots_payload(
        with_record(qemu, name, &record),
        &[
            "springboard: state: cleared by springboard.state=clear",
            "springboard: entry: 0 \"a\" of 2 (boot 1)",
        ],
    );
    assert_eq!(run.count("springboard: entry: 1"), 0, "the cleared record chose nothing");
}

#[test]
fn a_plain_start_after_a_finished_sequence_prints_its_results_once_and_boots_entry_0() {
    let (bundle, bytes) =
        payload_bundle("state-after-sequence.bundle", &[("a", None), ("b", None)]);
    // What a finished sequence leaves: sequence mode, nothing current, the bundle kept.
    let mut record = State::fresh(id(&bytes), [7; 32], Mode::Sequence);
    record.boot_counter = 3;
    record.bundle = Some(MemRange::new(PLANTED, bytes.len() as u64));
    record.outcomes[0] = Outcome::Passed;
    record.outcomes[1] = Outcome::Failed;
    let name = "state-after-sequence";
    // No -initrd: the kept bundle is the one the record names.
    let qemu = load(virt(name, EL1), &bundle, PLANTED).forbid(&["sequence: finished"]);
    let run = boots_payload(
        with_record(qemu, name, &record),
        &[
            "springboard: bundle: 0x50000000",
            "springboard: state: the sequence before this start had finished",
            "springboard: state: finished sequence: entry 0 \"a\": Passed",
            "springboard: state: finished sequence: entry 1 \"b\": Failed",
            "springboard: entry: 0 \"a\" of 2 (boot 4)",
        ],
    );
    let line = run.assert_has("springboard: bundle: 0x50000000");
    assert!(line.contains("kept resident by an earlier run"), "{line}");
    assert_eq!(run.count("finished sequence: entry 0"), 1, "the results are printed once");
}

#[test]
fn an_entry_beyond_what_the_state_page_tracks_is_no_entry_not_a_finished_sequence() {
    let names: Vec<String> = (0..60).map(|i| format!("e{i}")).collect();
    let entries: Vec<(&str, Option<usize>)> = names.iter().map(|n| (n.as_str(), None)).collect();
    let (bundle, _) = payload_bundle("state-beyond.bundle", &entries);
    let name = "state-beyond";
    let qemu = virt(name, &format!("{EL1} springboard.entry=e57")).initrd(&bundle);
    let run = refuses(qemu.forbid(&["sequence: finished"]), "no-entry");
    run.assert_has("springboard.entry=e57");
    run.assert_has("is entry 57; the state page tracks entries 0 to 55");
}

/// A sequence-mode record of bundle `id` booting entry 0, that kept its bundle at `base`.
fn kept_at(id: u32, base: u64, size: u64) -> State {
    let mut record = State::fresh(id, [7; 32], Mode::Sequence);
    record.boot_counter = 1;
    record.bundle = Some(MemRange::new(base, size));
    record.current = Some(0);
    record.outcomes[0] = Outcome::Booting;
    record.attempts[0] = 1;
    record
}

#[test]
fn a_bundle_planted_where_the_record_says_is_refused_as_not_the_kept_one() {
    let (_, recorded) = payload_bundle("state-recorded.bundle", &[("recorded", None)]);
    let (planted, bytes) = payload_bundle("state-planted.bundle", &[("planted", None)]);
    let record = kept_at(id(&recorded), PLANTED, bytes.len() as u64);
    let name = "state-planted";
    let qemu = with_record(load(virt(name, EL1), &planted, PLANTED), name, &record);
    let run = refuses(qemu, "bundle");
    let line = run.assert_has("springboard: error: bundle:");
    assert!(line.contains("kept") && line.contains("0x50000000"), "{line}");
    assert!(line.contains(&format!("{:#010x}", id(&recorded))), "{line}");
}

#[test]
fn a_kept_bundle_over_the_resident_region_or_springboard_is_refused_before_it_is_read() {
    let (_, bytes) = payload_bundle("state-range.bundle", &[("a", None)]);
    let cases = [
        ("state-kept-over-resident", RESIDENT, "the resident region"),
        ("state-kept-over-springboard", DRAM.0 + 0x20_0000, "springboard's image"),
    ];
    for (name, base, what) in cases {
        let record = kept_at(id(&bytes), base, 0x2000);
        let run = refuses(with_record(virt(name, EL1), name, &record), "bundle-range");
        let line = run.assert_has("springboard: error: bundle-range:");
        assert!(line.contains(&format!("{base:#x}")) && line.contains(what), "{line}");
    }
}

#[test]
fn a_kept_bundle_is_not_looked_at_when_an_initrd_bundle_is_given() {
    let (bundle, _) = payload_bundle("state-initrd-wins.bundle", &[("a", None)]);
    // The record names a "kept" bundle outside DRAM; the -initrd bundle is used instead.
    let record = kept_at(0x1234_5678, 0x1_0000_0000, 0x10_0000);
    let name = "state-initrd-wins";
    let qemu = with_record(virt(name, EL1).initrd(&bundle), name, &record);
    boots_payload(qemu, &["from the /chosen initrd range", "springboard: entry: 0 \"a\""]);
}

#[test]
fn two_starts_from_the_same_replayed_state_page_hand_over_different_seeds() {
    let (bundle, bytes) = payload_bundle("state-seeds.bundle", &[("a", None)]);
    let mut record = State::fresh(id(&bytes), [7; 32], Mode::Single);
    record.boot_counter = 9;
    // Cortex-A57 has no RNDR, and QEMU puts no random seeds in its DTB: the only fresh
    // material is the counter reading, and it must be enough.
    let mut fingerprints = Vec::new();
    for name in ["state-seeds-1", "state-seeds-2"] {
        let qemu = virt(name, EL1).machine("virt,virtualization=on,dtb-randomness=off");
        let run = boots_payload(
            with_record(qemu.initrd(&bundle), name, &record),
            &[
                "springboard: entry: 0 \"a\" of 1 (boot 10)",
                "springboard: state: rng-seed fingerprint",
            ],
        );
        let line = run.assert_has("springboard: state: rng-seed fingerprint").to_string();
        fingerprints.push(line.rsplit(' ').next().unwrap_or_default().to_string());
    }
    assert_ne!(fingerprints[0], fingerprints[1], "the same seeds were handed over twice");
}
