//! The result table of a swap run, filled in from console events as they arrive: one row per
//! kernel, with the progress line each event deserves.

use std::time::Duration;

use super::events::{AgentResult, Event};
use super::reason::Reason;

/// Console lines kept per row, for a failed row's report.
const TAIL_LINES: usize = 40;

/// The result of one kernel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// springboard recorded `springboard.result=pass` from it.
    Pass,
    /// Anything else.
    Fail,
}

/// One kernel's row.
#[derive(Clone, Debug)]
pub struct Row {
    /// The kernel file as given on the command line.
    pub kernel: String,
    /// A short unique name: `<number>-<file name>`.
    pub name: String,
    /// `uname -r` (from the agent, else from `Linux version`).
    pub release: Option<String>,
    /// The exception level its CPUs started at.
    pub el: Option<u8>,
    /// springboard's verdict; `None` until it printed one.
    pub verdict: Option<Verdict>,
    /// Why it failed, as far as the runner saw.
    pub reason: Option<Reason>,
    /// From springboard starting it to the next springboard start (or the end).
    pub seconds: f64,
    /// Its last console lines.
    pub tail: Vec<String>,
    started: Option<Duration>,
    agent: Option<AgentResult>,
}

impl Row {
    /// A row not booted yet.
    pub fn new(kernel: String, name: String) -> Self {
        Row {
            kernel,
            name,
            release: None,
            el: None,
            verdict: None,
            reason: None,
            seconds: 0.0,
            tail: Vec::new(),
            started: None,
            agent: None,
        }
    }

    /// Whether the row passed.
    pub fn passed(&self) -> bool {
        self.verdict == Some(Verdict::Pass)
    }
}

/// The rows and which one is running.
pub struct Table {
    /// One row per kernel, in boot order.
    pub rows: Vec<Row>,
    current: Option<usize>,
    /// springboard printed `sequence: finished`.
    pub finished: bool,
}

impl Table {
    /// A table of rows not booted yet.
    pub fn new(rows: Vec<Row>) -> Self {
        Table { rows, current: None, finished: false }
    }

    /// Keeps `line` in the running row's tail.
    pub fn keep_line(&mut self, line: &str) {
        if let Some(row) = self.current.and_then(|i| self.rows.get_mut(i)) {
            if row.tail.len() == TAIL_LINES {
                row.tail.remove(0);
            }
            row.tail.push(line.to_string());
        }
    }

    /// Stops the running row's clock at `now`.
    fn stop_clock(&mut self, now: Duration) {
        if let Some(row) = self.current.and_then(|i| self.rows.get_mut(i)) {
            if let Some(started) = row.started.take() {
                row.seconds += now.saturating_sub(started).as_secs_f64();
            }
        }
    }

    /// Applies one event seen at `now` (since the run started); returns the progress line.
    pub fn apply(&mut self, event: Event, now: Duration) -> Option<String> {
        let count = self.rows.len();
        let label = |rows: &[Row], i: usize| format!("[{}/{count}] {}", i + 1, rows[i].name);
        match event {
            Event::Springboard => {
                self.stop_clock(now);
                None
            }
            Event::EntryStart { index } if index < count => {
                self.stop_clock(now);
                self.current = Some(index);
                self.rows[index].started = Some(now);
                Some(format!("{}: booting {}", label(&self.rows, index), self.rows[index].kernel))
            }
            Event::Finished => {
                self.stop_clock(now);
                self.current = None;
                self.finished = true;
                let passed = self.rows.iter().filter(|r| r.passed()).count();
                Some(format!("sequence finished: {passed} of {count} passed"))
            }
            Event::Verdict { index, passed } if index < count => {
                let row = &mut self.rows[index];
                row.verdict = Some(if passed { Verdict::Pass } else { Verdict::Fail });
                if !passed && row.reason.is_none() {
                    row.reason = Some(match &row.agent {
                        Some(a) if !a.pass => Reason::Test(a.exit),
                        Some(_) => Reason::RecordedFail,
                        None if row.started.is_none() && row.seconds == 0.0 => Reason::NotRun,
                        None => Reason::NoReport,
                    });
                }
                None
            }
            other => self.apply_to_current(other, now),
        }
    }

    /// Events about the running kernel.
    fn apply_to_current(&mut self, event: Event, _now: Duration) -> Option<String> {
        let i = self.current?;
        let count = self.rows.len();
        let row = &mut self.rows[i];
        let label = format!("[{}/{count}] {}", i + 1, row.name);
        match event {
            Event::LinuxVersion(release) => {
                row.release.get_or_insert(release);
                None
            }
            Event::StartedAt(el) => {
                row.el.get_or_insert(el);
                None
            }
            Event::Panic(why) => {
                let reason = Reason::Panic(why);
                let text = format!("{label}: {reason}");
                row.reason.get_or_insert(reason);
                Some(text)
            }
            Event::Agent(agent) => {
                if !agent.release.is_empty() {
                    row.release = Some(agent.release.clone());
                }
                row.el = agent.el.or(row.el);
                let what = match agent.pass {
                    true => "test passed".to_string(),
                    false => Reason::Test(agent.exit).to_string(),
                };
                let el = agent.el.map_or("EL?".to_string(), |el| format!("EL{el}"));
                row.agent = Some(agent);
                Some(format!(
                    "{label}: Linux {} at {el}, {what}; kexec springboard",
                    row.release.as_deref().unwrap_or("?")
                ))
            }
            Event::KexecFailed(why) => {
                let reason = Reason::Kexec(why);
                let text = format!("{label}: {reason}");
                row.reason.get_or_insert(reason);
                Some(text)
            }
            Event::Error(what) => Some(format!("springboard: error: {what}")),
            _ => None,
        }
    }

