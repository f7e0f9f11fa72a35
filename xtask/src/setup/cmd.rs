//! Running the host's commands with errors that say which command failed and why.

use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs `program args…` with its output shown; fails naming the command.
pub fn run(program: &str, args: &[&str], dir: Option<&Path>) -> Result<()> {
    let mut cmd = Command::new(program);
    cmd.args(args).stdin(Stdio::null());
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    let status = cmd.status().with_context(|| format!("starting `{program}`"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// Runs `program args…` and returns its standard output; fails with the tail of its stderr.
pub fn output(program: &str, args: &[&str]) -> Result<String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("starting `{program}`"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = err.lines().rev().take(5).collect();
        bail!("`{program} {}` failed ({}): {}", args.join(" "), out.status, tail.join(" / "));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Whether `program` is on `PATH`.
pub fn exists(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Extracts the member `inner` (e.g. `./boot/vmlinuz-…`) of the Debian package `deb` to `out`.
pub fn extract_from_deb(deb: &Path, inner: &str, out: &Path) -> Result<()> {
    let tar = Command::new("dpkg-deb")
        .arg("--fsys-tarfile")
        .arg(deb)
        .stdout(Stdio::piped())
        .spawn()
        .context("starting dpkg-deb")?;
    let partial = out.with_extension("partial");
    let file = std::fs::File::create(&partial)
        .with_context(|| format!("creating {}", partial.display()))?;
    let status = Command::new("tar")
        .args(["-xO", inner])
        .stdin(tar.stdout.context("dpkg-deb stdout")?)
        .stdout(file)
        .status()
        .context("starting tar")?;
    if !status.success() {
        bail!("extracting {inner} from {} failed ({status})", deb.display());
    }
    std::fs::rename(&partial, out)?;
    Ok(())
}
