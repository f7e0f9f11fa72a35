//! `cargo xtask demo`: set up, build, pack a real Debian kernel and the busybox initramfs into
//! a bundle, and boot it through springboard in QEMU (`virt`, EL2, cortex-a57), showing the
//! console as it happens.

use crate::{build, setup};
use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The lines a good demo must show, in order.
const MILESTONES: &[&str] = &[
    "springboard: handoff: HVC_SOFT_RESTART",
    "CPU: All CPU(s) started at EL2",
    "kvm [1]: Hyp mode initialized successfully",
    "SPRINGBOARD-USERSPACE-OK",
];

/// Runs the demo; fails if the kernel does not reach userspace within two minutes.
pub fn run() -> Result<()> {
    let assets = setup::run()?;
    let built = build::run()?;
    let kernel = assets.kernels.first().context("setup fetched no kernel")?;
    let bundle = assets.dir.join("demo.bundle");
    let status = Command::new(&built.cli)
        .args(["pack", "--kernel"])
        .arg(&kernel.path)
        .arg("--initrd")
        .arg(&assets.initramfs)
        .args(["--cmdline", "console=ttyAMA0 panic=-1", "-o"])
        .arg(&bundle)
        .status()
        .context("running springboard pack")?;
    anyhow::ensure!(status.success(), "springboard pack failed");

    let args = crate::qemu::VIRT;
    println!(
        "\nxtask demo: qemu-system-aarch64 {} -kernel {} -initrd {}\n",
        args.join(" "),
        built.image.display(),
        bundle.display()
    );
    let mut child = Command::new("qemu-system-aarch64")
        .args(args)
        .arg("-kernel")
        .arg(&built.image)
        .arg("-initrd")
        .arg(&bundle)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .context("starting qemu-system-aarch64")?;
    let started = Instant::now();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().context("QEMU stdout")?;
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).split(b'\n').map_while(Result::ok) {
            let _ = tx.send(String::from_utf8_lossy(&line).trim_end_matches('\r').to_string());
        }
    });
    let mut next = 0;
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(120).saturating_sub(started.elapsed()))
    {
        println!("{line}");
        if next < MILESTONES.len() && line.contains(MILESTONES[next]) {
            next += 1;
        }
    }
    let _ = child.kill();
    let status = child.wait()?;
    if next < MILESTONES.len() {
        bail!("the demo did not reach `{}` (QEMU: {status})", MILESTONES[next]);
    }
    println!(
        "\nxtask demo: {} reached userspace at EL2 through springboard in {:.1} s",
        kernel.release,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
