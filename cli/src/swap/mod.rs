//! `springboard swap`: boot several kernels one after the other in one QEMU run, run a test
//! under each, and report a table, JSON and JUnit XML (DESIGN: CI kernel-swap testing).
//!
//! The bundle has one entry per kernel; QEMU starts springboard with `springboard.sequence`,
//! so springboard boots every entry in turn and keeps the bundle resident. Under each kernel
//! the guest agent runs the test, prints `SPRINGBOARD-SWAP-RESULT …` and kexecs the bare
//! springboard image with `springboard.result=pass|fail`; springboard records the result in
//! its state page and boots the next entry. A kernel that panics (`panic=-1`) or that the
//! runner resets after `--timeout` restarts springboard without a report: a failed row. After
//! the last entry springboard prints its verdicts and powers off.

mod args;
mod assemble;
mod events;
mod json;
mod junit;
mod qemu;
mod reason;
mod rows;
mod table;
mod target;

pub use args::SwapArgs;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use events::Event;
use qemu::{Next, SwapMachine};
use rows::{Row, Table};

/// Runs `springboard swap`; the final table goes to `out`, progress to stdout as it happens.
pub fn run(args: &SwapArgs, out: &mut String) -> Result<()> {
    let flags = &args.flags;
    let target = flags.choice().resolve(&flags.assets)?;
    let firmware = read(&flags.firmware)
        .context("springboard's image: run `cargo xtask build`, or pass --firmware")?;
    let guest = read(&assemble::guest_initramfs(&flags.assets)?)?;
    let test = flags.test.as_deref().map(read).transpose()?;
    let extra = flags.initrd.as_deref().map(read).transpose()?;
    let work = Work::new(flags.work.as_deref())?;
    let initrd = work.dir.join("swap-guest.cpio");
    let initramfs = assemble::initramfs(&guest, &firmware, test.as_deref(), extra.as_deref());
    write(&initrd, &initramfs)?;
    let bundle = work.dir.join("swap.bundle");
    let test_seconds = (flags.timeout * 3 / 4).max(1);
    let base = assemble::base_cmdline(target.board, flags.handoff);
    let bytes = assemble::bundle(&args.kernels, &initrd, &base, test_seconds)?;
    write(&bundle, &bytes)?;
    let machine = SwapMachine {
        board: target.machine,
        firmware: &flags.firmware,
        bundle: &bundle,
        monitor: work.dir.join("monitor.sock"),
    };
    progress(&format!(
        "{} kernels on {}, bundle {}: {}",
        args.kernels.len(),
        target.board.name,
        crate::show::size(bytes.len() as u64),
        machine.machine().command_line()
    ));
    let rows = args.kernels.iter().enumerate();
    let rows =
        rows.map(|(i, k)| Row::new(k.path.display().to_string(), assemble::entry_name(i, &k.path)));
    let mut runner = Runner::new(Table::new(rows.collect()), flags.timeout);
    let status = machine.run(|line| runner.watch(line))?;
    let mut table = runner.table;
    let now = runner.start.elapsed();
    if table.finished && status.is_none() {
        progress(&format!(
            "QEMU did not exit within {} s of springboard's verdicts (springboard did not power \
             the machine off): stopped",
            qemu::EXIT_GRACE.as_secs()
        ));
    }
    match status {
        _ if table.finished => table.close(now, "springboard gave no verdict"),
        Some(status) => {
            table.close(now, &format!("QEMU exited ({status}) before the sequence finished"))
        }
        None => table.close(now, "no progress after a machine reset: QEMU was stopped"),
    }
    if let Some(path) = &flags.console {
        write(path, (runner.console.join("\n") + "\n").as_bytes())?;
    }
    if let Some(path) = &flags.json {
        write(path, json::render(&table.rows).as_bytes())?;
    }
    if let Some(path) = &flags.junit {
        write(path, junit::render(&table.rows).as_bytes())?;
    }
    out.push_str(&table::render(&table.rows));
    let failed = table.rows.iter().filter(|r| !r.passed()).count();
    if failed > 0 {
        bail!("{failed} of {} kernels failed", table.rows.len());
    }
    Ok(())
}

/// The console watcher: feeds the table and keeps the per-kernel watchdog.
struct Runner {
    table: Table,
    console: Vec<String>,
    start: Instant,
    timeout: Duration,
    /// The last time springboard started or started an entry.
    watchdog: Instant,
    reset_sent: bool,
}

impl Runner {
    fn new(table: Table, timeout: u64) -> Self {
        let now = Instant::now();
        Runner {
            table,
            console: Vec::new(),
            start: now,
            timeout: Duration::from_secs(timeout),
            watchdog: now,
            reset_sent: false,
        }
    }

    /// One console line, or `None` after a quiet second.
    fn watch(&mut self, line: Option<&str>) -> Next {
        if let Some(line) = line {
            self.console.push(line.to_string());
            self.table.keep_line(line);
            if line.starts_with(springboard_host::console::STDERR_PREFIX) {
                progress(line);
            }
            if let Some(event) = events::parse(line) {
                if matches!(event, Event::Springboard | Event::EntryStart { .. }) {
                    (self.watchdog, self.reset_sent) = (Instant::now(), false);
                }
                if let Some(text) = self.table.apply(event, self.start.elapsed()) {
                    progress(&text);
                }
                if self.table.finished {
                    return Next::Done;
                }
            }
        }
        if self.table.finished || self.watchdog.elapsed() <= self.timeout {
            return Next::Continue;
        }
        let seconds = self.timeout.as_secs();
        if self.reset_sent {
            progress(&format!("no progress {seconds} s after the reset: stopping QEMU"));
            return Next::Abort;
        }
        let text = self.table.timed_out(seconds);
        progress(&text.unwrap_or_else(|| format!("no progress for {seconds} s: machine reset")));
        (self.watchdog, self.reset_sent) = (Instant::now(), true);
        Next::Reset
    }
}

/// The folder for the bundle, the guest initramfs and the monitor socket: `--work DIR`, kept,
/// or a fresh temporary folder removed at the end.
struct Work {
    dir: PathBuf,
    temporary: bool,
}

impl Work {
    fn new(given: Option<&Path>) -> Result<Self> {
        let (dir, temporary) = match given {
            Some(dir) => (dir.to_path_buf(), false),
            None => {
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.subsec_nanos());
                let name = format!("springboard-swap-{}-{nanos:x}", std::process::id());
                (std::env::temp_dir().join(name), true)
            }
        };
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(Work { dir, temporary })
    }
}

impl Drop for Work {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Prints one progress line now (a closed stdout is not an error worth stopping for).
fn progress(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "swap: {text}").and_then(|()| stdout.flush());
}

/// Reads a whole input file, naming it in the error.
fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

/// Writes an output file, naming it in the error.
fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}
