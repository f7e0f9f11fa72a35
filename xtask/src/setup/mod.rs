//! `cargo xtask setup`: install what is missing and fetch the test assets into
//! `target/assets` — idempotent, and quick when everything is already there.

mod cmd;
mod cpio;
mod initramfs;
mod kernels;
mod packages;

pub use kernels::Kernel;

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// What the tests and the demo boot, all under `target/assets`.
pub struct Assets {
    /// The assets folder.
    pub dir: PathBuf,
    /// Real Debian kernels, generic first.
    pub kernels: Vec<Kernel>,
    /// The busybox initramfs.
    pub initramfs: PathBuf,
    /// Debian's U-Boot for QEMU `virt`.
    pub uboot: PathBuf,
}

/// Downloads the Debian package `package` into `dir` and returns the `.deb`'s path.
fn download(package: &str, dir: &Path) -> Result<PathBuf> {
    let name = package.trim_end_matches(":arm64");
    println!("setup: downloading {package} (apt-get download)…");
    cmd::run("apt-get", &["download", package], Some(dir))?;
    let deb = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("{name}_")) && n.ends_with("_arm64.deb"))
        })
        .max()
        .with_context(|| {
            format!("apt-get download left no {name}_*_arm64.deb in {}", dir.display())
        })?;
    let size = std::fs::metadata(&deb)?.len();
    println!(
        "setup: downloaded {} ({} MiB)",
        deb.file_name().unwrap_or_default().to_string_lossy(),
        size >> 20
    );
    Ok(deb)
}

/// Reads a manifest whose every file still exists.
fn from_manifest(dir: &Path) -> Option<Assets> {
    let text = std::fs::read_to_string(dir.join("manifest.txt")).ok()?;
    let mut assets = Assets {
        dir: dir.to_path_buf(),
        kernels: Vec::new(),
        initramfs: PathBuf::new(),
        uboot: PathBuf::new(),
    };
    for line in text.lines() {
        match line.split_whitespace().collect::<Vec<_>>().as_slice() {
            ["kernel", label, release, path] => assets.kernels.push(Kernel {
                label: label.to_string(),
                release: release.to_string(),
                path: dir.join(path),
            }),
            ["initramfs", path] => assets.initramfs = dir.join(path),
            ["uboot", path] => assets.uboot = dir.join(path),
            _ => return None,
        }
    }
    let all_there = assets.kernels.len() == kernels::FLAVOURS.len()
        && assets.kernels.iter().all(|k| k.path.exists())
        && assets.initramfs.exists()
        && assets.uboot.exists();
    all_there.then_some(assets)
}

fn write_manifest(assets: &Assets) -> Result<()> {
    let rel = |p: &Path| p.strip_prefix(&assets.dir).unwrap_or(p).display().to_string();
    let mut text = String::new();
    for k in &assets.kernels {
        text += &format!("kernel {} {} {}\n", k.label, k.release, rel(&k.path));
    }
    text += &format!("initramfs {}\n", rel(&assets.initramfs));
    text += &format!("uboot {}\n", assets.uboot.display());
    std::fs::write(assets.dir.join("manifest.txt"), text)?;
    Ok(())
}

/// Installs what is missing and returns the assets.
pub fn run() -> Result<Assets> {
    packages::ensure_host_packages()?;
    packages::ensure_rust_target(crate::build::TARGET)?;
    let dir = crate::root().join("target/assets");
    if let Some(assets) = from_manifest(&dir) {
        println!(
            "setup: assets ready in target/assets ({} kernels, initramfs, U-Boot)",
            assets.kernels.len()
        );
        return Ok(assets);
    }
    std::fs::create_dir_all(&dir)?;
    let kernels = kernels::FLAVOURS
        .iter()
        .map(|(label, meta)| kernels::fetch(label, meta, &dir))
        .collect::<Result<Vec<_>>>()?;
    let initramfs = initramfs::build(&dir)?;
    let assets = Assets { dir, kernels, initramfs, uboot: PathBuf::from(packages::UBOOT) };
    write_manifest(&assets)?;
    for k in &assets.kernels {
        println!("setup: kernel {:<12} {}", k.label, k.release);
    }
    Ok(assets)
}
