//! A QEMU machine, described by its parts and turned into one command line. [`Machine::virt`]
//! is the `virt` machine springboard grew up on; [`crate::boards`] describes every board the
//! tests boot and makes a [`Machine`] for each.
//!
//! ```
//! use springboard_host::Machine;
//! use std::path::Path;
//!
//! let m = Machine::virt("cortex-a57").kernel(Path::new("sb.bin")).initrd(Path::new("b.bundle"));
//! let args = m.args();
//! assert_eq!(args[..4], ["-M", "virt,virtualization=on", "-cpu", "cortex-a57"]);
//! let tail = ["-kernel", "sb.bin", "-initrd", "b.bundle"].map(String::from);
//! assert!(args.ends_with(&tail));
//! ```

use std::path::Path;
use std::process::{Command, Stdio};

/// The QEMU program every host program starts by default.
pub const QEMU: &str = "qemu-system-aarch64";

/// The `-M` value springboard runs under: QEMU `virt` with EL2.
pub const VIRT: &str = "virt,virtualization=on";

/// Where QEMU's human monitor listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Monitor {
    /// No monitor (`-monitor none`).
    None,
    /// A unix socket at this path, listening, QEMU not waiting for a client.
    Socket(String),
}

/// One QEMU machine: the board, the CPU, memory, which serial port is the console on stdio,
/// and what it loads (firmware, kernel, initrd, DTB, command line, raw files).
#[derive(Clone, Debug)]
pub struct Machine {
    /// The QEMU program.
    pub program: String,
    /// `-M`.
    pub machine: String,
    /// `-cpu`, or `None` on boards whose CPUs are fixed (QEMU refuses another).
    pub cpu: Option<String>,
    /// `-accel`, or `None` for QEMU's default.
    pub accel: Option<String>,
    /// `-m`.
    pub memory: String,
    /// `-smp`.
    pub smp: u32,
    /// How many `-serial` options to give: all `null` but the [`Machine::console`]th.
    pub serials: usize,
    /// The index of the `-serial` option that is `stdio` (QEMU numbers a board's UARTs in
    /// its own order; raspi3b's mini UART is the second).
    pub console: usize,
    /// `-monitor`.
    pub monitor: Monitor,
    /// `-no-reboot`: a guest reset ends QEMU instead of restarting the machine.
    pub exit_on_reset: bool,
    /// What to load and any further options, in order.
    pub loads: Vec<String>,
}

impl Machine {
    /// `virt` with EL2, `cpu`, 1 GiB, one CPU, no NIC (its ROM is not installed), no display
    /// or monitor, the first PL011 on stdio, and an exit instead of a reboot.
    pub fn virt(cpu: &str) -> Self {
        Machine {
            program: QEMU.to_string(),
            machine: VIRT.to_string(),
            cpu: Some(cpu.to_string()),
            accel: None,
            memory: "1G".to_string(),
            smp: 1,
            serials: 1,
            console: 0,
            monitor: Monitor::None,
            exit_on_reset: true,
            loads: Vec::new(),
        }
    }

    /// Replaces the QEMU program.
    pub fn program(mut self, program: &str) -> Self {
        self.program = program.to_string();
        self
    }

    /// Replaces `-M` (e.g. `virt,secure=on,virtualization=on` for TF-A).
    pub fn machine(mut self, machine: &str) -> Self {
        self.machine = machine.to_string();
        self
    }

    /// Replaces `-cpu`.
    pub fn cpu(mut self, cpu: &str) -> Self {
        self.cpu = Some(cpu.to_string());
        self
    }

    /// Replaces `-m`.
    pub fn memory(mut self, memory: &str) -> Self {
        self.memory = memory.to_string();
        self
    }

    /// Replaces `-smp`.
    pub fn smp(mut self, cpus: u32) -> Self {
        self.smp = cpus;
        self
    }

    /// The human monitor on a unix socket at `path` (for `system_reset`).
    pub fn monitor_socket(mut self, path: &Path) -> Self {
        self.monitor = Monitor::Socket(path.display().to_string());
        self
    }

    /// Lets a guest reset restart the machine (no `-no-reboot`).
    pub fn reboot_on_reset(mut self) -> Self {
        self.exit_on_reset = false;
        self
    }

