//! `target/assets/manifest.txt`: what `cargo xtask setup` prepared, one asset a line, paths
//! relative to the assets folder (or absolute, for files installed on the host). `cargo xtask
//! setup` writes it; the QEMU tests, `springboard swap`, `cargo xtask demo` and `bench` read it.
//!
//! ```text
//! kernel 6.1-generic 6.1.0-56-arm64 kernels/vmlinuz-6.1.0-56-arm64
//! initramfs initramfs.cpio
//! kexec-initramfs kexec-initramfs.cpio
//! uboot /usr/lib/u-boot/qemu_arm64/u-boot.bin
//! dtb raspi3b dtbs/bcm2837-rpi-3-b.dtb
//! dtb zcu102 dtbs/zynqmp-zcu102-rev1.0-qemu.dtb
//! ```

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// The manifest's file name in the assets folder.
pub const FILE_NAME: &str = "manifest.txt";

/// One real kernel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kernel {
    /// Short label, e.g. `6.1-generic`.
    pub label: String,
    /// The kernel release (`uname -r`), e.g. `6.1.0-56-arm64`.
    pub release: String,
    /// The `Image` file.
    pub path: PathBuf,
}

/// The assets a manifest lists, with paths joined to the assets folder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Real kernels, in the order listed (generic first).
    pub kernels: Vec<Kernel>,
    /// `initramfs`: busybox and an `/init` that prints the markers and powers off.
    pub initramfs: Option<PathBuf>,
    /// `kexec-initramfs`: busybox, `/sbin/kexec` and the kexec guest / swap agent `/init`.
    pub kexec_initramfs: Option<PathBuf>,
    /// `uboot`: Debian's U-Boot for QEMU `virt`.
    pub uboot: Option<PathBuf>,
    /// `dtb BOARD PATH`: the DTB a board of [`crate::boards`] boots with, by board name, in
    /// the order listed.
    pub dtbs: Vec<(String, PathBuf)>,
}

/// The line keys.
const KERNEL: &str = "kernel";
const INITRAMFS: &str = "initramfs";
const KEXEC_INITRAMFS: &str = "kexec-initramfs";
const UBOOT: &str = "uboot";
const DTB: &str = "dtb";

impl Manifest {
    /// Parses a manifest's `text`, joining paths to `dir`; fails naming the line number and
    /// text of a line it does not understand.
    pub fn parse(dir: &Path, text: &str) -> Result<Manifest> {
        let mut m = Manifest::default();
        for (n, line) in text.lines().enumerate() {
            match line.split_whitespace().collect::<Vec<_>>().as_slice() {
                [KERNEL, label, release, path] => m.kernels.push(Kernel {
                    label: label.to_string(),
                    release: release.to_string(),
                    path: dir.join(path),
                }),
                [INITRAMFS, path] => m.initramfs = Some(dir.join(path)),
                [KEXEC_INITRAMFS, path] => m.kexec_initramfs = Some(dir.join(path)),
                [UBOOT, path] => m.uboot = Some(dir.join(path)),
                [DTB, board, path] => m.dtbs.push((board.to_string(), dir.join(path))),
                [] => {}
                _ => bail!("{FILE_NAME} line {}: cannot read `{line}`", n + 1),
            }
        }
        Ok(m)
    }

