//! springboard's state page: what one run of springboard leaves for the next (DESIGN §4), and
//! the pure decision of which bundle entry boots now — boot counting with fallbacks, and the
//! kernel-swap sequence.
//!
//! A kernel "reports" by starting springboard again with `springboard.result=pass` or `=fail`
//! on its command line (for example `kexec -l springboard.bin --append
//! "springboard.result=pass"`). An entry that started springboard again without a report — a
//! panic with `panic=-1` and a system reset, a hang ended by a reset — has used one of its
//! attempts (the bundle's per-entry `bootlimit`, 1 unless `pack --bootlimit` says otherwise);
//! when none are left it is marked failed.
//!
//! Nothing here is a security boundary: an OS that can write the state page can choose the
//! entry, replay or invent outcomes and read the kept seed. springboard only makes sure that
//! whatever the page says cannot strand the machine ([`open`], [`choose`]).

mod choose;
mod layout;
mod open;

pub use choose::{choose, closing, Choice, Closed, Report, Rule, MAX_BOOTLIMIT};
pub use layout::{RawState, MAGIC, MAX_ENTRIES, NONE, STATE_SIZE, VERSION};
pub use open::{bundle_id, open, Opened};

use crate::MemRange;
use zerocopy::{FromBytes, IntoBytes};

/// What happened to one entry.
///
/// After a sequence springboard prints one verdict line per entry, `springboard: sequence:
/// entry <index> "<name>": <word>`, where `<word>` is [`Outcome::word`]; `springboard swap`
/// reads it back with [`Outcome::from_word`]. The words are part of that contract: renaming a
/// variant does not change them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Not booted yet.
    Untried,
    /// Booted; no report yet.
    Booting,
    /// Reported success.
    Passed,
    /// Reported failure, or started springboard again without a report.
    Failed,
}

impl Outcome {
    /// Every outcome, in code order.
    pub const ALL: [Outcome; 4] = [Self::Untried, Self::Booting, Self::Passed, Self::Failed];

    /// The word springboard's verdict line prints for this outcome.
    pub const fn word(self) -> &'static str {
        match self {
            Self::Untried => "Untried",
            Self::Booting => "Booting",
            Self::Passed => "Passed",
            Self::Failed => "Failed",
        }
    }

    /// The outcome a verdict line's word names; `None` for any other text.
    pub fn from_word(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.word() == word)
    }

    fn from_code(code: u8) -> Self {
        match code {
            1 => Self::Booting,
            2 => Self::Passed,
            3 => Self::Failed,
            _ => Self::Untried,
        }
    }

    fn code(self) -> u8 {
        match self {
            Self::Untried => 0,
            Self::Booting => 1,
            Self::Passed => 2,
            Self::Failed => 3,
        }
    }
}

/// How springboard walks the bundle's entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Boot the chosen entry; after a failure, its fallback.
    Single,
    /// Boot every entry in turn (a failed one's fallback first), then stop: kernel swapping.
    Sequence,
}

/// The decoded state record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    /// springboard starts that found the record valid.
    pub boot_counter: u64,
    /// The bundle kept resident.
    pub bundle: Option<MemRange>,
    /// The entry being tried.
    pub current: Option<usize>,
    /// How entries are walked.
    pub mode: Mode,
    /// The bundle the outcomes belong to (its header CRC32).
    pub bundle_id: u32,
    /// The kept seed, mixed with fresh material at every start.
    pub seed: [u8; 32],
    /// Per-entry outcomes.
    pub outcomes: [Outcome; MAX_ENTRIES],
    /// Per-entry boots since the entry last reported a pass (saturating at 255).
    pub attempts: [u8; MAX_ENTRIES],
}

impl State {
    /// A new record for the bundle `bundle_id`, with `seed`.
    pub fn fresh(bundle_id: u32, seed: [u8; 32], mode: Mode) -> Self {
        State {
            boot_counter: 0,
            bundle: None,
            current: None,
            mode,
            bundle_id,
            seed,
            outcomes: [Outcome::Untried; MAX_ENTRIES],
            attempts: [0; MAX_ENTRIES],
        }
    }

    /// A sequence that has run every entry: [`choose`] answered [`Choice::Finished`] and left
    /// no entry current (while a sequence runs, the entry being tried is always current).
    pub fn is_finished_sequence(&self) -> bool {
        self.mode == Mode::Sequence && self.current.is_none()
    }

