//! `cargo xtask fuzz`: the libFuzzer targets of `fuzz/` (a crate outside the workspace, built
//! by `cargo fuzz` with `RUSTC_BOOTSTRAP=1` on the stable toolchain).
//!
//! Each target fuzzes into a scratch corpus under `target/fuzz/corpus/<target>`, seeded from
//! the committed `fuzz/corpus/<target>`, so runs do not touch the git tree; crash inputs go to
//! `target/fuzz/artifacts/<target>/`. `cargo xtask test` runs [`check_corpus`]: every target
//! once over its committed corpus, no fuzzing.

use anyhow::{bail, ensure, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// libFuzzer's limit for one input, in seconds: a slower input is reported as a hang.
const INPUT_TIMEOUT_SECONDS: u32 = 10;

/// The fuzz targets: the files of `fuzz/fuzz_targets/`, sorted.
pub fn targets() -> Result<Vec<String>> {
    let dir = crate::root().join("fuzz/fuzz_targets");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
                names.push(stem.to_owned());
            }
        }
    }
    names.sort();
    Ok(names)
}

/// Runs `target` (or every target) for `seconds` each; fails if any finds a crash.
pub fn run(seconds: u32, target: Option<&str>) -> Result<()> {
    let all = targets()?;
    let chosen: Vec<String> = match target {
        Some(name) if all.iter().any(|t| t == name) => vec![name.to_owned()],
        Some(name) => bail!("no fuzz target {name:?}; the targets are {}", all.join(", ")),
        None => all,
    };
    let binaries = build(target)?;
    let root = crate::root();
    let mut failed = Vec::new();
    for name in &chosen {
        let scratch = root.join("target/fuzz/corpus").join(name);
        std::fs::create_dir_all(&scratch)?;
        let log = root.join("target/fuzz/logs").join(format!("{name}.log"));
        println!("\n==> xtask fuzz: {name} for {seconds} s");
        let outcome = libfuzzer(
            &binaries,
            name,
            &[&scratch, &root.join("fuzz/corpus").join(name)],
            &[format!("-max_total_time={seconds}"), "-print_final_stats=1".into()],
            &log,
        )?;
        println!("{name}: {}", outcome.summary);
        if let Some(crash) = outcome.crash {
            println!("{name}: CRASH, input saved at {} (log: {})", crash.display(), log.display());
            failed.push(name.clone());
        }
    }
    ensure!(failed.is_empty(), "fuzz targets found crashes: {}", failed.join(", "));
    println!("\nxtask fuzz: {} target(s), no crash", chosen.len());
    Ok(())
}

/// Runs every target once over its committed corpus (`-runs=0`): the seeds and every past
/// crash input must pass. Used by `cargo xtask test`.
pub fn check_corpus() -> Result<()> {
    let binaries = build(None)?;
    let root = crate::root();
    let empty = root.join("target/fuzz/empty-corpus");
    std::fs::create_dir_all(&empty)?;
    for name in targets()? {
        let corpus = root.join("fuzz/corpus").join(&name);
        let log = root.join("target/fuzz/logs").join(format!("{name}-corpus.log"));
        let outcome = libfuzzer(
            &binaries,
            &name,
            &[&empty, &corpus],
            &["-runs=0".into(), "-print_final_stats=1".into()],
            &log,
        )?;
        if let Some(crash) = outcome.crash {
            bail!(
                "fuzz target {name} fails on its committed corpus: {} (log: {})",
                crash.display(),
                log.display()
            );
        }
        println!("fuzz {name}: committed corpus passes ({})", outcome.summary);
    }
    Ok(())
}

