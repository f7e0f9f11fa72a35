//! The QEMU machines springboard is tested on, each described once as data: what QEMU needs
//! to start it, which serial port carries the console, where `-kernel` and `-initrd` land,
//! the EL it enters, the kernel's `console=`, and how it powers off. The facts were checked
//! on QEMU 7.2 with Debian's 6.1 generic kernel (`tests/tests/boards_direct.rs` boots each).
//!
//! ```
//! use springboard_host::boards::{Board, RASPI3B};
//! use std::path::Path;
//!
//! let board = Board::named("raspi3b").unwrap();
//! assert_eq!(board, &RASPI3B);
//! let args = board.machine(Some(Path::new("rpi.dtb"))).unwrap().args().join(" ");
//! assert!(args.starts_with("-M raspi3b -accel tcg,thread=single -m 1G -smp 4 "), "{args}");
//! assert!(args.contains("-serial null -serial stdio"), "{args}");
//! ```
//!
//! The addresses below follow one rule QEMU applies on every board (`hw/arm/boot.c`): the
//! image at the first DRAM bank's base + 2 MiB, the initrd at base + 128 MiB (QEMU takes half
//! the RAM if that is less; every board here has 1 GiB or more), the DTB at the first 2 MiB
//! boundary after the initrd, and `x0` = the DTB.

use std::path::Path;

use anyhow::{bail, Result};

use crate::machine::{Machine, Monitor, QEMU};

/// Where a board's DTB comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DtbSource {
    /// QEMU writes it (no `-dtb`).
    Qemu,
    /// A file from Debian's kernel package, prepared by `cargo xtask setup` and listed in the
    /// assets manifest under the board's name (`dtb NAME PATH`).
    Asset,
}

/// How the kernel powers the board off so that QEMU exits with status 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PowerOff {
    /// PSCI `SYSTEM_OFF`, which QEMU (or springboard's stub) serves.
    Psci,
    /// The BCM2835 power-management watchdog (`PM_RSTS` then `PM_RSTC`); Linux drives it
    /// through the module `module`, which the test initramfs carries and loads.
    PmWatchdog {
        /// The kernel module, without `.ko`.
        module: &'static str,
    },
}

/// One QEMU machine, as data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Board {
    /// The name `--machine NAME` / `--board NAME` takes, and the manifest's key for its DTB.
    pub name: &'static str,
    /// `-M`.
    pub qemu_machine: &'static str,
    /// `-cpu`, or `None` where QEMU fixes the board's CPUs.
    pub cpu: Option<&'static str>,
    /// `-accel`, or `None` for QEMU's default.
    pub accel: Option<&'static str>,
    /// `-m` values known to boot; the first is the default.
    pub memory: &'static [&'static str],
    /// `-smp`.
    pub smp: u32,
    /// How many `-serial` options QEMU is given.
    pub serials: usize,
    /// Which of them (from 0) is the UART the DTB's `stdout-path` names, put on stdio.
    pub console_serial: usize,
    /// The kernel's `console=` value for that UART.
    pub kernel_console: &'static str,
    /// Where the DTB comes from.
    pub dtb: DtbSource,
    /// The first DRAM bank's base.
    pub dram_base: u64,
    /// The exception level the image is entered at.
    pub entry_el: u8,
    /// How the kernel powers off.
    pub power_off: PowerOff,
}

/// What every board's kernel command line ends with: a reset at once after a panic (QEMU
/// exits, with `-no-reboot`), as [`crate::protocol::BASE_CMDLINE`] does on `virt`.
const PANIC_WORDS: &str = "panic=-1";
/// QEMU's load offsets from the first bank's base (`hw/arm/boot.c`: the image 2 MiB in, the
/// initrd 128 MiB in, the DTB 2 MiB aligned after the initrd).
const IMAGE_OFFSET: u64 = 2 << 20;
const INITRD_OFFSET: u64 = 128 << 20;
const DTB_ALIGN: u64 = 2 << 20;

/// QEMU `virt` with EL2: PL011 at 0x0900_0000, DRAM at 1 GiB, GICv2, PSCI over `smc`.
pub const VIRT: Board = Board {
    name: "virt",
    qemu_machine: crate::machine::VIRT,
    cpu: Some("cortex-a57"),
    accel: None,
    memory: &["1G", "2G"],
    smp: 1,
    serials: 1,
    console_serial: 0,
    kernel_console: "ttyAMA0",
    dtb: DtbSource::Qemu,
    dram_base: 0x4000_0000,
    entry_el: 2,
    power_off: PowerOff::Psci,
};