    /// Reads a record; `None` when the bytes are not one (wrong magic, version or CRC), as
    /// on a cold boot.
    pub fn read(bytes: &[u8]) -> Option<Self> {
        let (raw, _) = RawState::read_from_prefix(bytes).ok()?;
        if raw.magic != MAGIC || raw.version.get() != VERSION || raw.reserved.get() != 0 {
            return None;
        }
        let mut unsealed = raw;
        unsealed.crc32 = 0.into();
        if crc32fast::hash(unsealed.as_bytes()) != raw.crc32.get() {
            return None;
        }
        let mode = match raw.mode.get() {
            0 => Mode::Single,
            1 => Mode::Sequence,
            _ => return None,
        };
        let bundle = match (raw.bundle_base.get(), raw.bundle_size.get()) {
            (0, _) | (_, 0) => None,
            (base, size) => Some(MemRange::new(base, size)),
        };
        let current = match raw.current.get() {
            NONE => None,
            i if (i as usize) < MAX_ENTRIES => Some(i as usize),
            _ => return None,
        };
        Some(State {
            boot_counter: raw.boot_counter.get(),
            bundle,
            current,
            mode,
            bundle_id: raw.bundle_id.get(),
            seed: raw.seed,
            outcomes: raw.outcome.map(Outcome::from_code),
            attempts: raw.attempts,
        })
    }

    /// The record's bytes, sealed with its CRC.
    pub fn to_bytes(&self) -> [u8; STATE_SIZE] {
        let MemRange { base, size } = self.bundle.unwrap_or_default();
        let mut raw = RawState {
            magic: MAGIC,
            version: VERSION.into(),
            crc32: 0.into(),
            boot_counter: self.boot_counter.into(),
            bundle_base: base.into(),
            bundle_size: size.into(),
            current: self.current.map_or(NONE, |i| i as u32).into(),
            mode: u32::from(self.mode == Mode::Sequence).into(),
            bundle_id: self.bundle_id.into(),
            reserved: 0.into(),
            seed: self.seed,
            outcome: self.outcomes.map(Outcome::code),
            attempts: self.attempts,
        };
        raw.crc32 = crc32fast::hash(raw.as_bytes()).into();
        let mut out = [0; STATE_SIZE];
        out.copy_from_slice(raw.as_bytes());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> State {
        let mut s = State::fresh(0xdead_beef, [3; 32], Mode::Sequence);
        s.boot_counter = 41;
        s.bundle = Some(MemRange::new(0x4800_0000, 0x210_0000));
        s.current = Some(2);
        s.outcomes[0] = Outcome::Passed;
        s.outcomes[1] = Outcome::Failed;
        s.outcomes[2] = Outcome::Booting;
        s.attempts[2] = 4;
        s
    }

    #[test]
    fn verdict_words_are_fixed_and_read_back() {
        let words = Outcome::ALL.map(Outcome::word);
        assert_eq!(words, ["Untried", "Booting", "Passed", "Failed"]);
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::from_word(outcome.word()), Some(outcome));
        }
        assert_eq!(Outcome::from_word("passed"), None);
        assert_eq!(Outcome::from_word("Passed "), None);
    }

    #[test]
    fn round_trips_through_its_bytes() {
        let s = sample();
        assert_eq!(State::read(&s.to_bytes()), Some(s));
    }

    #[test]
    fn a_cold_page_of_zeros_or_garbage_is_not_a_record() {
        assert_eq!(State::read(&[0; 4096]), None);
        assert_eq!(State::read(&[0xa5; 4096]), None);
        assert_eq!(State::read(&sample().to_bytes()[..STATE_SIZE - 1]), None);
    }

    #[test]
    fn any_flipped_bit_is_caught_by_the_crc() {
        let bytes = sample().to_bytes();
        for i in 0..STATE_SIZE * 8 {
            let mut bad = bytes;
            bad[i / 8] ^= 1 << (i % 8);
            assert_eq!(State::read(&bad), None, "bit {i}");
        }
    }

    #[test]
    fn layout_offsets_match_the_diagram() {
        let bytes = sample().to_bytes();
        assert_eq!(&bytes[0..8], b"SPRSTATE");
        assert_eq!(u64::from_le_bytes(bytes[0x10..0x18].try_into().unwrap()), 41);
        assert_eq!(u64::from_le_bytes(bytes[0x18..0x20].try_into().unwrap()), 0x4800_0000);
        assert_eq!(u32::from_le_bytes(bytes[0x28..0x2c].try_into().unwrap()), 2);
        assert_eq!(u32::from_le_bytes(bytes[0x30..0x34].try_into().unwrap()), 0xdead_beef);
        assert_eq!(bytes[0x38], 3);
        assert_eq!(bytes[0x58..0x5b], [2, 3, 1]);
        assert_eq!(bytes[0x90..0x93], [0, 0, 4]);
    }
}
