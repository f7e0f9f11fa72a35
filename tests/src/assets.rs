//! The things the QEMU tests boot: springboard's image, its CLI, and the real Debian kernels
//! and initramfs that `cargo xtask setup` fetched (listed in its [`Manifest`]). `cargo xtask
//! test` passes their locations in the environment.

use std::path::{Path, PathBuf};

use springboard_host::boards::Board;
use springboard_host::{Entry, Manifest, Pack};

pub use springboard_host::Kernel;

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
    /// The assets manifest, for the boards' DTBs.
    pub manifest: Manifest,
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
        let manifest =
            Manifest::read(&env_path("SPRINGBOARD_ASSETS")).unwrap_or_else(|e| panic!("{e:#}"));
        let work = env_path("SPRINGBOARD_TEST_WORK");
        std::fs::create_dir_all(&work).expect("creating the test work folder");
        Assets {
            springboard: env_path("SPRINGBOARD_IMAGE"),
            cli: env_path("SPRINGBOARD_CLI"),
            initramfs: manifest.initramfs().unwrap_or_else(|e| panic!("{e:#}")).to_path_buf(),
            kexec_initramfs: manifest
                .kexec_initramfs()
                .unwrap_or_else(|e| panic!("{e:#}"))
                .to_path_buf(),
            uboot: manifest.uboot().unwrap_or_else(|e| panic!("{e:#}")).to_path_buf(),
            kernels: manifest.kernels.clone(),
            manifest,
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

    /// The DTB `board` boots with (`None`: QEMU makes it).
    pub fn dtb(&self, board: &Board) -> Option<PathBuf> {
        board.dtb_from(&self.manifest).unwrap_or_else(|e| panic!("{e:#}")).map(Path::to_path_buf)
    }

    /// A path in the work folder.
    pub fn work_file(&self, name: &str) -> PathBuf {
        self.work.join(name)
    }

    /// Runs the CLI's `pack` to write `out`; panics with the CLI's message when it fails.
    pub fn pack(&self, pack: Pack, out: &Path) {
        pack.run(&self.cli, out).unwrap_or_else(|e| panic!("{e:#}"));
    }
}

/// Runs the CLI's `pack` with a real kernel, the test initramfs and `cmdline`.
pub fn pack(assets: &Assets, kernel: &Path, cmdline: &str, out: &Path) {
    let entry = Entry::kernel(kernel).initrd(&assets.initramfs).cmdline(cmdline);
    assets.pack(Pack::new().entry(entry), out);
}
