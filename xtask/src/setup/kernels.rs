//! Real Debian arm64 kernels, resolved through their meta packages and kept under
//! `target/assets/kernels`.

use super::apt::{self, Package};
use super::cmd;
use anyhow::{bail, Context, Result};
use image_formats::image::{ImageHeader, HEADER_LEN};
use std::io::Read;
use std::path::Path;

pub use springboard_host::Kernel;

/// The kernels springboard is tested with: (label, meta package), generic first.
pub const FLAVOURS: &[(&str, &str)] =
    &[("6.1-generic", "linux-image-arm64"), ("6.1-cloud", "linux-image-cloud-arm64")];

/// The concrete kernel package named by the first `linux-image-…` in a meta package's
/// `Depends` (e.g. `linux-image-6.1.0-56-arm64 (= 6.1.192-2)`), with its pinned version.
pub fn image_dependency(depends: &str) -> Result<Package> {
    for dep in depends.split(',') {
        let dep = dep.split('|').next().unwrap_or("").trim();
        let name = dep.split_whitespace().next().unwrap_or("").trim_end_matches(":arm64");
        if !name.starts_with("linux-image-") {
            continue;
        }
        let version = dep
            .split_once("(=")
            .and_then(|(_, v)| v.split_once(')'))
            .map(|(v, _)| v.trim())
            .with_context(|| format!("`{dep}` pins no version with (= …)"))?;
        return Ok(Package { name: name.into(), version: version.into(), arch: "arm64".into() });
    }
    bail!("no linux-image-… package in Depends: {depends}")
}

/// Checks that `path` starts with an arm64 `Image` header.
pub fn check_image(path: &Path) -> Result<()> {
    let mut header = [0u8; HEADER_LEN];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut header))
        .with_context(|| format!("reading the 64-byte Image header of {}", path.display()))?;
    match ImageHeader::read_fields(&header) {
        Ok(_) => Ok(()),
        Err(e) => bail!("{}: {e}", path.display()),
    }
}

/// The newest kernel of the meta package `meta`: downloaded (unless its `.deb` is already in
/// `dir/debs`) and its `vmlinuz` extracted into `dir/kernels`.
pub fn fetch(label: &str, meta: &str, dir: &Path) -> Result<Kernel> {
    super::packages::ensure_arm64_lists()?;
    let meta = apt::candidate(meta, "arm64")?;
    let depends = apt::field(&meta, "Depends")?;
    let package = image_dependency(&depends)
        .with_context(|| format!("resolving {} {}", meta.name, meta.version))?;
    let release = package.name.strip_prefix("linux-image-").expect("checked by image_dependency");
    let path = dir.join("kernels").join(format!("vmlinuz-{release}"));
    if path.exists() && check_image(&path).is_ok() {
        println!("setup: kernel {label}: {release} already extracted");
    } else {
        println!("setup: kernel {label}: {} {} → {}", meta.name, meta.version, package.name);
        let deb = apt::download(&package, &dir.join("debs"))?;
        std::fs::create_dir_all(dir.join("kernels"))?;
        cmd::extract_from_deb(&deb, &format!("./boot/vmlinuz-{release}"), &path)?;
        check_image(&path)?;
        let size = std::fs::metadata(&path)?.len();
        println!("setup: kernel {label}: kernels/vmlinuz-{release} ({})", apt::mib(size));
    }
    Ok(Kernel { label: label.into(), release: release.into(), path })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_first_linux_image_dependency_with_its_version() {
        let p = image_dependency(
            "linux-image-6.1.0-56-cloud-arm64 (= 6.1.192-2), linux-image-6.1.0-9-arm64 (= 1)",
        )
        .unwrap();
        assert_eq!(p.name, "linux-image-6.1.0-56-cloud-arm64");
        assert_eq!(p.version, "6.1.192-2");
        assert_eq!(p.arch, "arm64");
    }

    #[test]
    fn skips_other_dependencies_before_the_image() {
        let p = image_dependency(
            "initramfs-tools | linux-initramfs-tool, linux-image-6.1.0-3-arm64 (= 6.1.8-1)",
        )
        .unwrap();
        assert_eq!(p.name, "linux-image-6.1.0-3-arm64");
    }

    #[test]
    fn rejects_depends_without_an_image_or_a_pinned_version() {
        let err = image_dependency("firmware-linux-free").unwrap_err().to_string();
        assert!(err.contains("firmware-linux-free"), "{err}");
        let err = image_dependency("linux-image-6.1.0-56-arm64").unwrap_err().to_string();
        assert!(err.contains("pins no version"), "{err}");
    }

    #[test]
    fn rejects_a_file_without_the_image_magic() {
        let path = std::env::temp_dir().join(format!("xtask-not-an-image-{}", std::process::id()));
        std::fs::write(&path, [0u8; 64]).unwrap();
        let err = check_image(&path).unwrap_err().to_string();
        std::fs::remove_file(&path).unwrap();
        assert!(err.contains("offset 0x38: bad magic 0x00000000"), "{err}");
    }
}
