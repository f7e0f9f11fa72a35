//! `target/assets/manifest.txt`: one asset a line, paths relative to the assets folder (or
//! absolute, for files installed on the host), read by the QEMU tests.
//!
//! ```text
//! kernel 6.1-generic 6.1.0-56-arm64 kernels/vmlinuz-6.1.0-56-arm64
//! initramfs initramfs.cpio
//! kexec-initramfs kexec-initramfs.cpio
//! uboot /usr/lib/u-boot/qemu_arm64/u-boot.bin
//! ```

use super::{Assets, Kernel};
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

/// The manifest's text for `assets`.
pub fn render(assets: &Assets) -> String {
    let rel = |p: &Path| p.strip_prefix(&assets.dir).unwrap_or(p).display().to_string();
    let mut text = String::new();
    for k in &assets.kernels {
        text += &format!("kernel {} {} {}\n", k.label, k.release, rel(&k.path));
    }
    text += &format!("initramfs {}\n", rel(&assets.initramfs));
    text += &format!("kexec-initramfs {}\n", rel(&assets.kexec_initramfs));
    text += &format!("uboot {}\n", rel(&assets.uboot));
    text
}

/// The kernels a manifest lists, with paths joined to `dir`; fails naming the line number and
/// text of a line it does not understand.
pub fn kernels(dir: &Path, text: &str) -> Result<Vec<Kernel>> {
    let mut kernels = Vec::new();
    for (n, line) in text.lines().enumerate() {
        match line.split_whitespace().collect::<Vec<_>>().as_slice() {
            ["kernel", label, release, path] => kernels.push(Kernel {
                label: label.to_string(),
                release: release.to_string(),
                path: dir.join(path),
            }),
            ["initramfs" | "kexec-initramfs" | "uboot", _] | [] => {}
            _ => bail!("manifest.txt line {}: cannot read `{line}`", n + 1),
        }
    }
    Ok(kernels)
}

/// Writes `dir/manifest.txt` unless it already holds exactly this text; says whether it wrote.
pub fn write(assets: &Assets) -> Result<bool> {
    let path: PathBuf = assets.dir.join("manifest.txt");
    let text = render(assets);
    if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
        return Ok(false);
    }
    std::fs::write(&path, text)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assets() -> Assets {
        let dir = PathBuf::from("assets");
        Assets {
            kernels: vec![
                Kernel {
                    label: "6.1-generic".into(),
                    release: "6.1.0-56-arm64".into(),
                    path: dir.join("kernels/vmlinuz-6.1.0-56-arm64"),
                },
                Kernel {
                    label: "6.1-cloud".into(),
                    release: "6.1.0-56-cloud-arm64".into(),
                    path: dir.join("kernels/vmlinuz-6.1.0-56-cloud-arm64"),
                },
            ],
            initramfs: dir.join("initramfs.cpio"),
            kexec_initramfs: dir.join("kexec-initramfs.cpio"),
            uboot: PathBuf::from("/usr/lib/u-boot/qemu_arm64/u-boot.bin"),
            dir,
        }
    }

    #[test]
    fn renders_relative_paths_and_the_absolute_uboot() {
        assert_eq!(
            render(&assets()),
            "kernel 6.1-generic 6.1.0-56-arm64 kernels/vmlinuz-6.1.0-56-arm64\n\
             kernel 6.1-cloud 6.1.0-56-cloud-arm64 kernels/vmlinuz-6.1.0-56-cloud-arm64\n\
             initramfs initramfs.cpio\n\
             kexec-initramfs kexec-initramfs.cpio\n\
             uboot /usr/lib/u-boot/qemu_arm64/u-boot.bin\n"
        );
    }

    #[test]
    fn reads_back_the_kernels_it_wrote() {
        let a = assets();
        assert_eq!(kernels(&a.dir, &render(&a)).unwrap(), a.kernels);
    }

    #[test]
    fn rejects_a_line_it_does_not_know_with_its_number() {
        let err = kernels(Path::new("."), "initramfs x\nkernel only-a-label\n").unwrap_err();
        assert_eq!(err.to_string(), "manifest.txt line 2: cannot read `kernel only-a-label`");
    }
}