    /// Reads `dir/manifest.txt`.
    pub fn read(dir: &Path) -> Result<Manifest> {
        let path = dir.join(FILE_NAME);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}: run `cargo xtask setup`", path.display()))?;
        Manifest::parse(dir, &text).with_context(|| format!("in {}", path.display()))
    }

    /// The manifest's text, paths under `dir` written relative to it.
    pub fn render(&self, dir: &Path) -> String {
        let rel = |p: &Path| p.strip_prefix(dir).unwrap_or(p).display().to_string();
        let mut text = String::new();
        for k in &self.kernels {
            text += &format!("{KERNEL} {} {} {}\n", k.label, k.release, rel(&k.path));
        }
        let files = [
            (INITRAMFS, &self.initramfs),
            (KEXEC_INITRAMFS, &self.kexec_initramfs),
            (UBOOT, &self.uboot),
        ];
        for (key, path) in files {
            if let Some(path) = path {
                text += &format!("{key} {}\n", rel(path));
            }
        }
        for (board, path) in &self.dtbs {
            text += &format!("{DTB} {board} {}\n", rel(path));
        }
        text
    }

    /// Writes `dir/manifest.txt` unless it already holds exactly this text; says whether it
    /// wrote.
    pub fn write(&self, dir: &Path) -> Result<bool> {
        let path = dir.join(FILE_NAME);
        let text = self.render(dir);
        if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
            return Ok(false);
        }
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        Ok(true)
    }

    /// The kernel labelled `label`.
    pub fn kernel(&self, label: &str) -> Result<&Kernel> {
        self.kernels
            .iter()
            .find(|k| k.label == label)
            .with_context(|| format!("no kernel `{label}` in the assets {FILE_NAME}"))
    }

    /// The busybox test initramfs.
    pub fn initramfs(&self) -> Result<&Path> {
        need(&self.initramfs, INITRAMFS)
    }

    /// The kexec guest initramfs.
    pub fn kexec_initramfs(&self) -> Result<&Path> {
        need(&self.kexec_initramfs, KEXEC_INITRAMFS)
    }

    /// U-Boot.
    pub fn uboot(&self) -> Result<&Path> {
        need(&self.uboot, UBOOT)
    }

    /// The DTB of the board named `board`.
    pub fn dtb(&self, board: &str) -> Result<&Path> {
        match self.dtbs.iter().find(|(name, _)| name == board) {
            Some((_, path)) => Ok(path),
            None => bail!("{FILE_NAME} has no `{DTB} {board} PATH` line: run `cargo xtask setup`"),
        }
    }
}

fn need<'a>(path: &'a Option<PathBuf>, key: &str) -> Result<&'a Path> {
    match path {
        Some(path) => Ok(path),
        None => bail!("{FILE_NAME} has no `{key} PATH` line: run `cargo xtask setup`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        let dir = PathBuf::from("assets");
        Manifest {
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
            initramfs: Some(dir.join("initramfs.cpio")),
            kexec_initramfs: Some(dir.join("kexec-initramfs.cpio")),
            uboot: Some(PathBuf::from("/usr/lib/u-boot/qemu_arm64/u-boot.bin")),
            dtbs: vec![("raspi3b".into(), dir.join("dtbs/bcm2837-rpi-3-b.dtb"))],
        }
    }

    #[test]
    fn renders_relative_paths_and_the_absolute_uboot() {
        assert_eq!(
            manifest().render(Path::new("assets")),
            "kernel 6.1-generic 6.1.0-56-arm64 kernels/vmlinuz-6.1.0-56-arm64\n\
             kernel 6.1-cloud 6.1.0-56-cloud-arm64 kernels/vmlinuz-6.1.0-56-cloud-arm64\n\
             initramfs initramfs.cpio\n\
             kexec-initramfs kexec-initramfs.cpio\n\
             uboot /usr/lib/u-boot/qemu_arm64/u-boot.bin\n\
             dtb raspi3b dtbs/bcm2837-rpi-3-b.dtb\n"
        );
    }

    #[test]
    fn reads_back_what_it_wrote() {
        let m = manifest();
        let dir = Path::new("assets");
        assert_eq!(Manifest::parse(dir, &m.render(dir)).unwrap(), m);
        assert_eq!(m.kernel("6.1-cloud").unwrap().release, "6.1.0-56-cloud-arm64");
        assert_eq!(m.dtb("raspi3b").unwrap(), Path::new("assets/dtbs/bcm2837-rpi-3-b.dtb"));
    }

    #[test]
    fn rejects_a_line_it_does_not_know_with_its_number() {
        let err =
            Manifest::parse(Path::new("."), "initramfs x\nkernel only-a-label\n").unwrap_err();
        assert_eq!(err.to_string(), "manifest.txt line 2: cannot read `kernel only-a-label`");
    }

    #[test]
    fn a_missing_asset_says_which_line_to_add() {
        let m = Manifest::parse(Path::new("."), "initramfs x\n").unwrap();
        assert_eq!(m.initramfs().unwrap(), Path::new("./x"));
        let err = m.kexec_initramfs().unwrap_err().to_string();
        assert_eq!(err, "manifest.txt has no `kexec-initramfs PATH` line: run `cargo xtask setup`");
        let err = m.dtb("zcu102").unwrap_err().to_string();
        assert_eq!(err, "manifest.txt has no `dtb zcu102 PATH` line: run `cargo xtask setup`");
    }
}
