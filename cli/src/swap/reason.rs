//! Why a kernel's row failed: a typed reason whose text goes to the table, JSON and JUnit's
//! `message`, and whose [`Reason::kind`] is JUnit's `<failure type>`.

use std::fmt;

/// Why a row failed, as far as the runner saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The kernel panicked: the rest of its `Kernel panic - not syncing:` line.
    Panic(String),
    /// No progress for this many seconds: the runner reset the machine.
    Timeout(u64),
    /// The test script failed, with its exit status when the agent said.
    Test(Option<i32>),
    /// The agent could not kexec springboard: its message.
    Kexec(String),
    /// The agent reported a pass, yet springboard recorded a failure.
    RecordedFail,
    /// springboard never booted the entry.
    NotRun,
    /// springboard started again without a report (a reset, a panic it did not see, a hang).
    NoReport,
    /// The run ended before springboard gave this row a verdict: why.
    RunEnded(String),
}

impl Reason {
    /// A short machine-readable kind: `panic`, `timeout`, `test` or `boot`.
    pub fn kind(&self) -> &'static str {
        match self {
            Reason::Panic(_) => "panic",
            Reason::Timeout(_) => "timeout",
            Reason::Test(_) => "test",
            Reason::Kexec(_)
            | Reason::RecordedFail
            | Reason::NotRun
            | Reason::NoReport
            | Reason::RunEnded(_) => "boot",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Panic(why) => write!(f, "kernel panic: {why}"),
            Reason::Timeout(seconds) => write!(f, "timed out after {seconds} s: machine reset"),
            Reason::Test(Some(code)) => write!(f, "test failed (exit status {code})"),
            Reason::Test(None) => write!(f, "test failed"),
            Reason::Kexec(why) => write!(f, "kexec back into springboard failed: {why}"),
            Reason::RecordedFail => write!(f, "reported pass but springboard recorded a failure"),
            Reason::NotRun => write!(f, "not run"),
            Reason::NoReport => write!(f, "no report: reset, panic or hang"),
            Reason::RunEnded(why) => f.write_str(why),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_reason_has_its_kind_whatever_its_words() {
        assert_eq!(Reason::Panic("timed out".into()).kind(), "panic");
        assert_eq!(Reason::Timeout(12).kind(), "timeout");
        assert_eq!(Reason::Test(Some(7)).kind(), "test");
        assert_eq!(Reason::RunEnded("kernel panic".into()).kind(), "boot");
        assert_eq!(Reason::Timeout(12).to_string(), "timed out after 12 s: machine reset");
        assert_eq!(Reason::Test(Some(7)).to_string(), "test failed (exit status 7)");
    }
}
