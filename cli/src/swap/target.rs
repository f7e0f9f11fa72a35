//! The machine a swap run boots on: a board of `springboard_host::boards` chosen by
//! `--machine`, its DTB (`--dtb`, else the assets manifest's), the `-cpu`, `-smp` and `-m`
//! the flags change, and the level the kernels are entered at (`--handoff`).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::ValueEnum;
use image_formats::cmdline::PREFIX;
use springboard_host::boards::{Board, DtbSource, BOARDS};
use springboard_host::{Machine, Manifest};

/// The values `--machine` takes: the boards of `springboard_host::boards`, each with its line.
pub fn machine_values() -> PossibleValuesParser {
    PossibleValuesParser::new(BOARDS.iter().map(|b| PossibleValue::new(b.name).help(b.summary())))
}

/// The level springboard enters each kernel at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Handoff {
    /// At EL2 through the stub's `HVC_SOFT_RESTART` (springboard's default).
    #[default]
    El2,
    /// At EL1 with the stub resident at EL2 (`springboard.handoff=el1`).
    El1,
}

impl Handoff {
    /// The word each entry's command line gets: `springboard.handoff=el1` for EL1, none for
    /// EL2 (springboard's default; the loader reads it in `loader/src/options.rs`).
    pub fn word(self) -> Option<String> {
        match self {
            Handoff::El2 => None,
            Handoff::El1 => Some(format!("{PREFIX}handoff=el1")),
        }
    }
}

/// What the flags say about the machine; `None` takes the board's value.
pub struct Choice<'a> {
    /// `--machine`.
    pub board: &'a str,
    /// `--dtb`.
    pub dtb: Option<&'a Path>,
    /// `--cpu`.
    pub cpu: Option<&'a str>,
    /// `--smp`.
    pub smp: Option<u32>,
    /// `--memory`.
    pub memory: Option<&'a str>,
    /// `--qemu`.
    pub program: &'a str,
}

/// The chosen board and the machine it makes, before what the run loads.
pub struct Target {
    /// The board description.
    pub board: &'static Board,
    /// The QEMU machine.
    pub machine: Machine,
}

