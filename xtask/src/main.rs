//! `cargo xtask` — the one entry point that builds springboard's firmware, prepares the test
//! assets, runs the tests and the demo.

mod bench;
mod build;
mod demo;
mod fuzz;
mod qemu;
mod setup;
mod test;
mod tfa;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

#[derive(Parser)]
#[command(about = "springboard's build, test and demo tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Install what is missing (Debian packages, the aarch64-unknown-none target) and fetch the
    /// test assets (real Debian arm64 kernels, a busybox initramfs) into target/assets.
    Setup {
        /// Also build TF-A for QEMU virt from Debian's source into target/assets/tfa (the
        /// TF-A test needs it; `cargo xtask test` builds it once by itself).
        #[arg(long)]
        tfa: bool,
    },
    /// Build the firmware image (target/springboard/springboard.bin) and the host CLI
    /// (target/release/springboard).
    Build,
    /// Everything: formatting, clippy (host and firmware), host tests, the firmware build and
    /// the QEMU tests that boot real kernels. Sets up what is missing first.
    Test {
        /// Run only the QEMU tests whose name contains this.
        #[arg(long)]
        qemu_filter: Option<String>,
    },
    /// Boot a real Debian kernel through springboard in QEMU and show the console.
    Demo {
        /// The QEMU machine, one of the boards springboard is tested on.
        #[arg(long, default_value = "virt", value_parser = demo::board_values())]
        board: String,
    },
    /// Measure one kernel swap through springboard against a plain kexec and a cold QEMU
    /// start, in guest counter ticks under `-icount` (a benchmark, not part of `test`);
    /// prints the ratios and writes target/bench/swap.json.
    Bench {
        /// How many times to run each scenario (the counts should repeat exactly).
        #[arg(long, default_value_t = 2)]
        runs: usize,
    },
    /// Run the cargo-fuzz (libFuzzer) targets of fuzz/ — every one, or TARGET — for
    /// `--seconds` each, into a scratch corpus under target/fuzz seeded from fuzz/corpus;
    /// fails if one crashes and says where the crashing input is. Installs cargo-fuzz if
    /// missing.
    Fuzz {
        /// How long to fuzz each target.
        #[arg(long, default_value_t = 60)]
        seconds: u32,
        /// Only this target (a file name in fuzz/fuzz_targets/, without `.rs`).
        target: Option<String>,
    },
}

/// The workspace root (the folder above `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn main() -> Result<()> {
    match Cli::parse().task {
        Task::Setup { tfa } => {
            let assets = setup::run()?;
            if tfa {
                tfa::ensure(&assets.dir)?;
            }
            Ok(())
        }
        Task::Build => build::run().map(|_| ()),
        Task::Test { qemu_filter } => test::run(qemu_filter.as_deref()),
        Task::Demo { board } => demo::run(&board),
        Task::Bench { runs } => bench::run(runs),
        Task::Fuzz { seconds, target } => fuzz::run(seconds, target.as_deref()),
    }
}
