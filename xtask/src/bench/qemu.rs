//! One benchmark run of QEMU: deterministic virtual time (`-icount shift=0,sleep=off`, a
//! fixed RTC in virtual time, no random DTB nodes), the console read line by line with the
//! host time each line arrived, a timeout, a transcript, and the exit status checked.

use anyhow::{bail, ensure, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// What makes a run repeatable, on top of [`crate::qemu::VIRT`]: `-icount shift=0,sleep=off`
/// gives one virtual nanosecond per guest instruction and skips idle time to the next timer
/// deadline, so the generic counter reads the same on every run; `dtb-randomness=off` and
/// `-rtc …,clock=vm` remove the two other inputs that differ between runs (the DTB's random
/// seeds and the host's date).
const DETERMINISTIC: &[&str] = &[
    "-machine",
    "dtb-randomness=off",
    "-icount",
    "shift=0,sleep=off",
    "-rtc",
    "base=2025-01-01T00:00:00,clock=vm",
];

/// The QEMU options every run shares.
pub fn options() -> Vec<&'static str> {
    crate::qemu::VIRT.iter().chain(DETERMINISTIC).copied().collect()
}

/// How long one run may take on the host.
const TIMEOUT: Duration = Duration::from_secs(300);

/// Lines that mean a run went wrong.
const BAD_PATTERNS: &[&str] = &[
    "Kernel panic",
    "Internal error:",
    "SBBENCH-FAILED",
    "SBBENCH-CLOCK-FAILED",
    "springboard: error:",
];

/// A console line and when the host read it, counted from QEMU's start.
pub struct Line {
    /// Host time since QEMU started.
    pub at: Duration,
    /// The line without its line ending.
    pub text: String,
}

/// `qemu-system-aarch64 --version`'s first line.
pub fn version() -> Result<String> {
    let output = Command::new("qemu-system-aarch64")
        .arg("--version")
        .output()
        .context("running qemu-system-aarch64 --version")?;
    let text = String::from_utf8_lossy(&output.stdout);
    Ok(text.lines().next().unwrap_or("unknown").trim().to_string())
}

/// Runs QEMU with [`options`] and `args`, writes the console to `transcript`, and returns its
/// lines once QEMU has exited with status 0 and printed no bad pattern.
pub fn run(args: &[String], transcript: &Path) -> Result<Vec<Line>> {
    let options = options();
    let command = format!("qemu-system-aarch64 {} {}", options.join(" "), args.join(" "));
    let mut child = Command::new("qemu-system-aarch64")
        .args(&options)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting qemu-system-aarch64")?;
    let started = Instant::now();
    let stdout = child.stdout.take().context("QEMU's stdout")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).split(b'\n').map_while(Result::ok) {
            let text = String::from_utf8_lossy(&line).trim_end_matches('\r').to_string();
            if tx.send(Line { at: started.elapsed(), text }).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    let mut timed_out = false;
    loop {
        match rx.recv_timeout(TIMEOUT.saturating_sub(started.elapsed())) {
            Ok(line) => lines.push(line),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                timed_out = true;
                // QEMU was started by this function; ending it ends the reader too.
                let _ = child.kill();
                break;
            }
        }
    }
    let output = child.wait_with_output().context("waiting for QEMU")?;
    let mut text: String = lines.iter().map(|l| format!("{}\n", l.text)).collect();
    text.push_str(&format!("\n[xtask bench] {command}\n[xtask bench] exit: {}\n", output.status));
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    std::fs::write(transcript, &text)
        .with_context(|| format!("writing {}", transcript.display()))?;
    let see = || format!("(console in {})", transcript.display());
    if timed_out {
        bail!("QEMU ran longer than {} s {}", TIMEOUT.as_secs(), see());
    }
    if let Some(bad) = lines.iter().find(|l| BAD_PATTERNS.iter().any(|p| l.text.contains(p))) {
        bail!("QEMU's console says `{}` {}", bad.text, see());
    }
    ensure!(output.status.success(), "QEMU exited with {} {}", output.status, see());
    Ok(lines)
}
