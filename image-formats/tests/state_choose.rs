//! The entry choice with boot limits: an entry gets `bootlimit` boots without a report before
//! its fallback is taken; a requested entry the record cannot track is refused, not
//! "finished"; the boot counter cannot overflow.

use image_formats::bundle::{Bundle, BundleBuilder, EntrySpec, PayloadKind};
use image_formats::state::{
    choose, closing, Choice, Mode, Outcome, Report, Rule, State, MAX_BOOTLIMIT, MAX_ENTRIES,
};

fn fresh(mode: Mode) -> State {
    State::fresh(0xfeed, [9; 32], mode)
}

#[test]
fn an_entry_without_reports_is_booted_bootlimit_times_then_its_fallback() {
    let rules = [Rule { fallback: Some(1), bootlimit: 3 }, Rule { fallback: None, bootlimit: 1 }];
    let mut s = fresh(Mode::Single);
    // Boot 1, then two resets without a report: attempts 2 and 3 of entry 0.
    for attempt in 1..=3 {
        assert_eq!(choose(&mut s, &rules, 0, None), Choice::Boot(0), "attempt {attempt}");
        assert_eq!(s.attempts[0], attempt);
    }
    let closed = closing(&s, &rules, None).unwrap();
    assert_eq!(
        (closed.entry, closed.outcome, closed.attempts, closed.bootlimit),
        (0, Outcome::Failed, 3, 3)
    );
    // The third reset uses up the limit: the fallback boots.
    assert_eq!(choose(&mut s, &rules, 0, None), Choice::Boot(1));
    assert_eq!(s.outcomes[..2], [Outcome::Failed, Outcome::Booting]);
}

#[test]
fn the_default_bootlimit_of_one_fails_an_entry_at_its_first_reset() {
    let rules = [Rule { fallback: Some(1), bootlimit: 1 }, Rule { fallback: None, bootlimit: 1 }];
    let mut s = fresh(Mode::Single);
    assert_eq!(choose(&mut s, &rules, 0, None), Choice::Boot(0));
    assert_eq!(choose(&mut s, &rules, 0, None), Choice::Boot(1));
    // A limit of 0 (never stored by a valid bundle) is taken as 1, not as "never fails".
    let zero = [Rule { fallback: Some(1), bootlimit: 0 }, Rule { fallback: None, bootlimit: 0 }];
    let mut s = fresh(Mode::Single);
    assert_eq!(choose(&mut s, &zero, 0, None), Choice::Boot(0));
    assert_eq!(choose(&mut s, &zero, 0, None), Choice::Boot(1));
}

#[test]
fn a_pass_report_gives_the_entry_its_whole_bootlimit_again() {
    let rules = [Rule { fallback: Some(1), bootlimit: 2 }, Rule { fallback: None, bootlimit: 1 }];
    let mut s = fresh(Mode::Single);
    assert_eq!(choose(&mut s, &rules, 0, None), Choice::Boot(0));
    assert_eq!(choose(&mut s, &rules, 0, None), Choice::Boot(0));
    assert_eq!(s.attempts[0], 2);
    assert_eq!(choose(&mut s, &rules, 0, Some(Report::Pass)), Choice::Boot(0));
    assert_eq!(s.attempts[0], 1, "counted afresh from the pass");
    assert_eq!(choose(&mut s, &rules, 0, None), Choice::Boot(0));
    assert_eq!(choose(&mut s, &rules, 0, None), Choice::Boot(1));
}

#[test]
fn a_failure_report_fails_the_entry_at_once_whatever_its_bootlimit() {
    let rules = [Rule { fallback: Some(1), bootlimit: 5 }, Rule { fallback: None, bootlimit: 1 }];
    let mut s = fresh(Mode::Single);
    assert_eq!(choose(&mut s, &rules, 0, None), Choice::Boot(0));
    assert_eq!(choose(&mut s, &rules, 0, Some(Report::Fail)), Choice::Boot(1));
}

#[test]
fn sequence_mode_retries_an_entry_within_its_bootlimit_before_moving_on() {
    let rules = [Rule { fallback: None, bootlimit: 2 }, Rule { fallback: None, bootlimit: 1 }];
    let mut s = fresh(Mode::Sequence);
    assert_eq!(choose(&mut s, &rules, 0, None), Choice::Boot(0));
    assert_eq!(choose(&mut s, &rules, 0, None), Choice::Boot(0), "second attempt");
    assert_eq!(choose(&mut s, &rules, 0, None), Choice::Boot(1), "limit reached: failed");
    assert_eq!(choose(&mut s, &rules, 0, Some(Report::Pass)), Choice::Finished);
    assert_eq!(s.outcomes[..2], [Outcome::Failed, Outcome::Passed]);
    assert!(s.is_finished_sequence());
}

