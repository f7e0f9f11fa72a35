//! QEMU's console read line by line, and the watcher that judges a run: milestones must appear
//! in order, a bad pattern or one banner too many ends the run at once, a timeout ends it, the
//! exit status is checked, and every line goes to a transcript file.

use std::fmt;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::machine::Machine;
use crate::protocol;

/// What QEMU's own messages (its stderr) start with among the console lines.
pub const STDERR_PREFIX: &str = "[qemu] ";

/// A console line and when the host read it, counted from the start of the reading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Host time since [`Console::start`].
    pub at: Duration,
    /// The line without its line ending; QEMU's stderr lines start with [`STDERR_PREFIX`].
    pub text: String,
}

/// What [`Console::next`] found.
#[derive(Debug)]
pub enum Next {
    /// A line.
    Line(Line),
    /// Nothing for the time asked.
    Quiet,
    /// QEMU closed its stdout and stderr: it has exited.
    Closed,
}

/// QEMU's stdout (the serial console) and stderr, read by two threads into one channel of
/// lines.
pub struct Console {
    lines: mpsc::Receiver<Line>,
}

impl Console {
    /// Starts reading `child`'s piped stdout and (when piped) stderr.
    pub fn start(child: &mut Child) -> Console {
        let started = Instant::now();
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().expect("QEMU's stdout is piped");
        let tx2 = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).split(b'\n').map_while(Result::ok) {
                let text = String::from_utf8_lossy(&line).trim_end_matches('\r').to_string();
                if tx.send(Line { at: started.elapsed(), text }).is_err() {
                    break;
                }
            }
        });
        if let Some(stderr) = child.stderr.take() {
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    let text = format!("{STDERR_PREFIX}{line}");
                    if tx2.send(Line { at: started.elapsed(), text }).is_err() {
                        break;
                    }
                }
            });
        }
        Console { lines: rx }
    }

    /// The next line, waiting at most `wait`.
    pub fn next(&self, wait: Duration) -> Next {
        match self.lines.recv_timeout(wait) {
            Ok(line) => Next::Line(line),
            Err(mpsc::RecvTimeoutError::Timeout) => Next::Quiet,
            Err(mpsc::RecvTimeoutError::Disconnected) => Next::Closed,
        }
    }
}

/// Why a watched run failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// A bad pattern appeared; QEMU was stopped.
    BadPattern {
        /// The pattern.
        pattern: String,
        /// The line it appeared in.
        line: String,
    },
    /// springboard's banner appeared this many times, more than allowed; QEMU was stopped.
    Banners(usize),
    /// The run took longer than this; QEMU was stopped.
    Timeout(Duration),
    /// QEMU exited before this milestone appeared.
    Milestone(String),
    /// QEMU exited with a failure status.
    Exit(ExitStatus),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::BadPattern { pattern, .. } => {
                write!(f, "bad pattern `{pattern}` on the console")
            }
            Failure::Banners(n) => write!(f, "springboard's banner appeared {n} times"),
            Failure::Timeout(t) => write!(f, "timeout after {t:?}"),
            Failure::Milestone(m) => write!(f, "milestone `{m}` never appeared"),
            Failure::Exit(status) => write!(f, "QEMU exited with {status}"),
        }
    }
}

/// How a run is judged.
#[derive(Clone, Debug)]
pub struct Watch {
    /// Lines that must appear, in this order.
    pub milestones: Vec<String>,
    /// Lines that end the run as a failure at once.
    pub bad: Vec<String>,
    /// How many times springboard's banner may appear.
    pub banners: usize,
    /// How long the whole run may take.
    pub timeout: Duration,
    /// Print every line as it arrives (for a person watching).
    pub echo: bool,
    /// Where to write the transcript.
    pub transcript: Option<PathBuf>,
}

/// A finished run: what it printed and the verdict.
#[derive(Debug)]
pub struct Judged {
    /// Every console line, in order.
    pub lines: Vec<Line>,
    /// Why it failed, if it did.
    pub failure: Option<Failure>,
    /// QEMU's command line.
    pub command: String,
    /// Where the transcript is, if one was written.
    pub transcript: Option<PathBuf>,
}