/// Raspberry Pi 3 Model B with Debian's `bcm2837-rpi-3-b.dtb`: DRAM at 0 (QEMU's `/memory`
/// is 0..0x3c00_0000 with 1 GiB), no GIC, no PSCI, secondaries on a spin table. The DTB's
/// `stdout-path` is `serial1`, the mini UART, which is QEMU's second `-serial` (the PL011
/// is the first). Four CPUs, 1 GiB exactly; without `thread=single` the spinning
/// secondaries starve the boot CPU.
pub const RASPI3B: Board = Board {
    name: "raspi3b",
    qemu_machine: "raspi3b",
    cpu: None,
    accel: Some("tcg,thread=single"),
    memory: &["1G"],
    smp: 4,
    serials: 2,
    console_serial: 1,
    kernel_console: "ttyS1,115200",
    dtb: DtbSource::Asset,
    dram_base: 0,
    entry_el: 2,
    power_off: PowerOff::PmWatchdog { module: "bcm2835_wdt" },
};

/// Xilinx Versal virt with QEMU's DTB: DRAM at 0 and, above 2 GiB, at 0x8_0000_0000; PL011
/// at 0xff00_0000 (`stdout-path` is its node's path); GICv3; PSCI over `smc`. `-smp 4` is
/// what QEMU insists on: two A72s (which Linux runs on) and two R5s.
pub const VERSAL: Board = Board {
    name: "versal",
    qemu_machine: "xlnx-versal-virt",
    cpu: None,
    accel: None,
    memory: &["2G", "4G"],
    smp: 4,
    serials: 2,
    console_serial: 0,
    kernel_console: "ttyAMA0",
    dtb: DtbSource::Qemu,
    dram_base: 0,
    entry_el: 2,
    power_off: PowerOff::Psci,
};

/// Xilinx ZCU102 (ZynqMP) with EL2 and Debian's `zynqmp-zcu102-rev1.0.dtb`, patched so its
/// Cadence UART probes without the ZynqMP firmware: DRAM at 0, Cadence UART0 at 0xff00_0000
/// (`serial0`), GIC-400, PSCI over `smc`, four A53s. More than 2 GiB makes QEMU write a
/// wrong memory node.
pub const ZCU102: Board = Board {
    name: "zcu102",
    qemu_machine: "xlnx-zcu102,virtualization=on",
    cpu: None,
    accel: None,
    memory: &["2G", "1G"],
    smp: 4,
    serials: 1,
    console_serial: 0,
    kernel_console: "ttyPS0,115200",
    dtb: DtbSource::Asset,
    dram_base: 0,
    entry_el: 2,
    power_off: PowerOff::Psci,
};

/// Every board, `virt` first.
pub const BOARDS: &[Board] = &[VIRT, RASPI3B, VERSAL, ZCU102];