    /// Marks the running row as timed out after `seconds`; returns the progress line.
    pub fn timed_out(&mut self, seconds: u64) -> Option<String> {
        let i = self.current?;
        let reason = Reason::Timeout(seconds);
        let count = self.rows.len();
        let row = &mut self.rows[i];
        let text = format!("[{}/{count}] {}: {reason}", i + 1, row.name);
        row.reason.get_or_insert(reason);
        Some(text)
    }

    /// Ends the run at `now`: rows springboard gave no verdict for fail, with `why`.
    pub fn close(&mut self, now: Duration, why: &str) {
        self.stop_clock(now);
        for row in &mut self.rows {
            if row.verdict.is_none() {
                row.verdict = Some(Verdict::Fail);
                row.reason.get_or_insert_with(|| Reason::RunEnded(why.to_string()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::swap::events::parse;

    fn table() -> Table {
        let rows = ["a", "b", "c"].map(|k| Row::new(k.into(), format!("n-{k}"))).to_vec();
        Table::new(rows)
    }

    fn feed(table: &mut Table, lines: &[(u64, &str)]) {
        for (second, line) in lines {
            table.keep_line(line);
            if let Some(event) = parse(line) {
                table.apply(event, Duration::from_secs(*second));
            }
        }
    }

    #[test]
    fn a_panicking_middle_kernel_fails_and_the_others_pass() {
        let mut t = table();
        feed(
            &mut t,
            &[
                (0, "springboard: springboard 0.1.0 entered at EL2, image …"),
                (0, "springboard: entry: 0 \"n-a\" of 3 (boot 1, sequence)"),
                (1, "[    0.0] Linux version 6.1.0-56-arm64 (x)"),
                (3, "SPRINGBOARD-SWAP-RESULT pass uname=6.1.0-56-arm64 el=EL2 exit=0"),
                (4, "springboard: springboard 0.1.0 entered at EL2, image …"),
                (4, "springboard: entry: 1 \"n-b\" of 3 (boot 2, sequence)"),
                (5, "[    0.0] Linux version 6.1.0-56-arm64 (x)"),
                (5, "[    0.1] CPU: All CPU(s) started at EL2"),
                (6, "[    1.0] Kernel panic - not syncing: No working init found."),
                (7, "springboard: springboard 0.1.0 entered at EL2, image …"),
                (7, "springboard: entry: 2 \"n-c\" of 3 (boot 3, sequence)"),
                (9, "SPRINGBOARD-SWAP-RESULT fail uname=6.1.0-56-cloud-arm64 el=EL2 exit=1"),
                (10, "springboard: springboard 0.1.0 entered at EL2, image …"),
                (10, "springboard: sequence: entry 0 \"n-a\": Passed"),
                (10, "springboard: sequence: entry 1 \"n-b\": Failed"),
                (10, "springboard: sequence: entry 2 \"n-c\": Failed"),
                (10, "springboard: sequence: finished, 2 of 3 entries did not pass"),
            ],
        );
        assert!(t.finished);
        let r = &t.rows;
        assert!(r[0].passed() && !r[1].passed() && !r[2].passed());
        assert_eq!(r[0].seconds, 4.0);
        assert_eq!(r[1].seconds, 3.0);
        assert_eq!(r[1].el, Some(2));
        assert_eq!(r[1].release.as_deref(), Some("6.1.0-56-arm64"));
        let panic = r[1].reason.as_ref().unwrap().to_string();
        assert!(panic.starts_with("kernel panic: No working init"), "{panic}");
        assert_eq!(r[2].reason, Some(Reason::Test(Some(1))));
        assert_eq!(r[2].reason.as_ref().unwrap().to_string(), "test failed (exit status 1)");
        assert_eq!(r[2].release.as_deref(), Some("6.1.0-56-cloud-arm64"));
        assert!(r[1].tail.iter().any(|l| l.contains("Kernel panic")));
    }

    #[test]
    fn rows_without_a_verdict_fail_when_the_run_ends() {
        let mut t = table();
        feed(&mut t, &[(0, "springboard: entry: 0 \"n-a\" of 3 (boot 1, sequence)")]);
        assert!(t.timed_out(120).unwrap().contains("timed out after 120 s"));
        t.close(Duration::from_secs(130), "QEMU exited before the sequence finished");
        assert!(t.rows.iter().all(|r| !r.passed()));
        assert_eq!(t.rows[0].reason, Some(Reason::Timeout(120)));
        let ended = t.rows[2].reason.as_ref().unwrap().to_string();
        assert_eq!(ended, "QEMU exited before the sequence finished");
        assert_eq!(t.rows[0].seconds, 130.0);
    }
}
