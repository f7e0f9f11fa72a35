//! The things the QEMU tests boot: springboard's image, its CLI, and the real Debian kernels
//! and initramfs that `cargo xtask setup` fetched. `cargo xtask test` passes their locations
//! in the environment.

use std::path::{Path, PathBuf};

/// One real kernel from the manifest.
#[derive(Clone, Debug)]
pub struct Kernel {
    /// Short label, e.g. `6.1-generic`.
    pub label: String,
    /// What `uname -r` prints under it, e.g. `6.1.0-56-arm64`.
    pub release: String,
    /// The `Image` file.
    pub path: PathBuf,
}

/// Everything the tests need, read from `target/assets/manifest.txt` and the environment.
#[derive(Clone, Debug)]
pub struct Assets {
    /// The firmware image.
    pub springboard: PathBuf,
    /// The host CLI `springboard`.
    pub cli: PathBuf,
    /// Real kernels.
    pub kernels: Vec<Kernel>,
    /// The busybox initramfs whose `/init` prints the marker and powers off.
    pub initramfs: PathBuf,
    /// The kexec guest initramfs: busybox, `/sbin/kexec` and an `/init` that kexecs
    /// `/boot/springboard.bin` with `/boot/next.bundle` when the command line has
    /// `sbtest.kexec=1` (the test appends those two files: see `guest.rs`).
    pub kexec_initramfs: PathBuf,
    /// Debian's `u-boot-qemu` `u-boot.bin`.
    pub uboot: PathBuf,
    /// A scratch folder for bundles, logs and transcripts.
    pub work: PathBuf,
}

fn env_path(name: &str) -> PathBuf {
    match std::env::var_os(name) {
        Some(value) => PathBuf::from(value),
        None => panic!("{name} is not set: run the QEMU tests through `cargo xtask test`"),
    }
}

impl Assets {
    /// Reads the environment set by `cargo xtask test` and the assets manifest.
    pub fn get() -> Assets {
        let dir = env_path("SPRINGBOARD_ASSETS");
        let manifest = dir.join("manifest.txt");
        let text = std::fs::read_to_string(&manifest)
            .unwrap_or_else(|e| panic!("{}: {e}: run `cargo xtask setup`", manifest.display()));
        let mut kernels = Vec::new();
        let (mut initramfs, mut kexec_initramfs, mut uboot) = (None, None, None);
        for line in text.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            let resolve = |p: &str| dir.join(p);
            match words.as_slice() {
                ["kernel", label, release, path] => kernels.push(Kernel {
                    label: label.to_string(),
                    release: release.to_string(),
                    path: resolve(path),
                }),
                ["initramfs", path] => initramfs = Some(resolve(path)),
                ["kexec-initramfs", path] => kexec_initramfs = Some(resolve(path)),
                ["uboot", path] => uboot = Some(resolve(path)),
                _ => {}
            }
        }
        let work = env_path("SPRINGBOARD_TEST_WORK");
        std::fs::create_dir_all(&work).expect("creating the test work folder");
        Assets {
            springboard: env_path("SPRINGBOARD_IMAGE"),
            cli: env_path("SPRINGBOARD_CLI"),
            kernels,
            initramfs: initramfs.expect("manifest names an initramfs"),
            kexec_initramfs: kexec_initramfs
                .expect("manifest names a kexec-initramfs: run `cargo xtask setup`"),
            uboot: uboot.expect("manifest names u-boot"),
            work,
        }
    }

    /// The kernel with `label`.
    pub fn kernel(&self, label: &str) -> &Kernel {
        self.kernels
            .iter()
            .find(|k| k.label == label)
            .unwrap_or_else(|| panic!("no kernel '{label}' in the assets manifest"))
    }

    /// A path in the work folder.
    pub fn work_file(&self, name: &str) -> PathBuf {
        self.work.join(name)
    }
}

/// Runs the CLI's `pack` with a real kernel, the test initramfs and `cmdline`.
pub fn pack(assets: &Assets, kernel: &Path, cmdline: &str, out: &Path) {
    let status = std::process::Command::new(&assets.cli)
        .arg("pack")
        .arg("--kernel")
        .arg(kernel)
        .arg("--initrd")
        .arg(&assets.initramfs)
        .arg("--cmdline")
        .arg(cmdline)
        .arg("-o")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("running springboard pack");
    assert!(status.success(), "springboard pack failed for {}", out.display());
}