impl Default for Watch {
    fn default() -> Self {
        Watch::new()
    }
}

impl Watch {
    /// No milestones, [`protocol::BAD_PATTERNS`], one banner, two minutes, quiet, no
    /// transcript.
    pub fn new() -> Self {
        Watch {
            milestones: Vec::new(),
            bad: protocol::BAD_PATTERNS.iter().map(|p| p.to_string()).collect(),
            banners: 1,
            timeout: Duration::from_secs(120),
            echo: false,
            transcript: None,
        }
    }

    /// Lines that must appear in this order.
    pub fn milestones<S: AsRef<str>>(mut self, milestones: &[S]) -> Self {
        self.milestones = milestones.iter().map(|m| m.as_ref().to_string()).collect();
        self
    }

    /// Adds bad patterns.
    pub fn forbid<S: AsRef<str>>(mut self, patterns: &[S]) -> Self {
        self.bad.extend(patterns.iter().map(|p| p.as_ref().to_string()));
        self
    }

    /// Takes bad patterns out (a run that provokes them on purpose).
    pub fn allow(mut self, patterns: &[&str]) -> Self {
        self.bad.retain(|b| !patterns.contains(&b.as_str()));
        self
    }

    /// How many times springboard's banner may appear.
    pub fn banners(mut self, banners: usize) -> Self {
        self.banners = banners;
        self
    }

    /// How long the whole run may take.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Prints every line as it arrives.
    pub fn echo(mut self) -> Self {
        self.echo = true;
        self
    }

    /// Writes every line, QEMU's command line and its exit status to `path`.
    pub fn transcript(mut self, path: &Path) -> Self {
        self.transcript = Some(path.to_path_buf());
        self
    }

    /// Starts `machine` and watches its console until QEMU exits (or a failure stops it).
    /// Fails only when QEMU cannot be started or waited for.
    pub fn run(&self, machine: &Machine) -> std::io::Result<Judged> {
        let command = machine.command_line();
        let mut child = machine.command().spawn().map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("starting {} (install QEMU): {e}", machine.program),
            )
        })?;
        let console = Console::start(&mut child);
        let deadline = Instant::now() + self.timeout;
        let mut state = Judge::new(self);
        let mut lines = Vec::new();
        let stopped = loop {
            match console.next(deadline.saturating_duration_since(Instant::now())) {
                Next::Line(line) => {
                    if self.echo {
                        println!("{}", line.text);
                    }
                    let verdict = state.line(&line.text);
                    lines.push(line);
                    if let Some(failure) = verdict {
                        break Some(failure);
                    }
                }
                Next::Closed => break None,
                Next::Quiet => break Some(Failure::Timeout(self.timeout)),
            }
        };
        if stopped.is_some() {
            // QEMU was started here; ending it ends the readers too.
            let _ = child.kill();
        }
        let status = child.wait()?;
        let failure = stopped
            .or_else(|| state.missing().map(Failure::Milestone))
            .or_else(|| (!status.success()).then_some(Failure::Exit(status)));
        let judged = Judged { lines, failure, command, transcript: self.transcript.clone() };
        if let Some(path) = &self.transcript {
            judged.save(path, &status)?;
        }
        Ok(judged)
    }
}

/// The running verdict over the lines seen so far.
struct Judge<'a> {
    watch: &'a Watch,
    next: usize,
    banners: usize,
}

impl<'a> Judge<'a> {
    fn new(watch: &'a Watch) -> Self {
        Judge { watch, next: 0, banners: 0 }
    }

    /// Takes one line; returns the failure it means, if any.
    fn line(&mut self, line: &str) -> Option<Failure> {
        if let Some(bad) = self.watch.bad.iter().find(|p| line.contains(p.as_str())) {
            return Some(Failure::BadPattern { pattern: bad.clone(), line: line.to_string() });
        }
        self.banners += usize::from(line.contains(protocol::BANNER));
        if self.banners > self.watch.banners {
            return Some(Failure::Banners(self.banners));
        }
        let milestones = &self.watch.milestones;
        if self.next < milestones.len() && line.contains(&milestones[self.next]) {
            self.next += 1;
        }
        None
    }

