//! Real Debian arm64 kernels, resolved through their meta packages and cached under
//! `target/assets`.

use super::{cmd, packages};
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// A kernel the tests boot.
#[derive(Clone, Debug)]
pub struct Kernel {
    /// Short label, e.g. `6.1-generic`.
    pub label: String,
    /// The kernel release (`uname -r`), e.g. `6.1.0-56-arm64`.
    pub release: String,
    /// The Image file.
    pub path: PathBuf,
}

/// The kernels springboard is tested with: (label, meta package).
pub const FLAVOURS: &[(&str, &str)] =
    &[("6.1-generic", "linux-image-arm64:arm64"), ("6.1-cloud", "linux-image-cloud-arm64:arm64")];

/// The concrete `linux-image-<release>` package that `meta`'s candidate version depends on.
fn resolve(meta: &str) -> Result<String> {
    let version = packages::candidate(meta)?;
    let show = cmd::output("apt-cache", &["show", &format!("{meta}={version}")])?;
    let depends = show
        .lines()
        .find_map(|l| l.strip_prefix("Depends:"))
        .with_context(|| format!("{meta} {version} has no Depends"))?;
    let package = depends
        .split(',')
        .map(|d| d.split_whitespace().next().unwrap_or(""))
        .find(|p| p.starts_with("linux-image-"))
        .with_context(|| {
            format!("{meta} {version} depends on no linux-image package: {depends}")
        })?;
    Ok(package.trim_end_matches(":arm64").to_string())
}

/// Downloads (once) and extracts the kernel of `meta` into `dir/kernels`.
pub fn fetch(label: &str, meta: &str, dir: &Path) -> Result<Kernel> {
    let package = resolve(meta)?;
    let Some(release) = package.strip_prefix("linux-image-") else {
        bail!("unexpected kernel package name {package}");
    };
    let path = dir.join("kernels").join(format!("vmlinuz-{release}"));
    if !path.exists() {
        let debs = dir.join("debs");
        std::fs::create_dir_all(&debs)?;
        std::fs::create_dir_all(path.parent().expect("has a parent"))?;
        let deb = super::download(&format!("{package}:arm64"), &debs)?;
        cmd::extract_from_deb(&deb, &format!("./boot/vmlinuz-{release}"), &path)?;
        let size = std::fs::metadata(&path)?.len();
        println!("setup: kernel {release}: {} MiB Image", size >> 20);
    }
    Ok(Kernel { label: label.to_string(), release: release.to_string(), path })
}
