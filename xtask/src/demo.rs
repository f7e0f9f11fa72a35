//! `cargo xtask demo [--board NAME]`: set up, build, pack a real Debian kernel and the busybox
//! initramfs into a bundle, and boot it through springboard in QEMU on one of the boards of
//! `springboard_host::boards` (`virt` by default), showing the console as it happens.
//!
//! The board description gives everything: QEMU's machine and the serial port its DTB's
//! `stdout-path` names, the DTB (QEMU's own, or the one setup took from Debian's kernel
//! package), and the kernel's `console=`. springboard reads the rest from the DTB.

use crate::{build, setup};
use anyhow::{bail, Context, Result};
use clap::builder::{PossibleValue, PossibleValuesParser};
use springboard_host::boards::{Board, BOARDS};
use springboard_host::{protocol, Entry, Pack, Watch};
use std::time::{Duration, Instant};

/// The lines a good demo must show, in order, on every board.
const MILESTONES: &[&str] = &[
    "springboard: handoff: HVC_SOFT_RESTART",
    "CPU: All CPU(s) started at EL2",
    "kvm [1]: Hyp mode initialized successfully",
    protocol::USERSPACE_OK,
];

/// The values `--board` takes, from `springboard_host::boards`, each with a line on what
/// QEMU is given (`--help` lists them).
pub fn board_values() -> PossibleValuesParser {
    PossibleValuesParser::new(BOARDS.iter().map(|b| PossibleValue::new(b.name).help(b.summary())))
}

/// Runs the demo on the board `name`; fails if the kernel does not reach userspace within
/// three minutes, or QEMU does not exit cleanly after it powers off.
pub fn run(name: &str) -> Result<()> {
    let board = Board::named(name)?;
    let assets = setup::run()?;
    let built = build::run()?;
    let kernel = assets.kernels.first().context("setup fetched no kernel")?;
    let bundle = assets.dir.join(format!("demo-{}.bundle", board.name));
    let entry = Entry::kernel(&kernel.path).initrd(&assets.initramfs).cmdline(&board.cmdline());
    Pack::new().entry(entry).run(&built.cli, &bundle)?;

    let manifest = assets.manifest();
    let machine = board.machine(board.dtb_from(&manifest)?)?.kernel(&built.image).initrd(&bundle);
    println!("\nxtask demo: {}\n", machine.command_line());
    let started = Instant::now();
    let watch = Watch::new().milestones(MILESTONES).timeout(Duration::from_secs(180)).echo();
    let judged = watch.run(&machine)?;
    if let Some(failure) = judged.failure {
        bail!("the demo on {} failed: {failure}", board.name);
    }
    println!(
        "\nxtask demo: {} reached userspace at EL2 through springboard on {} in {:.1} s",
        kernel.release,
        board.name,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::builder::TypedValueParser;

    #[test]
    fn board_values_are_the_host_boards_each_with_its_machine() {
        let values: Vec<PossibleValue> =
            board_values().possible_values().expect("a fixed list").collect();
        let names: Vec<&str> = values.iter().map(PossibleValue::get_name).collect();
        assert_eq!(names, ["virt", "raspi3b", "versal", "zcu102"]);
        let raspi = values[1].get_help().expect("a help line").to_string();
        assert_eq!(raspi, springboard_host::boards::RASPI3B.summary());
    }
}