    /// Appends raw options.
    pub fn arg<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, args: I) -> Self {
        self.loads.extend(args.into_iter().map(|s| s.as_ref().to_string()));
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

    /// `-append WORDS`.
    pub fn append(self, words: &str) -> Self {
        self.arg(["-append", words])
    }

    /// `-dtb PATH`: QEMU loads this DTB instead of its own, but still rewrites its `/memory`
    /// and, when given `-initrd` or `-append`, the matching `/chosen` properties.
    pub fn dtb(self, path: &Path) -> Self {
        self.arg(["-dtb", &path.display().to_string()])
    }

    /// `-bios PATH`: the flash image the CPU starts in (TF-A's BL1 and FIP).
    pub fn bios(self, path: &Path) -> Self {
        self.arg(["-bios", &path.display().to_string()])
    }

    /// `-device loader,file=PATH,addr=ADDR,force-raw=on`: the file's bytes, as they are, at
    /// physical address `addr` before the CPU starts.
    pub fn load(self, path: &Path, addr: u64) -> Self {
        let device = format!("loader,file={},addr={addr:#x},force-raw=on", path.display());
        self.arg(["-device", &device])
    }

    /// QEMU's arguments (without the program).
    pub fn args(&self) -> Vec<String> {
        let monitor = match &self.monitor {
            Monitor::None => "none".to_string(),
            Monitor::Socket(path) => format!("unix:{path},server=on,wait=off"),
        };
        let mut args: Vec<String> = vec!["-M".into(), self.machine.clone()];
        if let Some(cpu) = &self.cpu {
            args.extend(["-cpu".into(), cpu.clone()]);
        }
        if let Some(accel) = &self.accel {
            args.extend(["-accel".into(), accel.clone()]);
        }
        let smp = self.smp.to_string();
        let rest = ["-m", &self.memory, "-smp", &smp, "-nic", "none", "-display", "none"];
        args.extend(rest.iter().map(|s| s.to_string()));
        args.extend(["-monitor".into(), monitor]);
        for port in 0..self.serials {
            let backend = if port == self.console { "stdio" } else { "null" };
            args.extend(["-serial".into(), backend.into()]);
        }
        if self.exit_on_reset {
            args.push("-no-reboot".to_string());
        }
        args.extend(self.loads.iter().cloned());
        args
    }

    /// The whole command line as a person would type it, for messages.
    pub fn command_line(&self) -> String {
        format!("{} {}", self.program, self.args().join(" "))
    }

    /// The command that starts the machine: no stdin, stdout and stderr piped (for
    /// [`crate::console::Console`]).
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(self.args()).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virt_is_el2_one_cpu_1g_console_on_stdio_and_no_reboot() {
        let args = Machine::virt("cortex-a57").args().join(" ");
        assert_eq!(
            args,
            "-M virt,virtualization=on -cpu cortex-a57 -m 1G -smp 1 -nic none -display none \
             -monitor none -serial stdio -no-reboot"
        );
    }

    #[test]
    fn a_swap_machine_has_a_monitor_socket_and_reboots() {
        let m = Machine::virt("max")
            .smp(2)
            .memory("2G")
            .monitor_socket(Path::new("w/monitor.sock"))
            .reboot_on_reset()
            .kernel(Path::new("sb.bin"))
            .append("springboard.sequence");
        let args = m.args().join(" ");
        assert!(args.contains("-m 2G -smp 2 "), "{args}");
        assert!(args.contains("-monitor unix:w/monitor.sock,server=on,wait=off"), "{args}");
        assert!(!args.contains("-no-reboot"), "{args}");
        assert!(args.ends_with("-kernel sb.bin -append springboard.sequence"), "{args}");
    }

    #[test]
    fn loads_keep_their_order_and_the_loader_device_is_raw_at_its_address() {
        let m = Machine::virt("cortex-a57")
            .machine("virt,secure=on,virtualization=on")
            .bios(Path::new("flash.bin"))
            .load(Path::new("x.dtb"), 0x4800_0000)
            .dtb(Path::new("y.dtb"));
        let args = m.args();
        assert_eq!(args[1], "virt,secure=on,virtualization=on");
        let tail = &args[args.len() - 6..];
        assert_eq!(
            tail,
            [
                "-bios",
                "flash.bin",
                "-device",
                "loader,file=x.dtb,addr=0x48000000,force-raw=on",
                "-dtb",
                "y.dtb"
            ]
        );
        assert!(m.command_line().starts_with("qemu-system-aarch64 -M "));
    }
}
