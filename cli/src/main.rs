//! `springboard`: the host tool of the springboard boot loader.
//!
//! `pack` builds a bundle (what the firmware boots) from a kernel, an initrd, a DTB and a
//! command line; `inspect` tells what a file is — an arm64 `Image`, a DTB, a bundle or a gzip
//! file — and prints its headers and tables; `swap` boots several kernels one after the other
//! in one QEMU run, tests each, and reports a table, JSON and JUnit XML.

mod detect;
mod gzip;
mod inspect;
mod kernel;
mod pack;
mod show;
mod swap;

use std::io::{ErrorKind, Write as _};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The springboard host tool: build and inspect what the springboard boot loader boots.
#[derive(Debug, Parser)]
#[command(
    name = "springboard",
    version,
    about,
    after_help = "\
Examples:
  springboard pack --kernel Image --initrd initrd.img --cmdline 'console=ttyAMA0' -o boot.bundle
  springboard inspect boot.bundle
  springboard inspect /boot/vmlinuz-6.12.0-arm64
  springboard swap --kernel vmlinuz-6.1 --kernel vmlinuz-6.12 --test check.sh --junit out.xml"
)]
struct Cli {
    /// What to do.
    #[command(subcommand)]
    command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Pack kernels (with optional initrd, DTB and command line) into a bundle of boot entries.
    Pack(pack::PackArgs),
    /// Tell what a file is (arm64 Image, DTB, bundle, gzip) and print its headers and tables.
    Inspect(inspect::InspectArgs),
    /// Boot several kernels in turn in one QEMU run through springboard, run a test script
    /// under each, and report the results (table, JSON, JUnit XML).
    Swap(swap::SwapArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Reports are built in memory and written at once, so a closed pipe (`| head`) ends the
    // output quietly instead of panicking inside `println!`.
    let mut report = String::new();
    let result = match cli.command {
        Command::Pack(args) => pack::run(&args, &mut report),
        Command::Inspect(args) => inspect::run(&args, &mut report),
        Command::Swap(args) => swap::run(&args, &mut report),
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(report.as_bytes()).and_then(|()| stdout.flush()) {
        Err(err) if err.kind() != ErrorKind::BrokenPipe => {
            eprintln!("springboard: error: writing to stdout: {err}");
            return ExitCode::FAILURE;
        }
        _ => {}
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("springboard: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
