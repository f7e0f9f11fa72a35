//! `State::read` on arbitrary bytes (as they are, and with the CRC recomputed so the fuzzer
//! reaches the field checks), then `state::choose` with fuzzed rules, requests and reports.
//! `to_bytes` then `read` gives the same state; a chosen entry is always one the bundle has and
//! the record tracks; runs of failures end: a sequence finishes, a single entry's fallback
//! chain only moves forward and settles, within 2 * MAX_ENTRIES starts.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use image_formats::state::{
    choose, Choice, Mode, Outcome, Report, Rule, State, MAX_BOOTLIMIT, MAX_ENTRIES, STATE_SIZE,
};
use libfuzzer_sys::fuzz_target;

/// Offset of the CRC32 field in the record (state page diagram).
const CRC_OFFSET: usize = 0x0c;

fn sealed(record: &[u8]) -> Vec<u8> {
    let mut bytes = record.to_vec();
    if bytes.len() >= STATE_SIZE {
        bytes[CRC_OFFSET..CRC_OFFSET + 4].fill(0);
        let crc = crc32fast::hash(&bytes[..STATE_SIZE]);
        bytes[CRC_OFFSET..CRC_OFFSET + 4].copy_from_slice(&crc.to_le_bytes());
    }
    bytes
}

fn rules(u: &mut Unstructured) -> arbitrary::Result<Vec<Rule>> {
    let n = u.int_in_range(0..=MAX_ENTRIES + 4)?;
    (0..n)
        .map(|_| {
            let fallback = match u.int_in_range(0..=3)? {
                0 => None,
                _ => Some(u.int_in_range(0..=MAX_ENTRIES + 4)?),
            };
            let bootlimit =
                if u.ratio(1, 8)? { u32::arbitrary(u)? } else { u.int_in_range(0..=4)? };
            Ok(Rule { fallback, bootlimit })
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let (record, rest) = data.split_at(data.len().min(STATE_SIZE));
    let _ = State::read(data);
    let Some(state) = State::read(&sealed(record)) else {
        return;
    };
    assert_eq!(State::read(&state.to_bytes()).as_ref(), Some(&state), "to_bytes then read");

    let mut u = Unstructured::new(rest);
    let (Ok(rules), Ok(requested)) = (rules(&mut u), u.int_in_range(0..=MAX_ENTRIES + 4)) else {
        return;
    };
    let count = rules.len().min(MAX_ENTRIES);

    // Starts with fuzzed reports: every choice is in range and recorded.
    let mut s = state.clone();
    let reports: Vec<Option<Report>> = u
        .take_rest()
        .iter()
        .map(|b| [None, Some(Report::Pass), Some(Report::Fail)][usize::from(b % 3)])
        .collect();
    for report in reports {
        let counter = s.boot_counter;
        let choice = choose(&mut s, &rules, requested, report);
        check_choice(&s, choice, count, requested);
        assert!(s.boot_counter >= counter, "the boot counter went back");
        assert_eq!(State::read(&s.to_bytes()).as_ref(), Some(&s));
    }

    // A run of failure reports ends.
    let mut s = state.clone();
    let mut chosen = Vec::new();
    for _ in 0..2 * MAX_ENTRIES + 2 {
        let choice = choose(&mut s, &rules, requested, Some(Report::Fail));
        check_choice(&s, choice, count, requested);
        chosen.push(choice);
        if choice == Choice::Finished {
            break;
        }
    }
    if state.mode == Mode::Sequence {
        assert_eq!(chosen.last(), Some(&Choice::Finished), "a failing sequence never finished");
        assert!(chosen.len() <= 2 * MAX_ENTRIES);
    } else {
        let boots: Vec<usize> = chosen
            .iter()
            .filter_map(|c| if let Choice::Boot(i) = c { Some(*i) } else { None })
            .collect();
        assert!(boots.windows(2).all(|w| w[0] <= w[1]), "the fallback chain went back: {boots:?}");
        let tail = &chosen[chosen.len() - 2..];
        assert_eq!(tail[0], tail[1], "failures never settled: {chosen:?}");
    }

    // Starts that never report (resets) end too, after each entry's boot limit.
    if state.mode == Mode::Sequence {
        let mut s = state.clone();
        let most = (MAX_BOOTLIMIT as usize + 1) * MAX_ENTRIES + 1;
        let finished =
            (0..most).any(|_| choose(&mut s, &rules, requested, None) == Choice::Finished);
        assert!(finished, "a sequence of resets never finished");
    }
});

fn check_choice(s: &State, choice: Choice, count: usize, requested: usize) {
    match choice {
        Choice::Boot(i) => {
            assert!(i < count, "chose {i} of {count}");
            assert_eq!(s.current, Some(i));
            assert_eq!(s.outcomes[i], Outcome::Booting);
        }
        Choice::Finished => {
            assert_eq!(s.mode, Mode::Sequence);
            assert_eq!(s.current, None);
        }
        Choice::Unavailable(r) => {
            assert_eq!(s.mode, Mode::Single);
            assert_eq!(r, requested);
            assert!(r >= count);
        }
    }
}
