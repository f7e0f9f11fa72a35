//! `cargo xtask bench`: what one kernel swap through springboard costs, against a plain kexec
//! from A to B and against starting QEMU afresh with B — a benchmark, not a test.
//!
//! Every figure is read inside the guest from the generic timer's virtual count
//! (`CNTVCT_EL0`) by the bench clock (`bench/clock`). Under `-icount shift=0,sleep=off` that
//! counter advances with executed instructions (one tick per 16 at QEMU 7.2's 62.5 MHz), the
//! same on every run, and kexec and springboard never reset it. The scenarios:
//!
//! - `springboard-swap`: kernel A's `/init` reads the clock, `kexec`s springboard with B's
//!   bundle; B's `/init` (the clock itself) reads it at B's first userspace instruction.
//! - `plain-kexec`: the same, but A `kexec`s B's `Image` and initramfs directly.
//! - `cold-springboard`: a fresh QEMU starts springboard with B's bundle; the count at B's
//!   `/init` is the cost (the counter starts at 0 with QEMU).
//! - `cold-direct`: a fresh QEMU starts B with `-kernel`, no springboard.
//! - `springboard-only`: springboard's own share: a fresh QEMU starts springboard with a
//!   bundle whose kernel is the kernel-entry probe padded to B's size; the probe reads the
//!   counter at its first instruction.
//!
//! Each scenario runs `runs` times; the table shows every run, so a spread is visible.

mod guest;
mod measure;
mod qemu;
mod report;

use crate::build::{self, TARGET};
use crate::setup;
use anyhow::{ensure, Context, Result};
use measure::Expect;
use report::{Ratio, Report, Row};
use springboard_host::Machine;
use std::path::{Path, PathBuf};

/// How a scenario starts QEMU and reaches its last clock reading.
#[derive(Clone, Copy)]
enum Boot {
    /// Kernel A kexecs springboard with B's bundle.
    Swap,
    /// Kernel A kexecs B directly.
    Kexec,
    /// QEMU starts springboard with B's bundle.
    ColdSpringboard,
    /// QEMU starts B with `-kernel`.
    ColdDirect,
    /// QEMU starts springboard with the kernel-entry probe in B's place.
    SpringboardOnly,
}

/// One way from the starting point to the last clock reading.
struct Scenario {
    name: &'static str,
    what: &'static str,
    boot: Boot,
}

/// Kernel A's readings (`a-start`, `a-loaded`), then B's `/init`.
const FROM_A: &[&str] = &["a-start", "a-loaded", "init"];

const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "springboard-swap",
        what: "A's userspace: kexec -l springboard.bin --initrd B.bundle; kexec -e; to B's /init",
        boot: Boot::Swap,
    },
    Scenario {
        name: "plain-kexec",
        what: "A's userspace: kexec -l B --initrd B-initramfs; kexec -e; to B's /init",
        boot: Boot::Kexec,
    },
    Scenario {
        name: "cold-springboard",
        what: "fresh QEMU: -kernel springboard.bin -initrd B.bundle, to B's /init",
        boot: Boot::ColdSpringboard,
    },
    Scenario {
        name: "cold-direct",
        what: "fresh QEMU: -kernel B -initrd B-initramfs, to B's /init",
        boot: Boot::ColdDirect,
    },
    Scenario {
        name: "springboard-only",
        what: "fresh QEMU: springboard with a probe of B's size in B's place, to the probe's entry",
        boot: Boot::SpringboardOnly,
    },
];

impl Scenario {
    /// What its console must show.
    fn expect<'a>(&self, b_linux: &'a str) -> Expect<'a> {
        let (labels, boots): (&[&str], _) = match self.boot {
            Boot::Swap | Boot::Kexec => (FROM_A, Some(b_linux)),
            Boot::ColdSpringboard | Boot::ColdDirect => (&["init"], Some(b_linux)),
            Boot::SpringboardOnly => (&["kernel-entry"], None),
        };
        let through_springboard = !matches!(self.boot, Boot::Kexec | Boot::ColdDirect);
        Expect { labels, through_springboard, boots }
    }
}

/// The ratios the benchmark reports.
const RATIOS: &[Ratio] = &[
    Ratio { key: "swap_over_plain_kexec", over: "springboard-swap", under: "plain-kexec" },
    Ratio { key: "swap_over_cold_restart", over: "springboard-swap", under: "cold-springboard" },
    Ratio { key: "swap_over_cold_direct", over: "springboard-swap", under: "cold-direct" },
    Ratio {
        key: "cold_springboard_over_cold_direct",
        over: "cold-springboard",
        under: "cold-direct",
    },
    Ratio {
        key: "springboard_only_over_swap",
        over: "springboard-only",
        under: "springboard-swap",
    },
];

