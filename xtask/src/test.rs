//! `cargo xtask test`: everything, in the order a failure is cheapest to find: set-up,
//! formatting, clippy (host and firmware, warnings denied), host tests, the firmware build,
//! then the QEMU tests against real kernels.

use crate::build::{self, cargo, TARGET};
use crate::setup;
use anyhow::Result;
use std::process::Command;

fn step(name: &str) {
    println!("\n==> xtask test: {name}");
}

/// Runs every check; the first failure stops the run with its command.
pub fn run(qemu_filter: Option<&str>) -> Result<()> {
    step("setup");
    let assets = setup::run()?;
    crate::tfa::ensure(&assets.dir)?;
    step("formatting (cargo fmt --check)");
    cargo(&["fmt", "--all", "--check"])?;
    step("clippy, host crates");
    cargo(&[
        "clippy",
        "--quiet",
        "--workspace",
        "--exclude",
        "loader",
        "--exclude",
        "stub-conformance",
        "--exclude",
        "bench-clock",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])?;
    step("clippy, firmware");
    cargo(&[
        "clippy",
        "--quiet",
        "--release",
        "-p",
        "loader",
        "-p",
        "stub",
        "-p",
        "stub-conformance",
        "-p",
        "bench-clock",
        "--target",
        TARGET,
        "--",
        "-D",
        "warnings",
    ])?;
    step("host tests");
    let firmware_and_qemu = ["loader", "stub-conformance", "bench-clock", "qemu-tests"];
    let mut args = vec!["test", "--workspace"];
    for krate in firmware_and_qemu {
        args.extend(["--exclude", krate]);
    }
    cargo(&args)?;
    step("fuzz targets against the committed corpus");
    crate::fuzz::check_corpus()?;
    step("firmware and CLI build");
    let built = build::run()?;
    step("QEMU tests (real kernels, real QEMU)");
    let root = crate::root();
    let mut args = vec!["test", "--release", "-p", "qemu-tests", "--"];
    if let Some(filter) = qemu_filter {
        args.push(filter);
    }
    args.extend(["--test-threads", "2"]);
    let cargo_bin = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo_bin)
        .args(&args)
        .current_dir(&root)
        .env("SPRINGBOARD_ASSETS", &assets.dir)
        .env("SPRINGBOARD_IMAGE", &built.image)
        .env("SPRINGBOARD_CLI", &built.cli)
        .env("SPRINGBOARD_PAYLOAD", &built.payload)
        .env("SPRINGBOARD_TEST_WORK", root.join("target/qemu-tests"))
        .status()?;
    anyhow::ensure!(
        status.success(),
        "QEMU tests failed (console transcripts in target/qemu-tests/)"
    );
    println!("\nxtask test: all checks passed");
    Ok(())
}
