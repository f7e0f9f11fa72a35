//! springboard's own options: the `springboard.*` words of the command line it was given.

use crate::error::BootError;
use image_formats::cmdline::option;
use image_formats::state::Report;

/// The options springboard understands.
pub struct Options {
    /// `springboard.handoff=el1`: enter the kernel at EL1 with the stub resident
    /// (`el2`, the default, enters it at EL2).
    pub el1: bool,
    /// `springboard.entry=NAME`: the entry to boot.
    pub entry: Option<&'static str>,
    /// `springboard.result=pass|fail`: what the kernel that started springboard again reports
    /// about itself.
    pub result: Option<Report>,
    /// `springboard.sequence`: boot every entry in turn, keeping the bundle resident, until all
    /// have run (kernel-swap testing); taken when a new record is begun (a new bundle, a
    /// finished sequence, a cleared or cold state page).
    pub sequence: bool,
    /// `springboard.state=clear`: drop whatever the state page says (outcomes, attempts, a
    /// kept bundle, a sequence) before anything is chosen.
    pub clear_state: bool,
}

impl Options {
    /// Reads the options from `bootargs`; an unknown value is an error, not a guess.
    pub fn parse(bootargs: &'static str) -> Result<Self, BootError> {
        let el1 = handoff(bootargs)?.unwrap_or(false);
        let result = match option(bootargs, "result") {
            None => None,
            Some("pass") => Some(Report::Pass),
            Some("fail") => Some(Report::Fail),
            Some(other) => return Err(BootError::BadOption { key: "result", value: other }),
        };
        let sequence = match option(bootargs, "sequence") {
            None | Some("0") => false,
            Some("" | "1") => true,
            Some(other) => return Err(BootError::BadOption { key: "sequence", value: other }),
        };
        let clear_state = match option(bootargs, "state") {
            None => false,
            Some("clear") => true,
            Some(other) => return Err(BootError::BadOption { key: "state", value: other }),
        };
        Ok(Options { el1, entry: option(bootargs, "entry"), result, sequence, clear_state })
    }
}

/// `springboard.handoff=` in `text`: `Some(true)` for `el1`, `Some(false)` for `el2`. Read from
/// `/chosen/bootargs` and from an entry's own command line, which wins (a TF-A chain has no
/// bootargs to set).
pub fn handoff(text: &'static str) -> Result<Option<bool>, BootError> {
    match option(text, "handoff") {
        None => Ok(None),
        Some("el2") => Ok(Some(false)),
        Some("el1") => Ok(Some(true)),
        Some(other) => Err(BootError::BadOption { key: "handoff", value: other }),
    }
}
