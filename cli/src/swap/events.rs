//! What a console line of a swap run means: springboard's sequence lines, the kernel's
//! milestones, and the guest agent's result line. The markers are the guest protocol's
//! (`springboard_host::protocol`); springboard's verdict words are
//! [`Outcome::word`](image_formats::state::Outcome::word)'s.

use image_formats::state::Outcome;
use springboard_host::protocol::{self, SWAP_KEXEC_FAILED, SWAP_RESULT};

/// One thing that happened, read from one console line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// springboard started (its banner): from QEMU, a reset, or a kexec.
    Springboard,
    /// `springboard: entry: <i> "<name>" of <n> (boot <k>, sequence)`.
    EntryStart {
        /// The entry's index in the bundle.
        index: usize,
    },
    /// `Linux version <release> …`.
    LinuxVersion(String),
    /// `CPU: All CPU(s) started at EL<n>`.
    StartedAt(u8),
    /// `Kernel panic - not syncing: …`: the rest of the line.
    Panic(String),
    /// The agent's `SPRINGBOARD-SWAP-RESULT pass|fail uname=… el=… exit=…`.
    Agent(AgentResult),
    /// The agent could not kexec springboard.
    KexecFailed(String),
    /// `springboard: sequence: entry <i> "<name>": <word>`, the word one of [`Outcome::word`]'s.
    Verdict {
        /// The entry's index.
        index: usize,
        /// Whether springboard recorded a pass.
        passed: bool,
    },
    /// `springboard: sequence: finished, …`.
    Finished,
    /// `springboard: error: …`: the rest of the line.
    Error(String),
}

/// What the guest agent reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentResult {
    /// The test script passed (or there was none).
    pub pass: bool,
    /// `uname -r`.
    pub release: String,
    /// The level the kernel's CPUs started at, from its `started at EL<n>` message.
    pub el: Option<u8>,
    /// The test script's exit status.
    pub exit: Option<i32>,
}

/// The event a console line means, if any.
pub fn parse(line: &str) -> Option<Event> {
    if let Some(rest) = after(line, protocol::SPRINGBOARD_PREFIX) {
        return springboard(rest);
    }
    if let Some(rest) = protocol::after(line, SWAP_RESULT) {
        return agent(rest).map(Event::Agent);
    }
    if let Some(rest) = after(line, SWAP_KEXEC_FAILED) {
        return Some(Event::KexecFailed(rest.trim_start_matches(':').trim().to_string()));
    }
    if let Some(rest) = after(line, "Linux version ") {
        return rest.split_whitespace().next().map(|r| Event::LinuxVersion(r.to_string()));
    }
    if let Some(rest) = after(line, "started at EL") {
        return rest.chars().next()?.to_digit(10).map(|d| Event::StartedAt(d as u8));
    }
    after(line, "Kernel panic - not syncing")
        .map(|rest| Event::Panic(rest.trim_start_matches(':').trim().to_string()))
}

/// The text after the first `marker` in `line`.
fn after<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    line.find(marker).map(|at| &line[at + marker.len()..])
}

/// springboard's own lines (after `springboard: `).
fn springboard(rest: &str) -> Option<Event> {
    if rest.starts_with("springboard ") && rest.contains(" entered at EL") {
        return Some(Event::Springboard);
    }
    if let Some(entry) = rest.strip_prefix("entry: ") {
        let index = entry.split_whitespace().next()?.parse().ok()?;
        return Some(Event::EntryStart { index });
    }
    if let Some(error) = rest.strip_prefix("error: ") {
        return Some(Event::Error(error.to_string()));
    }
    let sequence = rest.strip_prefix("sequence: ")?;
    if sequence.starts_with("finished") {
        return Some(Event::Finished);
    }
    let entry = sequence.strip_prefix("entry ")?;
    let index = entry.split_whitespace().next()?.parse().ok()?;
    let outcome = Outcome::from_word(entry.rsplit(": ").next()?.trim())?;
    Some(Event::Verdict { index, passed: outcome == Outcome::Passed })
}

/// The words after [`SWAP_RESULT`].
fn agent(rest: &str) -> Option<AgentResult> {
    let mut words = rest.split_whitespace();
    let pass = match words.next()? {
        "pass" => true,
        "fail" => false,
        _ => return None,
    };
    let mut result = AgentResult { pass, release: String::new(), el: None, exit: None };
    for word in words {
        match word.split_once('=') {
            Some(("uname", value)) => result.release = value.to_string(),
            Some(("el", value)) => result.el = value.trim_start_matches("EL").parse().ok(),
            Some(("exit", value)) => result.exit = value.parse().ok(),
            _ => {}
        }
    }
    Some(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_springboards_sequence_lines() {
        let banner = "springboard: springboard 0.1.0 entered at EL2, image 0x40200000..0x40225000";
        assert_eq!(parse(banner), Some(Event::Springboard));
        let entry = "springboard: entry: 2 \"3-vmlinuz\" of 3 (boot 3, sequence)";
        assert_eq!(parse(entry), Some(Event::EntryStart { index: 2 }));
        let verdict = "springboard: sequence: entry 1 \"2-vmlinuz: odd\": Failed";
        assert_eq!(parse(verdict), Some(Event::Verdict { index: 1, passed: false }));
        let verdict = "springboard: sequence: entry 0 \"1-vmlinuz\": Passed";
        assert_eq!(parse(verdict), Some(Event::Verdict { index: 0, passed: true }));
        let booting = format!("springboard: sequence: entry 2 \"x\": {}", Outcome::Booting.word());
        assert_eq!(parse(&booting), Some(Event::Verdict { index: 2, passed: false }));
        assert_eq!(parse("springboard: sequence: entry 2 \"x\": Renamed"), None);
        let done = "springboard: sequence: finished, 1 of 3 entries did not pass";
        assert_eq!(parse(done), Some(Event::Finished));
        assert_eq!(parse("springboard: bundle: 0x48000000 (70 MiB, …)"), None);
    }

    #[test]
    fn reads_the_kernels_milestones_with_their_timestamps() {
        let version =
            "[    0.000000] Linux version 6.1.0-56-arm64 (debian-kernel@lists.debian.org)";
        assert_eq!(parse(version), Some(Event::LinuxVersion("6.1.0-56-arm64".into())));
        let el = "[    0.093123] CPU: All CPU(s) started at EL2";
        assert_eq!(parse(el), Some(Event::StartedAt(2)));
        let panic =
            "[    1.2] Kernel panic - not syncing: Requested init /nonexistent failed (error -2).";
        let Some(Event::Panic(why)) = parse(panic) else { panic!("not a panic") };
        assert!(why.starts_with("Requested init /nonexistent"), "{why}");
    }

    #[test]
    fn reads_the_agents_result_line() {
        let line = "SPRINGBOARD-SWAP-RESULT fail uname=6.1.0-56-cloud-arm64 el=EL2 exit=3";
        let expected = AgentResult {
            pass: false,
            release: "6.1.0-56-cloud-arm64".into(),
            el: Some(2),
            exit: Some(3),
        };
        assert_eq!(parse(line), Some(Event::Agent(expected)));
        assert_eq!(parse("SPRINGBOARD-SWAP-RESULT maybe uname=x"), None);
    }
}
