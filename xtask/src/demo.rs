//! `cargo xtask demo`: set up, build, pack a real Debian kernel and the busybox initramfs into
//! a bundle, and boot it through springboard in QEMU (`virt`, EL2, cortex-a57), showing the
//! console as it happens.

use crate::{build, setup};
use anyhow::{bail, Context, Result};
use springboard_host::{protocol, Entry, Pack, Watch};
use std::time::{Duration, Instant};

/// The lines a good demo must show, in order.
const MILESTONES: &[&str] = &[
    "springboard: handoff: HVC_SOFT_RESTART",
    "CPU: All CPU(s) started at EL2",
    "kvm [1]: Hyp mode initialized successfully",
    protocol::USERSPACE_OK,
];

/// Runs the demo; fails if the kernel does not reach userspace within two minutes.
pub fn run() -> Result<()> {
    let assets = setup::run()?;
    let built = build::run()?;
    let kernel = assets.kernels.first().context("setup fetched no kernel")?;
    let bundle = assets.dir.join("demo.bundle");
    let entry =
        Entry::kernel(&kernel.path).initrd(&assets.initramfs).cmdline(protocol::BASE_CMDLINE);
    Pack::new().entry(entry).run(&built.cli, &bundle)?;

    let machine = crate::qemu::virt().kernel(&built.image).initrd(&bundle);
    println!("\nxtask demo: {}\n", machine.command_line());
    let started = Instant::now();
    let watch = Watch::new().milestones(MILESTONES).timeout(Duration::from_secs(120)).echo();
    let judged = watch.run(&machine)?;
    if let Some(failure) = judged.failure {
        bail!("the demo failed: {failure}");
    }
    println!(
        "\nxtask demo: {} reached userspace at EL2 through springboard in {:.1} s",
        kernel.release,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