/// Installs cargo-fuzz when missing and builds the targets; returns the binaries' folder.
fn build(target: Option<&str>) -> Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let installed = Command::new(&cargo)
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        println!("xtask fuzz: installing cargo-fuzz (cargo install cargo-fuzz --locked)");
        let status = Command::new(&cargo).args(["install", "cargo-fuzz", "--locked"]).status()?;
        ensure!(status.success(), "`cargo install cargo-fuzz --locked` failed ({status})");
    }
    let root = crate::root();
    let target_dir = root.join("target/fuzz");
    // Safe Rust with every index checked: AddressSanitizer would find nothing that the bounds
    // and overflow checks do not, and it doubles the build and run time.
    let mut args = vec!["fuzz", "build", "--sanitizer", "none", "--target-dir"];
    let target_dir_arg = target_dir.to_str().context("target dir is not UTF-8")?.to_owned();
    args.push(&target_dir_arg);
    args.extend(target);
    let status = Command::new(&cargo)
        .args(&args)
        .current_dir(root.join("fuzz"))
        // The stable toolchain accepts cargo fuzz's `-Z` flags only with this.
        .env("RUSTC_BOOTSTRAP", "1")
        .status()
        .context("running cargo fuzz build")?;
    ensure!(status.success(), "`cargo {}` failed ({status})", args.join(" "));
    Ok(target_dir.join(host_triple()?).join("release"))
}

/// The host's target triple, where `cargo fuzz` puts its binaries.
fn host_triple() -> Result<String> {
    let out = Command::new("rustc").arg("-vV").output().context("running rustc -vV")?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .context("rustc -vV names no host")
}

/// What one libFuzzer run left.
struct Outcome {
    /// Executions, coverage and corpus size, from the log.
    summary: String,
    /// The input that crashed, hung or ran out of memory, if any.
    crash: Option<PathBuf>,
}

/// Runs one target binary with `corpora` (the first one receives new inputs) and `flags`,
/// its output in `log`.
fn libfuzzer(
    binaries: &Path,
    name: &str,
    corpora: &[&Path],
    flags: &[String],
    log: &Path,
) -> Result<Outcome> {
    let root = crate::root();
    let artifacts = root.join("target/fuzz/artifacts").join(name);
    std::fs::create_dir_all(&artifacts)?;
    std::fs::create_dir_all(log.parent().context("log has a folder")?)?;
    let before = crash_files(&artifacts)?;
    let log_file = std::fs::File::create(log)?;
    let status = Command::new(binaries.join(name))
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg(format!("-timeout={INPUT_TIMEOUT_SECONDS}"))
        .args(flags)
        .args(corpora)
        .stdout(log_file.try_clone()?)
        .stderr(log_file)
        .status()
        .with_context(|| format!("running fuzz target {name}"))?;
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let crash = crash_files(&artifacts)?.into_iter().find(|f| !before.contains(f));
    let crash = match (crash, status.success()) {
        (Some(file), _) => Some(file),
        (None, true) => None,
        (None, false) => Some(log.to_path_buf()),
    };
    Ok(Outcome { summary: summary(&text), crash })
}

/// The crash, timeout and out-of-memory inputs in `dir`.
fn crash_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if ["crash-", "timeout-", "oom-", "leak-"].iter().any(|p| name.starts_with(p)) {
            files.push(path);
        }
    }
    Ok(files)
}

/// `executions N, cov C, ft F, corpus K` from libFuzzer's output.
fn summary(log: &str) -> String {
    let stat = |key: &str| {
        log.lines()
            .find_map(|l| l.strip_prefix(key).map(|v| v.trim().to_owned()))
            .unwrap_or_else(|| "?".into())
    };
    let field = |key: &str| {
        log.lines()
            .rev()
            .find_map(|l| {
                let mut words = l.split_whitespace();
                words.by_ref().find(|w| *w == key)?;
                words.next().map(str::to_owned)
            })
            .unwrap_or_else(|| "?".into())
    };
    let executions = stat("stat::number_of_executed_units:");
    format!(
        "executions {executions}, cov {}, ft {}, corpus {}",
        field("cov:"),
        field("ft:"),
        field("corp:")
    )
}