#[test]
fn attempts_saturate_and_a_limit_above_the_counter_is_capped() {
    let rules = [Rule { fallback: None, bootlimit: u32::MAX }];
    let mut s = fresh(Mode::Single);
    s.attempts[0] = u8::MAX;
    s.current = Some(0);
    s.outcomes[0] = Outcome::Booting;
    // With the limit capped at MAX_BOOTLIMIT = 255 the entry fails instead of looping forever.
    assert_eq!(closing(&s, &rules, None).unwrap().outcome, Outcome::Failed);
    assert_eq!(MAX_BOOTLIMIT, 255);
    s.outcomes[0] = Outcome::Passed;
    s.current = None;
    assert_eq!(choose(&mut s, &rules, 0, None), Choice::Boot(0));
    assert_eq!(s.attempts[0], u8::MAX, "saturated, not wrapped to 0");
}

#[test]
fn the_boot_counter_stops_at_u64_max_instead_of_overflowing() {
    let rules = [Rule { fallback: None, bootlimit: 1 }];
    let mut s = fresh(Mode::Single);
    s.boot_counter = u64::MAX - 1;
    assert_eq!(choose(&mut s, &rules, 0, None), Choice::Boot(0));
    assert_eq!(s.boot_counter, u64::MAX);
    assert_eq!(choose(&mut s, &rules, 0, Some(Report::Pass)), Choice::Boot(0));
    assert_eq!(s.boot_counter, u64::MAX);
    assert_eq!(State::read(&s.to_bytes()).unwrap().boot_counter, u64::MAX);
}

#[test]
fn a_requested_entry_the_record_cannot_track_is_unavailable_never_finished() {
    // A bundle with more entries than the record keeps: the rules are cut at MAX_ENTRIES.
    let rules = [Rule { fallback: None, bootlimit: 1 }; MAX_ENTRIES + 4];
    for requested in [MAX_ENTRIES, MAX_ENTRIES + 3, usize::MAX] {
        let mut s = fresh(Mode::Single);
        assert_eq!(choose(&mut s, &rules, requested, None), Choice::Unavailable(requested));
        assert_eq!(s.current, None);
    }
    let mut s = fresh(Mode::Single);
    assert_eq!(choose(&mut s, &rules, MAX_ENTRIES - 1, None), Choice::Boot(MAX_ENTRIES - 1));
}

/// A bundle of one tiny kernel payload and entries with the given boot limits.
fn bundle_with(limits: &[Option<u32>]) -> Result<Vec<u8>, image_formats::bundle::BundleError> {
    let mut b = BundleBuilder::new();
    let kernel = b.add_payload(PayloadKind::Kernel, "k", vec![0u8; 64], false);
    for (i, &bootlimit) in limits.iter().enumerate() {
        b.add_entry(EntrySpec { bootlimit, ..EntrySpec::new(format!("e{i}"), kernel) });
    }
    b.build()
}

#[test]
fn the_bundle_stores_each_entrys_bootlimit_at_0x34_of_its_record_and_0_reads_as_1() {
    let bytes = bundle_with(&[None, Some(3), Some(MAX_BOOTLIMIT)]).unwrap();
    let bundle = Bundle::parse(&bytes).unwrap();
    let limits: Vec<u32> = bundle.entries().map(|e| e.bootlimit).collect();
    assert_eq!(limits, [1, 3, 255]);
    let at = |i: usize| bundle.entry_table_offset() as usize + i * 0x38 + 0x34;
    let field = |i: usize| u32::from_le_bytes(bytes[at(i)..at(i) + 4].try_into().unwrap());
    assert_eq!((field(0), field(1), field(2)), (0, 3, 255), "the default is stored as 0");
}

#[test]
fn a_bootlimit_above_255_is_refused_at_its_offset() {
    let err = bundle_with(&[Some(1), Some(MAX_BOOTLIMIT + 1)]).unwrap_err();
    // Header 0x50, one payload record 0x40: the entry table is at 0x90; entry 1 at 0xc8.
    assert_eq!(err.offset, 0x90 + 0x38 + 0x34);
    assert_eq!(err.to_string(), "bundle: offset 0xfc: entry 1: boot limit 256 is more than 255");
}
