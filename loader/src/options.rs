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
    /// have run (kernel-swap testing); taken when a new bundle is seen.
    pub sequence: bool,
}

impl Options {
    /// Reads the options from `bootargs`; an unknown value is an error, not a guess.
    pub fn parse(bootargs: &'static str) -> Result<Self, BootError> {
        let el1 = match option(bootargs, "handoff") {
            None | Some("el2") => false,
            Some("el1") => true,
            Some(other) => return Err(BootError::BadOption { key: "handoff", value: other }),
        };
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
        Ok(Options { el1, entry: option(bootargs, "entry"), result, sequence })
    }
}
