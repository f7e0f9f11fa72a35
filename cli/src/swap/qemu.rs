//! Runs QEMU once for the whole sequence: reads its console line by line, hands each line to
//! the caller, and resets the machine through QEMU's monitor when a kernel runs too long.
//!
//! The machine is the board `--machine` names (`virt` with EL2 by default) without
//! `-no-reboot`, so a kernel that panics (`panic=-1`) or is reset restarts springboard with RAM
//! kept (QEMU loads springboard, the bundle and the DTB again; RAM is not cleared), and
//! springboard's state page marks that kernel failed. The monitor listens on a unix socket in the work
//! folder; `system_reset` is its HMP command.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use springboard_host::console::{self, Console};
use springboard_host::Machine;

/// How long QEMU may take to exit after springboard's last line (it powers off at once).
pub const EXIT_GRACE: Duration = Duration::from_secs(20);

/// What springboard is told on its command line: boot every entry in turn.
const SEQUENCE: &str = "springboard.sequence";

/// The QEMU machine of a swap run.
pub struct SwapMachine<'a> {
    /// The board's machine (program, `-M`, `-cpu`, `-smp`, `-m`, serial ports, DTB).
    pub board: Machine,
    /// springboard's image (`-kernel`).
    pub firmware: &'a Path,
    /// The bundle (`-initrd`).
    pub bundle: &'a Path,
    /// The monitor's socket.
    pub monitor: PathBuf,
}

/// What the caller wants after a line or a quiet period.
pub enum Next {
    /// Keep reading.
    Continue,
    /// Reset the machine (a kernel ran past its time).
    Reset,
    /// The sequence is over: wait for QEMU to exit.
    Done,
    /// Give up: kill QEMU.
    Abort,
}

impl SwapMachine<'_> {
    /// The machine: the board's, the monitor on its socket, and a reset that restarts
    /// springboard instead of ending QEMU.
    pub fn machine(&self) -> Machine {
        self.board
            .clone()
            .monitor_socket(&self.monitor)
            .reboot_on_reset()
            .kernel(self.firmware)
            .initrd(self.bundle)
            .append(SEQUENCE)
    }

    /// Runs QEMU. `watch` gets every console line (QEMU's own stderr lines prefixed with
    /// [`console::STDERR_PREFIX`]), and `None` after each quiet second. Returns QEMU's exit
    /// status, or `None` when it was killed.
    pub fn run(&self, mut watch: impl FnMut(Option<&str>) -> Next) -> Result<Option<ExitStatus>> {
        let _ = std::fs::remove_file(&self.monitor);
        let mut child = self.machine().command().spawn().with_context(|| {
            format!("starting {} (install qemu-system-arm)", self.board.program)
        })?;
        let lines = Console::start(&mut child);
        let mut done_at: Option<Instant> = None;
        loop {
            if done_at.is_some_and(|t| t.elapsed() > EXIT_GRACE) {
                return kill(&mut child);
            }
            let next = match lines.next(Duration::from_secs(1)) {
                console::Next::Line(line) => watch(Some(&line.text)),
                console::Next::Quiet => watch(None),
                console::Next::Closed => break,
            };
            match next {
                Next::Continue => {}
                Next::Reset => reset(&self.monitor)?,
                Next::Done => {
                    done_at.get_or_insert_with(Instant::now);
                }
                Next::Abort => return kill(&mut child),
            }
        }
        Ok(Some(child.wait().context("waiting for QEMU")?))
    }
}

/// Kills QEMU and reaps it.
fn kill(child: &mut Child) -> Result<Option<ExitStatus>> {
    let _ = child.kill();
    child.wait().context("waiting for the killed QEMU")?;
    Ok(None)
}

/// Sends `system_reset` to QEMU's human monitor and waits for its next prompt.
fn reset(monitor: &Path) -> Result<()> {
    let mut stream = UnixStream::connect(monitor)
        .with_context(|| format!("connecting to QEMU's monitor {}", monitor.display()))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.write_all(b"system_reset\n").context("writing system_reset to QEMU's monitor")?;
    // The monitor answers with its banner and a prompt, then echoes the command and prompts
    // again once it ran; reading until the second prompt (or the timeout) lets it finish.
    let mut seen = Vec::new();
    let mut buf = [0; 512];
    while seen.windows(6).filter(|w| w == b"(qemu)").count() < 2 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
        }
    }
    Ok(())
}
