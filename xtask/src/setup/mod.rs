//! `cargo xtask setup`: install what is missing and prepare the test assets in
//! `target/assets` — idempotent, one line per step, and without apt or the network when
//! everything is already there.
//!
//! ```text
//! target/assets/
//!   manifest.txt                  what the QEMU tests read (springboard_host::manifest)
//!   debs/*.deb                    the Debian packages, as apt-get download left them
//!   kernels/vmlinuz-<release>     real Debian arm64 kernels (uncompressed Image)
//!   busybox                       busybox-static:arm64's /bin/busybox
//!   initramfs.cpio                busybox + /init (initramfs.rs), then board modules (modules.rs)
//!   kernel-files/<release>/       DTBs and modules from the generic kernel's package
//!   dtbs/*.dtb                    the boards' DTBs, zcu102's patched for QEMU (dtbs.rs)
//!   kexec-root/                   kexec-tools:arm64 and its libraries' packages, unpacked
//!   kexec-initramfs.cpio          busybox + kexec and its libraries + /init (guest.rs), then
//!                                 the board modules
//! ```

mod apt;
pub mod cmd;
mod dtbs;
mod guest;
mod initramfs;
mod kernel_files;
mod kernels;
mod modules;
mod packages;
mod shared_libs;

pub use kernels::Kernel;

use anyhow::{Context, Result};
use springboard_host::manifest::{self, Manifest};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What the tests and the demo boot: kernels and the initramfs under `target/assets`,
/// U-Boot where Debian installs it.
pub struct Assets {
    /// The assets folder, `target/assets`.
    pub dir: PathBuf,
    /// Real Debian kernels, generic first.
    pub kernels: Vec<Kernel>,
    /// The busybox initramfs whose `/init` prints the markers and powers off.
    pub initramfs: PathBuf,
    /// The kexec guest initramfs: busybox, `/sbin/kexec` and its libraries (guest.rs).
    pub kexec_initramfs: PathBuf,
    /// Debian's U-Boot for QEMU `virt`.
    pub uboot: PathBuf,
    /// The boards' DTBs, by board name (dtbs.rs).
    pub dtbs: Vec<(String, PathBuf)>,
}

impl Assets {
    /// The manifest that lists these assets.
    pub fn manifest(&self) -> Manifest {
        Manifest {
            kernels: self.kernels.clone(),
            initramfs: Some(self.initramfs.clone()),
            kexec_initramfs: Some(self.kexec_initramfs.clone()),
            uboot: Some(self.uboot.clone()),
            dtbs: self.dtbs.clone(),
        }
    }
}

/// Downloads the newest version of the Debian package `package` (`name:arch`) into `dir`,
/// unless it is already there, and returns the `.deb`'s path.
pub fn download(package: &str, dir: &Path) -> Result<PathBuf> {
    let (name, arch) = package
        .split_once(':')
        .with_context(|| format!("package `{package}` names no architecture (name:arch)"))?;
    packages::ensure_arm64_lists()?;
    apt::download(&apt::candidate(name, arch)?, dir)
}

/// The kernels an earlier run listed in the manifest and left in place, if any.
fn listed_kernels(dir: &Path) -> Vec<Kernel> {
    let Ok(text) = std::fs::read_to_string(dir.join(manifest::FILE_NAME)) else {
        return Vec::new();
    };
    match Manifest::parse(dir, &text) {
        Ok(manifest) => manifest.kernels,
        Err(e) => {
            println!("setup: ignoring the old manifest: {e:#}");
            Vec::new()
        }
    }
}

/// Installs what is missing, fetches what is not there yet, and returns the assets.
pub fn run() -> Result<Assets> {
    let started = Instant::now();
    packages::ensure_host_packages()?;
    packages::ensure_rust_target(crate::build::TARGET)?;

    let dir = crate::root().join("target/assets");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let listed = listed_kernels(&dir);
    let mut kernels = Vec::new();
    for (label, meta) in kernels::FLAVOURS {
        // A kernel listed before is kept without asking apt (which costs a second a call).
        let cached =
            listed.iter().find(|k| k.label == *label && kernels::check_image(&k.path).is_ok());
        let kernel = match cached {
            Some(k) => {
                println!("setup: kernel {label}: {} (kernels/vmlinuz-{0})", k.release);
                k.clone()
            }
            None => kernels::fetch(label, meta, &dir)?,
        };
        kernels.push(kernel);
    }
    // The boards' DTBs and modules come from the generic kernel's package (listed first).
    let files = kernel_files::KernelFiles::new(&dir, &kernels[0].release)?;
    let dtbs = dtbs::prepare(&dir, &files)?;
    let modules = modules::collect(&files)?;
    let modules = modules::archive(&files.release, &modules);
    let initramfs = initramfs::build(&dir, &modules)?;
    let kexec_initramfs = guest::build(&dir, &modules)?;
    let uboot = PathBuf::from(packages::UBOOT);
    let assets = Assets { dir, kernels, initramfs, kexec_initramfs, uboot, dtbs };
    let wrote = assets.manifest().write(&assets.dir)?;
    println!(
        "setup: manifest.txt {}; assets ready in target/assets ({:.2} s)",
        if wrote { "written" } else { "up to date" },
        started.elapsed().as_secs_f64()
    );
    Ok(assets)
}
