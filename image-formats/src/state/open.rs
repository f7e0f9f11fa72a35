//! Which record a start continues: the pure decision made before any entry is chosen, so that
//! nothing an earlier run left — a finished sequence, another bundle's outcomes, a record the
//! operator wants gone — can keep the machine from booting.

use super::{Mode, State};
use crate::bundle::{Bundle, HEADER_SIZE};

/// How a start found the record it goes on with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Opened {
    /// No valid record: a cold boot. The record is fresh.
    Cold,
    /// `springboard.state=clear`: the earlier record, whatever it said, was dropped.
    Cleared,
    /// The record of this bundle, continued as it is.
    Continued,
    /// A record of another bundle: the outcomes start afresh in the mode this start asks
    /// for; the boot counter and the kept seed carry on.
    OtherBundle,
    /// A sequence of this bundle that had finished (its results are in the old record, to be
    /// reported once): the outcomes start afresh in the mode this start asks for, so a plain
    /// start boots normally; the boot counter and the kept seed carry on.
    AfterSequence(State),
}

/// The identity of a bundle in the state page: the CRC32 of its header bytes (which carry the
/// CRC of both tables, so any change of an entry or a payload's CRC changes it).
pub fn bundle_id(bundle: &Bundle<'_>) -> u32 {
    crc32fast::hash(&bundle.as_bytes()[..HEADER_SIZE])
}

/// The record this start works with, from the `earlier` one (if any was valid), for the
/// bundle `bundle_id`, in `mode` when a new record is begun. `clear` drops the earlier record
/// first. A new record's seed is zero: the caller mixes fresh material into every record's
/// seed ([`crate::seeds::mix`]).
pub fn open(earlier: Option<State>, clear: bool, bundle_id: u32, mode: Mode) -> (State, Opened) {
    let carry_on = |old: &State| {
        let mut state = State::fresh(bundle_id, old.seed, mode);
        state.boot_counter = old.boot_counter;
        state
    };
    match earlier {
        _ if clear => (State::fresh(bundle_id, [0; 32], mode), Opened::Cleared),
        None => (State::fresh(bundle_id, [0; 32], mode), Opened::Cold),
        Some(old) if old.bundle_id != bundle_id => (carry_on(&old), Opened::OtherBundle),
        Some(old) if old.is_finished_sequence() => (carry_on(&old), Opened::AfterSequence(old)),
        Some(old) => (old, Opened::Continued),
    }
}
