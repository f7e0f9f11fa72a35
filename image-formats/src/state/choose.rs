//! Which entry boots now: a pure function of the state, the bundle's rules for each entry
//! (fallback, boot limit), the entry the command line asks for, and what the previous kernel
//! reported.

use super::{Mode, Outcome, State, MAX_ENTRIES};
pub use crate::bundle::MAX_BOOTLIMIT;

/// What the kernel that started springboard again said about itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Report {
    /// `springboard.result=pass`.
    Pass,
    /// `springboard.result=fail`.
    Fail,
}

/// What the bundle says about one entry, as far as choosing goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The (later) entry to boot once this one has failed.
    pub fallback: Option<usize>,
    /// Boots without a report before the entry counts as failed (U-Boot's `bootlimit`);
    /// taken as at least 1 and at most [`MAX_BOOTLIMIT`].
    pub bootlimit: u32,
}

impl Rule {
    /// The limit as the attempt counter can reach it.
    fn limit(&self) -> u8 {
        self.bootlimit.clamp(1, MAX_BOOTLIMIT) as u8
    }
}

/// The decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    /// Boot this entry.
    Boot(usize),
    /// Sequence mode, every entry has run: nothing left to boot.
    Finished,
    /// Single mode: the requested entry is not one the bundle has or the record can track
    /// (index at or past the bundle's entry count or [`MAX_ENTRIES`]).
    Unavailable(usize),
}

/// How the previous attempt ends, as [`choose`] will record it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Closed {
    /// The entry that was being tried.
    pub entry: usize,
    /// Its outcome now: passed, failed, or still booting (no report, attempts left: it is
    /// tried again).
    pub outcome: Outcome,
    /// Its boots without a pass so far.
    pub attempts: u8,
    /// Its limit.
    pub bootlimit: u8,
}

/// How [`choose`] will close the attempt in progress, if there is one the bundle has.
pub fn closing(state: &State, rules: &[Rule], report: Option<Report>) -> Option<Closed> {
    let count = rules.len().min(MAX_ENTRIES);
    let entry = state.current.filter(|&c| c < count)?;
    let (attempts, bootlimit) = (state.attempts[entry], rules[entry].limit());
    let outcome = match report {
        Some(Report::Pass) => Outcome::Passed,
        Some(Report::Fail) => Outcome::Failed,
        None if attempts >= bootlimit => Outcome::Failed,
        None => Outcome::Booting,
    };
    Some(Closed { entry, outcome, attempts, bootlimit })
}