impl Board {
    /// The board called `name`; the error lists the names there are.
    pub fn named(name: &str) -> Result<&'static Board> {
        match BOARDS.iter().find(|b| b.name == name) {
            Some(board) => Ok(board),
            None => {
                let names: Vec<&str> = BOARDS.iter().map(|b| b.name).collect();
                bail!("no board `{name}`: the boards are {}", names.join(", "))
            }
        }
    }

    /// The machine with its default memory, loading `dtb` when the board takes its DTB from
    /// the assets (which it then needs).
    pub fn machine(&self, dtb: Option<&Path>) -> Result<Machine> {
        self.machine_with_memory(self.memory[0], dtb)
    }

    /// The machine with `-m memory`, which must be one of [`Board::memory`].
    pub fn machine_with_memory(&self, memory: &str, dtb: Option<&Path>) -> Result<Machine> {
        if !self.memory.contains(&memory) {
            bail!("{}: -m {memory} is not one of {}", self.name, self.memory.join(", "));
        }
        let mut machine = Machine {
            program: QEMU.to_string(),
            machine: self.qemu_machine.to_string(),
            cpu: self.cpu.map(str::to_string),
            accel: self.accel.map(str::to_string),
            memory: memory.to_string(),
            smp: self.smp,
            serials: self.serials,
            console: self.console_serial,
            monitor: Monitor::None,
            exit_on_reset: true,
            loads: Vec::new(),
        };
        match (self.dtb, dtb) {
            (DtbSource::Asset, Some(path)) => machine = machine.dtb(path),
            (DtbSource::Asset, None) => {
                bail!("{} needs its DTB from the assets (`dtb {0} PATH`)", self.name)
            }
            (DtbSource::Qemu, Some(path)) => {
                bail!("{} runs with QEMU's own DTB, not {}", self.name, path.display())
            }
            (DtbSource::Qemu, None) => {}
        }
        Ok(machine)
    }

    /// The DTB this board boots with: `None` for QEMU's own, else the manifest's file.
    pub fn dtb_from<'a>(&self, manifest: &'a crate::Manifest) -> Result<Option<&'a Path>> {
        match self.dtb {
            DtbSource::Qemu => Ok(None),
            DtbSource::Asset => manifest.dtb(self.name).map(Some),
        }
    }

    /// The board in one line, for `--help`: `-M`, the default memory, CPUs, the kernel's
    /// console and where the DTB comes from.
    pub fn summary(&self) -> String {
        let dtb = match self.dtb {
            DtbSource::Qemu => "QEMU's DTB",
            DtbSource::Asset => "the DTB from Debian's kernel package",
        };
        format!(
            "-M {}, -m {}, {} CPU(s), console={}, {dtb}",
            self.qemu_machine, self.memory[0], self.smp, self.kernel_console
        )
    }

    /// The kernel command line a test kernel boots with on this board: its console and a
    /// reset after a panic.
    pub fn cmdline(&self) -> String {
        format!("console={} {PANIC_WORDS}", self.kernel_console)
    }

    /// Where QEMU's `-kernel` puts an arm64 `Image` (whose header has a non-zero
    /// `image_size` and `text_offset` 0): 2 MiB into the first bank.
    pub fn image_at(&self) -> u64 {
        self.dram_base + IMAGE_OFFSET
    }

    /// Where QEMU's `-initrd` puts the initrd.
    pub fn initrd_at(&self) -> u64 {
        self.dram_base + INITRD_OFFSET
    }

    /// Where QEMU puts the DTB (and so `x0` at entry) after an initrd of `initrd_size` bytes.
    pub fn dtb_at(&self, initrd_size: u64) -> u64 {
        (self.initrd_at() + initrd_size).next_multiple_of(DTB_ALIGN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virt_makes_the_same_command_line_as_machine_virt() {
        let board = VIRT.machine(None).unwrap().args();
        assert_eq!(board, Machine::virt("cortex-a57").args());
        assert_eq!(VIRT.cmdline(), crate::protocol::BASE_CMDLINE);
    }

    #[test]
    fn raspi3b_has_no_cpu_option_and_its_console_on_the_second_serial() {
        let args = RASPI3B.machine(Some(Path::new("rpi.dtb"))).unwrap().args().join(" ");
        assert_eq!(
            args,
            "-M raspi3b -accel tcg,thread=single -m 1G -smp 4 -nic none -display none \
             -monitor none -serial null -serial stdio -no-reboot -dtb rpi.dtb"
        );
        assert_eq!(RASPI3B.cmdline(), "console=ttyS1,115200 panic=-1");
        assert_eq!(
            RASPI3B.summary(),
            "-M raspi3b, -m 1G, 4 CPU(s), console=ttyS1,115200, the DTB from Debian's kernel \
             package"
        );
    }

    #[test]
    fn versal_takes_2g_or_4g_and_puts_its_second_uart_on_null() {
        let args = VERSAL.machine_with_memory("4G", None).unwrap().args().join(" ");
        assert!(args.starts_with("-M xlnx-versal-virt -m 4G -smp 4 "), "{args}");
        assert!(args.contains("-serial stdio -serial null"), "{args}");
        let err = VERSAL.machine_with_memory("8G", None).unwrap_err().to_string();
        assert_eq!(err, "versal: -m 8G is not one of 2G, 4G");
    }

    #[test]
    fn a_board_with_an_asset_dtb_refuses_to_start_without_it() {
        let err = ZCU102.machine(None).unwrap_err().to_string();
        assert_eq!(err, "zcu102 needs its DTB from the assets (`dtb zcu102 PATH`)");
        let err = VERSAL.machine(Some(Path::new("x.dtb"))).unwrap_err().to_string();
        assert_eq!(err, "versal runs with QEMU's own DTB, not x.dtb");
    }

    #[test]
    fn names_are_unique_and_an_unknown_one_lists_them() {
        for (i, board) in BOARDS.iter().enumerate() {
            assert_eq!(Board::named(board.name).unwrap(), &BOARDS[i]);
        }
        let err = Board::named("pi4").unwrap_err().to_string();
        assert_eq!(err, "no board `pi4`: the boards are virt, raspi3b, versal, zcu102");
    }

    #[test]
    fn qemu_places_image_initrd_and_dtb_by_the_first_bank() {
        // Seen in QEMU 7.2's `-d cpu` log at the image's first instruction, with a 1,848,392
        // byte initrd: PC and x0 on raspi3b, versal and zcu102; and on virt.
        assert_eq!(RASPI3B.image_at(), 0x20_0000);
        assert_eq!(RASPI3B.initrd_at(), 0x800_0000);
        assert_eq!(RASPI3B.dtb_at(1_848_392), 0x820_0000);
        assert_eq!(VIRT.image_at(), 0x4020_0000);
        assert_eq!(VIRT.dtb_at(1_848_392), 0x4820_0000);
        assert_eq!(VIRT.dtb_at(2 << 20), 0x4820_0000);
    }
}
