//! Which entry boots now: a pure function of the state, the bundle's fallbacks, the entry the
//! command line asks for, and what the previous kernel reported.

use super::{Mode, Outcome, State, MAX_ENTRIES};

/// What the kernel that started springboard again said about itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Report {
    /// `springboard.result=pass`.
    Pass,
    /// `springboard.result=fail`.
    Fail,
}

/// The decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    /// Boot this entry.
    Boot(usize),
    /// Sequence mode, every entry has run: nothing left to boot.
    Finished,
}

/// Closes the previous attempt (a report, or failed without one), picks the entry to boot and
/// marks it booting. `fallbacks[i]` is entry `i`'s fallback; `requested` the entry asked for
/// (single mode). Entries past [`MAX_ENTRIES`] are never chosen.
pub fn choose(
    state: &mut State,
    fallbacks: &[Option<usize>],
    requested: usize,
    report: Option<Report>,
) -> Choice {
    let count = fallbacks.len().min(MAX_ENTRIES);
    let previous = state.current.take().filter(|&c| c < count);
    if let Some(c) = previous {
        state.outcomes[c] = match report {
            Some(Report::Pass) => Outcome::Passed,
            Some(Report::Fail) | None => Outcome::Failed,
        };
    }
    let fallback_of = |i: usize| fallbacks[i].filter(|&f| f < count);
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
        Mode::Single => Choice::Finished,
        Mode::Sequence => {
            let failed_fallback = previous
                .filter(|&c| state.outcomes[c] == Outcome::Failed)
                .and_then(fallback_of)
                .filter(|&f| state.outcomes[f] == Outcome::Untried);
            let next = || (0..count).find(|&i| state.outcomes[i] == Outcome::Untried);
            match failed_fallback.or_else(next) {
                Some(i) => Choice::Boot(i),
                None => Choice::Finished,
            }
        }
    };
    if let Choice::Boot(i) = choice {
        state.current = Some(i);
        state.outcomes[i] = Outcome::Booting;
    }
    state.boot_counter += 1;
    choice
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh(mode: Mode) -> State {
        State::fresh(0x1234, [7; 32], mode)
    }

    #[test]
    fn single_mode_boots_the_requested_entry_again_after_it_passed() {
        let mut s = fresh(Mode::Single);
        let fallbacks = [None, Some(2), None];
        assert_eq!(choose(&mut s, &fallbacks, 1, None), Choice::Boot(1));
        assert_eq!(choose(&mut s, &fallbacks, 1, Some(Report::Pass)), Choice::Boot(1));
        assert_eq!(s.outcomes[1], Outcome::Booting);
        assert_eq!(s.boot_counter, 2);
    }

    #[test]
    fn single_mode_boots_the_fallback_after_a_crash_or_a_failure_report() {
        let fallbacks = [Some(1), Some(2), None];
        let mut s = fresh(Mode::Single);
        assert_eq!(choose(&mut s, &fallbacks, 0, None), Choice::Boot(0));
        // No report: the kernel panicked and the machine was reset.
        assert_eq!(choose(&mut s, &fallbacks, 0, None), Choice::Boot(1));
        assert_eq!(choose(&mut s, &fallbacks, 0, Some(Report::Fail)), Choice::Boot(2));
        // The end of the chain is booted again rather than nothing.
        assert_eq!(choose(&mut s, &fallbacks, 0, None), Choice::Boot(2));
        assert_eq!(s.outcomes[..3], [Outcome::Failed, Outcome::Failed, Outcome::Booting]);
    }

    #[test]
    fn sequence_mode_boots_every_entry_once_then_finishes() {
        let fallbacks = [None, None, None];
        let mut s = fresh(Mode::Sequence);
        assert_eq!(choose(&mut s, &fallbacks, 0, None), Choice::Boot(0));
        assert_eq!(choose(&mut s, &fallbacks, 0, Some(Report::Pass)), Choice::Boot(1));
        assert_eq!(choose(&mut s, &fallbacks, 0, None), Choice::Boot(2));
        assert_eq!(choose(&mut s, &fallbacks, 0, Some(Report::Pass)), Choice::Finished);
        assert_eq!(s.outcomes[..3], [Outcome::Passed, Outcome::Failed, Outcome::Passed]);
        assert_eq!(s.current, None);
    }

    #[test]
    fn sequence_mode_tries_a_failed_entrys_fallback_next() {
        let fallbacks = [Some(2), None, None];
        let mut s = fresh(Mode::Sequence);
        assert_eq!(choose(&mut s, &fallbacks, 0, None), Choice::Boot(0));
        assert_eq!(choose(&mut s, &fallbacks, 0, Some(Report::Fail)), Choice::Boot(2));
        assert_eq!(choose(&mut s, &fallbacks, 0, Some(Report::Pass)), Choice::Boot(1));
        assert_eq!(choose(&mut s, &fallbacks, 0, Some(Report::Pass)), Choice::Finished);
    }

    #[test]
    fn out_of_range_indices_are_never_chosen() {
        let mut s = fresh(Mode::Single);
        s.current = Some(40);
        assert_eq!(choose(&mut s, &[None], 3, None), Choice::Finished);
        assert_eq!(s.outcomes[40], Outcome::Untried);
        let mut s = fresh(Mode::Single);
        assert_eq!(choose(&mut s, &[Some(0), None], 0, None), Choice::Boot(0));
        assert_eq!(choose(&mut s, &[Some(0), None], 0, None), Choice::Boot(0), "no backward loop");
    }
}