/// Closes the previous attempt (a report; without one, an attempt used up — failed once the
/// entry's boot limit is reached), picks the entry to boot and marks it booting. `rules[i]`
/// is entry `i`'s; `requested` the entry asked for (single mode). Entries past
/// [`MAX_ENTRIES`] are never chosen.
pub fn choose(
    state: &mut State,
    rules: &[Rule],
    requested: usize,
    report: Option<Report>,
) -> Choice {
    let count = rules.len().min(MAX_ENTRIES);
    let closed = closing(state, rules, report);
    state.current = None;
    if let Some(c) = closed {
        state.outcomes[c.entry] = c.outcome;
        if c.outcome == Outcome::Passed {
            state.attempts[c.entry] = 0;
        }
    }
    let previous = closed.map(|c| c.entry);
    let fallback_of = |i: usize| rules[i].fallback.filter(|&f| f < count);
    let choice = match state.mode {
        Mode::Single if requested < count => {
            // Follow the fallback chain past entries that failed; the chain is finite because
            // the bundle format only lets a fallback point to a later entry.
            let mut i = requested;
            while state.outcomes[i] == Outcome::Failed {
                match fallback_of(i) {
                    Some(f) if f > i => i = f,
                    _ => break,
                }
            }
            Choice::Boot(i)
        }
        Mode::Single => Choice::Unavailable(requested),
        Mode::Sequence => {
            let retry = previous.filter(|&c| state.outcomes[c] == Outcome::Booting);
            let failed_fallback = previous
                .filter(|&c| state.outcomes[c] == Outcome::Failed)
                .and_then(fallback_of)
                .filter(|&f| state.outcomes[f] == Outcome::Untried);
            let next = || (0..count).find(|&i| state.outcomes[i] == Outcome::Untried);
            match retry.or(failed_fallback).or_else(next) {
                Some(i) => Choice::Boot(i),
                None => Choice::Finished,
            }
        }
    };
    if let Choice::Boot(i) = choice {
        state.current = Some(i);
        state.outcomes[i] = Outcome::Booting;
        state.attempts[i] = state.attempts[i].saturating_add(1);
    }
    state.boot_counter = state.boot_counter.saturating_add(1);
    choice
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh(mode: Mode) -> State {
        State::fresh(0x1234, [7; 32], mode)
    }

    /// Rules with the default boot limit of 1.
    fn rules<const N: usize>(fallbacks: [Option<usize>; N]) -> [Rule; N] {
        fallbacks.map(|fallback| Rule { fallback, bootlimit: 1 })
    }

    #[test]
    fn single_mode_boots_the_requested_entry_again_after_it_passed() {
        let mut s = fresh(Mode::Single);
        let fallbacks = &rules([None, Some(2), None]);
        assert_eq!(choose(&mut s, fallbacks, 1, None), Choice::Boot(1));
        assert_eq!(choose(&mut s, fallbacks, 1, Some(Report::Pass)), Choice::Boot(1));
        assert_eq!(s.outcomes[1], Outcome::Booting);
        assert_eq!(s.boot_counter, 2);
    }

    #[test]
    fn single_mode_boots_the_fallback_after_a_crash_or_a_failure_report() {
        let fallbacks = &rules([Some(1), Some(2), None]);
        let mut s = fresh(Mode::Single);
        assert_eq!(choose(&mut s, fallbacks, 0, None), Choice::Boot(0));
        // No report: the kernel panicked and the machine was reset.
        assert_eq!(choose(&mut s, fallbacks, 0, None), Choice::Boot(1));
        assert_eq!(choose(&mut s, fallbacks, 0, Some(Report::Fail)), Choice::Boot(2));
        // The end of the chain is booted again rather than nothing.
        assert_eq!(choose(&mut s, fallbacks, 0, None), Choice::Boot(2));
        assert_eq!(s.outcomes[..3], [Outcome::Failed, Outcome::Failed, Outcome::Booting]);
    }

    #[test]
    fn sequence_mode_boots_every_entry_once_then_finishes() {
        let fallbacks = &rules([None, None, None]);
        let mut s = fresh(Mode::Sequence);
        assert_eq!(choose(&mut s, fallbacks, 0, None), Choice::Boot(0));
        assert_eq!(choose(&mut s, fallbacks, 0, Some(Report::Pass)), Choice::Boot(1));
        assert_eq!(choose(&mut s, fallbacks, 0, None), Choice::Boot(2));
        assert_eq!(choose(&mut s, fallbacks, 0, Some(Report::Pass)), Choice::Finished);
        assert_eq!(s.outcomes[..3], [Outcome::Passed, Outcome::Failed, Outcome::Passed]);
        assert_eq!(s.current, None);
    }

    #[test]
    fn sequence_mode_tries_a_failed_entrys_fallback_next() {
        let fallbacks = &rules([Some(2), None, None]);
        let mut s = fresh(Mode::Sequence);
        assert_eq!(choose(&mut s, fallbacks, 0, None), Choice::Boot(0));
        assert_eq!(choose(&mut s, fallbacks, 0, Some(Report::Fail)), Choice::Boot(2));
        assert_eq!(choose(&mut s, fallbacks, 0, Some(Report::Pass)), Choice::Boot(1));
        assert_eq!(choose(&mut s, fallbacks, 0, Some(Report::Pass)), Choice::Finished);
    }

    #[test]
    fn out_of_range_indices_are_never_chosen() {
        let mut s = fresh(Mode::Single);
        s.current = Some(40);
        assert_eq!(choose(&mut s, &rules([None]), 3, None), Choice::Unavailable(3));
        assert_eq!(s.outcomes[40], Outcome::Untried);
        let mut s = fresh(Mode::Single);
        assert_eq!(choose(&mut s, &rules([Some(0), None]), 0, None), Choice::Boot(0));
        assert_eq!(
            choose(&mut s, &rules([Some(0), None]), 0, None),
            Choice::Boot(0),
            "no backward loop"
        );
    }
}