/// Runs every scenario `runs` times, prints the table and writes `target/bench/swap.json`.
pub fn run(runs: usize) -> Result<()> {
    ensure!(runs >= 1, "--runs must be at least 1");
    let assets = setup::run()?;
    let built = build::run()?;
    let (clock, probe) = build_clock()?;
    let a = assets.kernels.first().context("setup fetched no kernel")?;
    let b = assets.kernels.get(1).unwrap_or(a);
    let dir = crate::root().join("target/bench");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let read = |p: &Path| std::fs::read(p).with_context(|| format!("reading {}", p.display()));
    let (clock, probe) = (read(&clock)?, read(&probe)?);
    let sources = guest::Sources {
        clock: &clock,
        probe: &probe,
        kexec_initramfs: &assets.kexec_initramfs,
        springboard: &built.image,
        cli: &built.cli,
        kernel_b: &b.path,
    };
    let inputs = guest::write(&dir, &sources)?;
    println!("xtask bench: A = {}, B = {}; {runs} run(s) of each scenario", a.release, b.release);

    let b_linux = format!("Linux version {}", b.release);
    let mut rows = Vec::new();
    for scenario in SCENARIOS {
        let machine = machine(scenario, &inputs, &a.path, &b.path, &built.image);
        let expect = scenario.expect(&b_linux);
        let mut measured = Vec::new();
        for run in 1..=runs {
            let transcript = dir.join(format!("{}-{run}.console.txt", scenario.name));
            let lines = qemu::run(&machine, &transcript)?;
            let m = measure::measure(&lines, &expect).with_context(|| {
                format!("{} run {run} ({})", scenario.name, transcript.display())
            })?;
            println!("xtask bench: {} run {run}: {} ticks", scenario.name, m.ticks);
            measured.push(m);
        }
        rows.push(Row { name: scenario.name, what: scenario.what, runs: measured });
    }

    let report = Report {
        qemu: qemu::version()?,
        options: qemu::machine().args().join(" "),
        kernels: (a.release.clone(), b.release.clone()),
        rows,
        ratios: RATIOS,
    };
    println!("\n{}", report.table());
    let json = dir.join("swap.json");
    std::fs::write(&json, report.json()).with_context(|| format!("writing {}", json.display()))?;
    println!("xtask bench: {} written; consoles in target/bench/*.console.txt", json.display());
    Ok(())
}

/// The machine that starts `scenario`.
fn machine(
    scenario: &Scenario,
    inputs: &guest::Inputs,
    a: &Path,
    b: &Path,
    springboard: &Path,
) -> Machine {
    let from_a = |initrd: &Path, mode: &str| {
        (a.to_path_buf(), initrd.to_path_buf(), Some(format!("{} sbbench={mode}", guest::CMDLINE)))
    };
    let (kernel, initrd, append) = match scenario.boot {
        Boot::Swap => from_a(&inputs.a_springboard, "springboard"),
        Boot::Kexec => from_a(&inputs.a_kexec, "kexec"),
        Boot::ColdSpringboard => (springboard.to_path_buf(), inputs.b_bundle.clone(), None),
        Boot::ColdDirect => {
            (b.to_path_buf(), inputs.b_initramfs.clone(), Some(guest::CMDLINE.to_string()))
        }
        Boot::SpringboardOnly => (springboard.to_path_buf(), inputs.probe_bundle.clone(), None),
    };
    let machine = qemu::machine().kernel(&kernel).initrd(&initrd);
    match append {
        Some(append) => machine.append(&append),
        None => machine,
    }
}

/// Builds the bench clock and the kernel-entry probe (`bench/clock`), statically linked at
/// fixed addresses: like the conformance payload, through [`build::cargo`], so without
/// the firmware's position-independent flags (only the firmware's build gets them) and
/// without the caller's `RUSTFLAGS`, in a target folder of their own. Returns the two ELF
/// files.
fn build_clock() -> Result<(PathBuf, PathBuf)> {
    let root = crate::root();
    build::cargo(&[
        "build",
        "--quiet",
        "--release",
        "-p",
        "bench-clock",
        "--target",
        TARGET,
        "--target-dir",
        "target/bench/build",
    ])
    .context("building the bench clock (-p bench-clock)")?;
    let out = root.join("target/bench/build").join(TARGET).join("release");
    Ok((out.join("bench-clock"), out.join("bench-entry")))
}