impl Choice<'_> {
    /// The board and its machine. `assets` is read only when the board takes its DTB from the
    /// assets and `--dtb` was not given.
    pub fn resolve(&self, assets: &Path) -> Result<Target> {
        let board = Board::named(self.board)?;
        let dtb = self.dtb(board, assets)?;
        let memory = self.memory.unwrap_or(board.memory[0]);
        let mut machine = board.machine_with_memory(memory, dtb.as_deref())?;
        machine = machine.program(self.program).smp(self.smp.unwrap_or(board.smp));
        match (self.cpu, board.cpu) {
            (Some(cpu), Some(_)) => machine = machine.cpu(cpu),
            (Some(cpu), None) => {
                bail!("--cpu {cpu}: QEMU's {} has fixed CPUs", board.qemu_machine)
            }
            (None, _) => {}
        }
        Ok(Target { board, machine })
    }

    /// `--dtb`, else the manifest's DTB for a board that needs one; a board that runs with
    /// QEMU's own DTB refuses `--dtb` (in [`Board::machine_with_memory`]).
    fn dtb(&self, board: &Board, assets: &Path) -> Result<Option<PathBuf>> {
        if let Some(path) = self.dtb {
            return Ok(Some(path.to_path_buf()));
        }
        if board.dtb == DtbSource::Qemu {
            return Ok(None);
        }
        let hint = || {
            format!(
                "--machine {} needs its DTB: pass --dtb FILE, or run `cargo xtask setup` and \
                 point --assets at its assets folder",
                board.name
            )
        };
        let manifest = Manifest::read(assets).with_context(hint)?;
        let path = board.dtb_from(&manifest).with_context(hint)?.map(Path::to_path_buf);
        if let Some(path) = &path {
            if !path.is_file() {
                return Err(anyhow::anyhow!("{} is missing", path.display()).context(hint()));
            }
        }
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(board: &str) -> Choice<'_> {
        Choice { board, dtb: None, cpu: None, smp: None, memory: None, program: "qemu" }
    }

    #[test]
    fn virt_keeps_the_cpu_given_and_versal_takes_its_own_cpus_and_dtb() {
        let virt = Choice { cpu: Some("max"), smp: Some(2), ..choice("virt") };
        let args = virt.resolve(Path::new("no-assets")).unwrap().machine.args().join(" ");
        assert!(args.starts_with("-M virt,virtualization=on -cpu max -m 1G -smp 2 "), "{args}");
        let versal = choice("versal").resolve(Path::new("no-assets")).unwrap();
        let args = versal.machine.args().join(" ");
        assert!(args.starts_with("-M xlnx-versal-virt -m 2G -smp 4 "), "{args}");
        assert!(!args.contains("-dtb"), "{args}");
    }

    #[test]
    fn a_fixed_cpu_board_refuses_cpu_and_an_unknown_board_lists_the_names() {
        let err =
            Choice { cpu: Some("max"), ..choice("versal") }.resolve(Path::new("x")).err().unwrap();
        assert_eq!(err.to_string(), "--cpu max: QEMU's xlnx-versal-virt has fixed CPUs");
        let err = choice("pi5").resolve(Path::new("x")).err().unwrap().to_string();
        assert!(err.contains("the boards are virt, raspi3b"), "{err}");
    }

    #[test]
    fn a_board_with_an_asset_dtb_takes_dtb_or_says_what_is_missing() {
        let dtb = Path::new("rpi.dtb");
        let given = Choice { dtb: Some(dtb), ..choice("raspi3b") };
        let args = given.resolve(Path::new("x")).unwrap().machine.args().join(" ");
        assert!(args.ends_with("-dtb rpi.dtb"), "{args}");
        let missing = choice("raspi3b").resolve(Path::new("no-such-assets")).err().unwrap();
        let text = format!("{missing:#}");
        assert!(text.starts_with("--machine raspi3b needs its DTB: pass --dtb FILE"), "{text}");
        let refused = Choice { dtb: Some(dtb), ..choice("virt") }.resolve(Path::new("x"));
        assert!(refused.err().unwrap().to_string().contains("runs with QEMU's own DTB"));
    }

    #[test]
    fn a_manifest_without_the_boards_dtb_or_its_file_is_named_in_the_error() {
        let dir = std::env::temp_dir().join(format!("swap-target-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let error = |manifest: &str| {
            std::fs::write(dir.join("manifest.txt"), manifest).unwrap();
            format!("{:#}", choice("zcu102").resolve(&dir).err().expect("an error"))
        };
        let no_line = error("initramfs initramfs.cpio\n");
        let no_file = error("dtb zcu102 dtbs/zcu102.dtb\n");
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            no_line.starts_with("--machine zcu102 needs its DTB: pass --dtb FILE"),
            "{no_line}"
        );
        assert!(no_line.ends_with("has no `dtb zcu102 PATH` line: run `cargo xtask setup`"));
        assert!(no_file.ends_with("dtbs/zcu102.dtb is missing"), "{no_file}");
    }

    #[test]
    fn machine_takes_the_names_of_the_host_boards() {
        use clap::builder::TypedValueParser;
        let parser = machine_values();
        let values = parser.possible_values().expect("a fixed list");
        let names: Vec<String> = values.map(|v| v.get_name().to_string()).collect();
        assert_eq!(names, ["virt", "raspi3b", "versal", "zcu102"]);
    }

    #[test]
    fn el1_puts_springboards_handoff_word_on_the_command_line_and_el2_nothing() {
        assert_eq!(Handoff::El1.word().as_deref(), Some("springboard.handoff=el1"));
        assert_eq!(Handoff::default().word(), None);
    }
}
