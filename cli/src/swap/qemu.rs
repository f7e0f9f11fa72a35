//! Runs QEMU once for the whole sequence: reads its console line by line, hands each line to
//! the caller, and resets the machine through QEMU's monitor when a kernel runs too long.
//!
//! The machine is `virt` with EL2 (`virtualization=on`) and no `-no-reboot`, so a kernel
//! that panics (`panic=-1`) or is reset restarts springboard with RAM kept, and springboard's
//! state page marks that kernel failed. The monitor listens on a unix socket in the work
//! folder; `system_reset` is its HMP command.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// How long QEMU may take to exit after springboard's last line (it powers off at once).
const EXIT_GRACE: Duration = Duration::from_secs(20);

/// The QEMU machine of a swap run.
pub struct Machine<'a> {
    /// The QEMU program.
    pub program: &'a str,
    /// `-cpu`.
    pub cpu: &'a str,
    /// `-smp`.
    pub smp: u32,
    /// `-m`.
    pub memory: &'a str,
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

impl Machine<'_> {
    /// QEMU's arguments.
    pub fn args(&self) -> Vec<String> {
        let monitor = format!("unix:{},server=on,wait=off", self.monitor.display());
        let args = [
            "-M",
            "virt,virtualization=on",
            "-cpu",
            self.cpu,
            "-m",
            self.memory,
            "-smp",
            &self.smp.to_string(),
            "-nic",
            "none",
            "-display",
            "none",
            "-serial",
            "stdio",
            "-monitor",
            &monitor,
            "-kernel",
            &self.firmware.display().to_string(),
            "-initrd",
            &self.bundle.display().to_string(),
            "-append",
            "springboard.sequence",
        ];
        args.iter().map(|s| s.to_string()).collect()
    }

    /// Runs QEMU. `watch` gets every console line (QEMU's own stderr lines prefixed with
    /// `[qemu] `), and `None` after each quiet second. Returns QEMU's exit status, or `None`
    /// when it was killed.
    pub fn run(&self, mut watch: impl FnMut(Option<&str>) -> Next) -> Result<Option<ExitStatus>> {
        let _ = std::fs::remove_file(&self.monitor);
        let mut child = Command::new(self.program)
            .args(self.args())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {} (install qemu-system-arm)", self.program))?;
        let lines = spawn_readers(&mut child);
        let mut done_at: Option<Instant> = None;
        loop {
            if done_at.is_some_and(|t| t.elapsed() > EXIT_GRACE) {
                return kill(&mut child);
            }
            let next = match lines.recv_timeout(Duration::from_secs(1)) {
                Ok(line) => watch(Some(&line)),
                Err(mpsc::RecvTimeoutError::Timeout) => watch(None),
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
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

/// Reads QEMU's stdout (the console) and stderr into one channel of lines.
fn spawn_readers(child: &mut Child) -> mpsc::Receiver<String> {
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
            if tx2.send(format!("[qemu] {line}")).is_err() {
                break;
            }
        }
    });
    rx
}
