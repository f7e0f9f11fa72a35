//! Which record a start goes on with: nothing an earlier run left may strand the machine. A
//! finished sequence does not make a plain start power off; `springboard.state=clear` drops
//! any record; another bundle's outcomes are not applied to this one.

use image_formats::bundle::{Bundle, BundleBuilder, EntrySpec, PayloadKind};
use image_formats::state::{
    bundle_id, choose, open, Choice, Mode, Opened, Outcome, Report, Rule, State, STATE_SIZE,
};
use image_formats::MemRange;

const ID: u32 = 0x1234_5678;

fn rules() -> [Rule; 2] {
    [Rule { fallback: None, bootlimit: 1 }; 2]
}

/// The record a two-entry sequence leaves when it has finished.
fn finished_sequence() -> State {
    let mut s = State::fresh(ID, [5; 32], Mode::Sequence);
    assert_eq!(choose(&mut s, &rules(), 0, None), Choice::Boot(0));
    assert_eq!(choose(&mut s, &rules(), 0, Some(Report::Pass)), Choice::Boot(1));
    assert_eq!(choose(&mut s, &rules(), 0, None), Choice::Finished);
    s.bundle = Some(MemRange::new(0x4800_0000, 0x10_0000));
    s
}

#[test]
fn a_plain_start_after_a_finished_sequence_boots_entry_0_in_single_mode() {
    let old = finished_sequence();
    assert!(old.is_finished_sequence());
    let (mut state, opened) = open(Some(old.clone()), false, ID, Mode::Single);
    assert_eq!(opened, Opened::AfterSequence(old.clone()), "the results, to print once");
    assert_eq!(state.mode, Mode::Single);
    assert_eq!((state.boot_counter, state.seed), (old.boot_counter, old.seed));
    assert_eq!(choose(&mut state, &rules(), 0, None), Choice::Boot(0));
    // The next start continues that single-mode record: the results are not printed again.
    let (_, opened) = open(Some(state), false, ID, Mode::Single);
    assert_eq!(opened, Opened::Continued);
}

#[test]
fn a_sequence_start_after_a_finished_sequence_begins_a_new_one() {
    let (mut state, opened) = open(Some(finished_sequence()), false, ID, Mode::Sequence);
    assert!(matches!(opened, Opened::AfterSequence(_)));
    assert_eq!(state.outcomes[..2], [Outcome::Untried; 2]);
    assert_eq!(choose(&mut state, &rules(), 0, None), Choice::Boot(0));
}

#[test]
fn a_running_sequence_is_continued_even_by_a_start_without_the_option() {
    let mut s = State::fresh(ID, [5; 32], Mode::Sequence);
    assert_eq!(choose(&mut s, &rules(), 0, None), Choice::Boot(0));
    let (state, opened) = open(Some(s.clone()), false, ID, Mode::Single);
    assert_eq!((state, opened), (s, Opened::Continued));
}

#[test]
fn clear_drops_whatever_the_record_said() {
    let mut failed = State::fresh(ID, [5; 32], Mode::Single);
    failed.outcomes[0] = Outcome::Failed;
    failed.boot_counter = 77;
    failed.bundle = Some(MemRange::new(0x1000, 0x1000));
    for earlier in [Some(failed), Some(finished_sequence()), None] {
        let (state, opened) = open(earlier, true, ID, Mode::Single);
        assert_eq!(opened, Opened::Cleared);
        assert_eq!(state, State::fresh(ID, [0; 32], Mode::Single));
    }
}

#[test]
fn another_bundles_record_keeps_only_the_counter_and_the_seed() {
    let mut other = State::fresh(ID + 1, [5; 32], Mode::Sequence);
    other.outcomes[0] = Outcome::Failed;
    other.current = Some(0);
    other.boot_counter = 9;
    let (state, opened) = open(Some(other), false, ID, Mode::Single);
    assert_eq!(opened, Opened::OtherBundle);
    let mut expected = State::fresh(ID, [5; 32], Mode::Single);
    expected.boot_counter = 9;
    assert_eq!(state, expected);
}

#[test]
fn a_cold_boot_and_a_version_1_record_start_fresh() {
    assert_eq!(
        open(None, false, ID, Mode::Single),
        (State::fresh(ID, [0; 32], Mode::Single), Opened::Cold)
    );
    // A version 1 record (0x90 bytes, no attempt counts) with a valid CRC is not a record now.
    let mut v1 = finished_sequence().to_bytes();
    v1[0x08..0x0c].copy_from_slice(&1u32.to_le_bytes());
    v1[0x0c..0x10].fill(0);
    let crc = crc32fast::hash(&v1[..0x90]);
    v1[0x0c..0x10].copy_from_slice(&crc.to_le_bytes());
    assert_eq!(State::read(&v1[..0x90]), None);
    assert_eq!(State::read(&v1), None);
    assert_eq!(STATE_SIZE, 0xc8);
}

#[test]
fn the_bundle_id_is_the_crc32_of_the_header_and_changes_with_any_entry() {
    let build = |bootlimit| {
        let mut b = BundleBuilder::new();
        let k = b.add_payload(PayloadKind::Kernel, "k", vec![1u8; 16], false);
        b.add_entry(EntrySpec { bootlimit, ..EntrySpec::new("e", k) });
        b.build().unwrap()
    };
    let (a, b) = (build(None), build(Some(2)));
    let (a, b) = (Bundle::parse(&a).unwrap(), Bundle::parse(&b).unwrap());
    assert_eq!(bundle_id(&a), crc32fast::hash(&a.as_bytes()[..0x50]));
    assert_ne!(bundle_id(&a), bundle_id(&b));
}
