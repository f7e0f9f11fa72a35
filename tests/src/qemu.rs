//! Runs QEMU, reads its console line by line, and judges the run: milestones must appear in
//! order, a bad pattern ends the run at once, a timeout ends it, and the exit status is
//! checked.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Lines that mean the run went wrong, wherever they appear.
pub const BAD_PATTERNS: &[&str] = &[
    "Kernel panic",
    "Internal error:",
    "Unable to handle kernel",
    "Call trace:",
    "springboard: exception:",
    "springboard: error: exception",
    "springboard: error: panic",
];

/// A QEMU command line for the `virt` machine, built up step by step.
pub struct Qemu {
    args: Vec<String>,
    name: String,
    timeout: Duration,
    forbidden: Vec<String>,
    allowed: Vec<String>,
    banners: usize,
}

impl Qemu {
    /// `virt` with EL2 (`virtualization=on`), `cpu`, 1 GiB, no NIC, no reboot, console on stdio.
    pub fn virt(name: &str, cpu: &str) -> Self {
        let args = [
            "-M",
            "virt,virtualization=on",
            "-cpu",
            cpu,
            "-m",
            "1G",
            "-smp",
            "1",
            "-nic",
            "none",
            "-display",
            "none",
            "-monitor",
            "none",
            "-serial",
            "stdio",
            "-no-reboot",
        ];
        Qemu {
            args: args.iter().map(|s| s.to_string()).collect(),
            name: name.to_string(),
            timeout: Duration::from_secs(120),
            forbidden: Vec::new(),
            allowed: Vec::new(),
            banners: 1,
        }
    }

    /// Replaces the `-M` option's value.
    pub fn machine(mut self, machine: &str) -> Self {
        self.args[1] = machine.to_string();
        self
    }

    /// Replaces the number of CPUs (1 by default).
    pub fn smp(mut self, cpus: u32) -> Self {
        let at = self.args.iter().position(|a| a == "-smp").expect("virt() passes -smp");
        self.args[at + 1] = cpus.to_string();
        self
    }

    /// Appends raw arguments.
    pub fn arg<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, args: I) -> Self {
        self.args.extend(args.into_iter().map(|s| s.as_ref().to_string()));
        self
    }

    /// `-kernel PATH`.
    pub fn kernel(self, path: &Path) -> Self {
        self.arg(["-kernel", &path.display().to_string()])
    }

    /// `-initrd PATH`.
    pub fn initrd(self, path: &Path) -> Self {
        self.arg(["-initrd", &path.display().to_string()])
    }

    /// `-dtb PATH`: QEMU loads this DTB instead of its own, but still rewrites its `/memory`
    /// and, when given `-initrd` or `-append`, the matching `/chosen` properties.
    pub fn dtb(self, path: &Path) -> Self {
        self.arg(["-dtb", &path.display().to_string()])
    }

    /// `-device loader,file=PATH,addr=ADDR,force-raw=on`: the file's bytes, as they are, at
    /// physical address `addr` before the CPU starts.
    pub fn load(self, path: &Path, addr: u64) -> Self {
        let device = format!("loader,file={},addr={addr:#x},force-raw=on", path.display());
        self.arg(["-device", &device])
    }

    /// Adds run-specific bad patterns (e.g. `Booting Linux` when springboard must refuse).
    pub fn forbid(mut self, patterns: &[&str]) -> Self {
        self.forbidden.extend(patterns.iter().map(|p| p.to_string()));
        self
    }

    /// Takes default bad patterns out for a run that provokes them on purpose (a kernel that
    /// must panic), and lets QEMU reset the machine instead of exiting (no `-no-reboot`).
    pub fn expect_panic_and_reset(mut self) -> Self {
        self.allowed.extend(["Kernel panic".to_string(), "Call trace:".to_string()]);
        self.args.retain(|a| a != "-no-reboot");
        self
    }

    /// How many times springboard's banner may appear (1 unless the run re-enters springboard,
    /// e.g. through kexec); one more ends the run at once as a failure.
    pub fn allow_banners(mut self, banners: usize) -> Self {
        self.banners = banners;
        self
    }

    /// How long the whole run may take.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Starts QEMU and watches its console until `milestones` have all appeared in order and
    /// QEMU has exited. Panics with the transcript on a bad pattern, a missing milestone, a
    /// timeout or a non-zero exit status.
    pub fn expect(self, milestones: &[&str], work: &Path) -> Run {
        let transcript_path = work.join(format!("{}.console.txt", self.name));
        let mut child = Command::new("qemu-system-aarch64")
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting qemu-system-aarch64 (run `cargo xtask setup`)");
        let lines = spawn_reader(&mut child);
        let mut run = Run { lines: Vec::new(), transcript: transcript_path };
        let deadline = Instant::now() + self.timeout;
        let mut next = 0;
        let mut banners = 0;
        let result = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match lines.recv_timeout(left) {
                Ok(line) => {
                    let mut bad_patterns = BAD_PATTERNS
                        .iter()
                        .copied()
                        .filter(|p| !self.allowed.iter().any(|a| a == p))
                        .chain(self.forbidden.iter().map(String::as_str));
                    if let Some(bad) = bad_patterns.find(|p| line.contains(*p)) {
                        run.lines.push(line);
                        break Err(format!("bad pattern `{bad}` on the console"));
                    }
                    banners += usize::from(line.contains(crate::BANNER));
                    if banners > self.banners {
                        run.lines.push(line);
                        break Err(format!("springboard's banner appeared {banners} times"));
                    }
                    if next < milestones.len() && line.contains(milestones[next]) {
                        next += 1;
                    }
                    run.lines.push(line);
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break Ok(()),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    break Err(format!("timeout after {:?}", self.timeout));
                }
            }
        };
        let status = finish(&mut child, result.is_err());
        run.save();
        if let Err(why) = result {
            run.fail(&why, &self.args);
        }
        if next < milestones.len() {
            run.fail(&format!("milestone `{}` never appeared", milestones[next]), &self.args);
        }
        if !status.success() {
            run.fail(&format!("QEMU exited with {status}"), &self.args);
        }
        run
    }
}