    /// The first milestone not seen.
    fn missing(&self) -> Option<String> {
        self.watch.milestones.get(self.next).cloned()
    }
}

impl Judged {
    /// The lines' texts.
    pub fn texts(&self) -> Vec<String> {
        self.lines.iter().map(|l| l.text.clone()).collect()
    }

    fn save(&self, path: &Path, status: &ExitStatus) -> std::io::Result<()> {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
        for line in &self.lines {
            writeln!(f, "{}", line.text)?;
        }
        writeln!(f, "\n[host] {}\n[host] exit: {status}", self.command)?;
        f.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(watch: &Watch, lines: &[&str]) -> (Option<Failure>, Option<String>) {
        let mut j = Judge::new(watch);
        let failure = lines.iter().find_map(|l| j.line(l));
        (failure, j.missing())
    }

    #[test]
    fn milestones_count_only_in_order() {
        let w = Watch::new().milestones(&["one", "two"]);
        assert_eq!(judge(&w, &["two", "one"]), (None, Some("two".into())));
        assert_eq!(judge(&w, &["one", "x", "two"]), (None, None));
    }

    #[test]
    fn a_bad_pattern_fails_at_once_unless_allowed() {
        let w = Watch::new().milestones(&["end"]);
        let (failure, _) = judge(&w, &["[ 1.0] Kernel panic - not syncing", "end"]);
        let Some(Failure::BadPattern { pattern, line }) = failure else { panic!("{failure:?}") };
        assert_eq!((pattern.as_str(), line.contains("not syncing")), ("Kernel panic", true));
        let w = w.allow(protocol::PANIC_PATTERNS).forbid(&["end"]);
        assert!(matches!(judge(&w, &["Kernel panic", "end"]).0, Some(Failure::BadPattern { .. })));
    }

    #[test]
    fn one_banner_too_many_fails() {
        let banner = "springboard: springboard 0.1.0 entered at EL2";
        assert_eq!(judge(&Watch::new(), &[banner]).0, None);
        assert_eq!(judge(&Watch::new(), &[banner, banner]).0, Some(Failure::Banners(2)));
        assert_eq!(judge(&Watch::new().banners(2), &[banner, banner]).0, None);
    }

    #[test]
    fn runs_a_program_and_judges_its_output_and_exit_status() {
        // A script in QEMU's place: it ignores QEMU's options and prints what it is told.
        let dir = std::env::temp_dir().join(format!("sb-host-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("fake-qemu");
        std::fs::write(&path, "#!/bin/sh\necho oops >&2\necho one\necho two\nexit 3\n").unwrap();
        let perm = std::os::unix::fs::PermissionsExt::from_mode(0o755);
        std::fs::set_permissions(&path, perm).unwrap();
        let machine = Machine::virt("x").program(path.to_str().unwrap());
        let transcript = dir.join("t.txt");
        let watch = Watch::new().milestones(&["one", "two"]).transcript(&transcript);
        let judged = watch.run(&machine).unwrap();
        assert!(matches!(judged.failure, Some(Failure::Exit(_))), "{:?}", judged.failure);
        assert!(judged.texts().contains(&"[qemu] oops".to_string()));
        let text = std::fs::read_to_string(&transcript).unwrap();
        let at = |l: &str| text.find(l).unwrap_or_else(|| panic!("no `{l}` in {text}"));
        assert!(at("one\n") < at("two\n") && at("two\n") < at("exit status: 3"), "{text}");
        let judged = Watch::new().milestones(&["three"]).run(&machine).unwrap();
        assert_eq!(judged.failure, Some(Failure::Milestone("three".into())));
        std::fs::write(&path, "#!/bin/sh\necho one\nsleep 5\n").unwrap();
        let judged = Watch::new().timeout(Duration::from_millis(300)).run(&machine).unwrap();
        assert_eq!(judged.failure, Some(Failure::Timeout(Duration::from_millis(300))));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
