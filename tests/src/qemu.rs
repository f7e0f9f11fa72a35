//! The tests' face of [`springboard_host`]'s machine and console watcher: a named `virt`
//! machine that panics with the transcript when the run is judged a failure (a bad pattern, a
//! second banner, a missing milestone, a timeout or a non-zero exit status).

use std::path::{Path, PathBuf};
use std::time::Duration;

use springboard_host::{protocol, Machine, Watch};

pub use springboard_host::protocol::BAD_PATTERNS;

/// A QEMU `virt` machine and how its run is judged, built up step by step.
pub struct Qemu {
    machine: Machine,
    watch: Watch,
    name: String,
}

impl Qemu {
    /// `virt` with EL2 (`virtualization=on`), `cpu`, 1 GiB, no NIC, no reboot, console on stdio
    /// ([`Machine::virt`]); its transcript is `<work>/<name>.console.txt`.
    pub fn virt(name: &str, cpu: &str) -> Self {
        Qemu { machine: Machine::virt(cpu), watch: Watch::new(), name: name.to_string() }
    }

    /// Any machine, e.g. one of [`springboard_host::boards`]; its transcript is
    /// `<work>/<name>.console.txt`.
    pub fn on(name: &str, machine: Machine) -> Self {
        Qemu { machine, watch: Watch::new(), name: name.to_string() }
    }

    /// Replaces the `-M` option's value.
    pub fn machine(mut self, machine: &str) -> Self {
        self.machine = self.machine.machine(machine);
        self
    }

    /// Replaces the number of CPUs (1 by default).
    pub fn smp(mut self, cpus: u32) -> Self {
        self.machine = self.machine.smp(cpus);
        self
    }

    /// Appends raw arguments.
    pub fn arg<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, args: I) -> Self {
        self.machine = self.machine.arg(args);
        self
    }

    /// `-kernel PATH`.
    pub fn kernel(mut self, path: &Path) -> Self {
        self.machine = self.machine.kernel(path);
        self
    }

    /// `-initrd PATH`.
    pub fn initrd(mut self, path: &Path) -> Self {
        self.machine = self.machine.initrd(path);
        self
    }

    /// `-dtb PATH` ([`Machine::dtb`]).
    pub fn dtb(mut self, path: &Path) -> Self {
        self.machine = self.machine.dtb(path);
        self
    }

    /// `-device loader,…` ([`Machine::load`]).
    pub fn load(mut self, path: &Path, addr: u64) -> Self {
        self.machine = self.machine.load(path, addr);
        self
    }

    /// Adds run-specific bad patterns (e.g. `Booting Linux` when springboard must refuse).
    pub fn forbid(mut self, patterns: &[&str]) -> Self {
        self.watch = self.watch.forbid(patterns);
        self
    }

    /// Takes default bad patterns out for a run that provokes them on purpose (a kernel that
    /// must panic), and lets QEMU reset the machine instead of exiting (no `-no-reboot`).
    pub fn expect_panic_and_reset(mut self) -> Self {
        self.watch = self.watch.allow(protocol::PANIC_PATTERNS);
        self.machine = self.machine.reboot_on_reset();
        self
    }

    /// How many times springboard's banner may appear (1 unless the run re-enters springboard,
    /// e.g. through kexec); one more ends the run at once as a failure.
    pub fn allow_banners(mut self, banners: usize) -> Self {
        self.watch = self.watch.banners(banners);
        self
    }

    /// How long the whole run may take.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.watch = self.watch.timeout(timeout);
        self
    }

    /// Starts QEMU and watches its console until `milestones` have all appeared in order and
    /// QEMU has exited. Panics with the transcript on a bad pattern, a missing milestone, a
    /// timeout or a non-zero exit status.
    pub fn expect(self, milestones: &[&str], work: &Path) -> Run {
        let transcript = work.join(format!("{}.console.txt", self.name));
        let judged = self
            .watch
            .milestones(milestones)
            .transcript(&transcript)
            .run(&self.machine)
            .unwrap_or_else(|e| panic!("{e} (run `cargo xtask setup`)"));
        let run = Run { lines: judged.texts(), transcript, command: judged.command };
        if let Some(failure) = judged.failure {
            run.fail(&failure.to_string(), &[]);
        }
        run
    }
}

/// What one QEMU run printed.
pub struct Run {
    /// Every console line, in order.
    pub lines: Vec<String>,
    transcript: PathBuf,
    command: String,
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

    /// Panics with the reason, the command line (and `args`, when given) and the end of the
    /// transcript.
    pub fn fail(&self, why: &str, args: &[String]) -> ! {
        let tail: Vec<&str> = self.lines.iter().rev().take(40).rev().map(String::as_str).collect();
        panic!(
            "{why}\n{} {}\n--- last console lines (all in {}) ---\n{}",
            self.command,
            args.join(" "),
            self.transcript.display(),
            tail.join("\n")
        );
    }
}