/// Reads QEMU's stdout (the console) and stderr into one channel of lines.
fn spawn_reader(child: &mut Child) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).split(b'\n').map_while(Result::ok) {
            let text = String::from_utf8_lossy(&line).trim_end_matches('\r').to_string();
            if tx.send(text).is_err() {
                break;
            }
        }
    });
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx2.send(format!("[qemu stderr] {line}")).is_err() {
                break;
            }
        }
    });
    rx
}

/// Kills QEMU if asked (a failed run), then waits for its exit status.
fn finish(child: &mut Child, kill: bool) -> std::process::ExitStatus {
    if kill {
        let _ = child.kill();
    }
    child.wait().expect("waiting for QEMU")
}

/// What one QEMU run printed.
pub struct Run {
    /// Every console line, in order.
    pub lines: Vec<String>,
    transcript: PathBuf,
}

impl Run {
    /// The first line containing `needle`.
    pub fn line_with(&self, needle: &str) -> Option<&str> {
        self.lines.iter().find(|l| l.contains(needle)).map(String::as_str)
    }

    /// How many lines contain `needle`.
    pub fn count(&self, needle: &str) -> usize {
        self.lines.iter().filter(|l| l.contains(needle)).count()
    }

    /// Asserts a line containing `needle` exists.
    pub fn assert_has(&self, needle: &str) -> &str {
        match self.line_with(needle) {
            Some(line) => line,
            None => self.fail(&format!("no line contains `{needle}`"), &[]),
        }
    }

    fn save(&self) {
        if let Ok(mut f) = std::fs::File::create(&self.transcript) {
            for line in &self.lines {
                let _ = writeln!(f, "{line}");
            }
        }
    }

    /// Panics with the reason, the command line and the end of the transcript.
    pub fn fail(&self, why: &str, args: &[String]) -> ! {
        let tail: Vec<&str> = self.lines.iter().rev().take(40).rev().map(String::as_str).collect();
        panic!(
            "{why}\nqemu-system-aarch64 {}\n--- last console lines (all in {}) ---\n{}",
            args.join(" "),
            self.transcript.display(),
            tail.join("\n")
        );
    }
}
