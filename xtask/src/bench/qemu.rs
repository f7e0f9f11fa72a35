//! One benchmark run of QEMU: deterministic virtual time (`-icount shift=0,sleep=off`, a
//! fixed RTC in virtual time, no random DTB nodes), watched by springboard_host's console
//! watcher: every line with the host time it arrived, bad patterns, a timeout, a transcript,
//! and the exit status checked.

use anyhow::{bail, Context, Result};
use springboard_host::{Machine, Watch};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

pub use springboard_host::Line;

/// What makes a run repeatable, on top of [`crate::qemu::virt`]: `-icount shift=0,sleep=off`
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

/// The machine every run shares, before what it loads.
pub fn machine() -> Machine {
    crate::qemu::virt().arg(DETERMINISTIC)
}

/// How long one run may take on the host.
const TIMEOUT: Duration = Duration::from_secs(300);

/// Lines that mean a run went wrong, on top of springboard_host's: the guest's failures and
/// any error springboard reports.
const BAD_PATTERNS: &[&str] = &["SBBENCH-FAILED", "SBBENCH-CLOCK-FAILED", "springboard: error:"];

/// `qemu-system-aarch64 --version`'s first line.
pub fn version() -> Result<String> {
    let program = machine().program;
    let output = Command::new(&program)
        .arg("--version")
        .output()
        .with_context(|| format!("running {program} --version"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    Ok(text.lines().next().unwrap_or("unknown").trim().to_string())
}

/// Runs `machine`, writes the console to `transcript`, and returns its lines once QEMU has
/// exited with status 0 and printed no bad pattern.
pub fn run(machine: &Machine, transcript: &Path) -> Result<Vec<Line>> {
    let watch = Watch::new().forbid(BAD_PATTERNS).timeout(TIMEOUT).transcript(transcript);
    let judged = watch.run(machine)?;
    if let Some(failure) = judged.failure {
        bail!("{failure} (console in {})", transcript.display());
    }
    Ok(judged.lines)
}
