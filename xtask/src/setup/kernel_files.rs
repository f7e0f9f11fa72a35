//! Files taken from the generic kernel's Debian package besides its `vmlinuz` — board DTBs
//! (`/usr/lib/linux-image-<release>/…`) and modules (`/lib/modules/<release>/kernel/…`) —
//! extracted once into `target/assets/kernel-files/<release>/`, keeping the package's paths.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The folder of the assets that holds the extracted files of each kernel release.
const FOLDER: &str = "kernel-files";

/// One kernel release's package and where its files are extracted.
pub struct KernelFiles {
    /// The kernel release, e.g. `6.1.0-57-arm64`.
    pub release: String,
    /// The package `linux-image-<release>_…_arm64.deb`.
    deb: PathBuf,
    /// `target/assets/kernel-files/<release>`.
    pub root: PathBuf,
}

impl KernelFiles {
    /// The package of `release` that setup downloaded into `dir/debs` (found by its name,
    /// without asking apt).
    pub fn new(dir: &Path, release: &str) -> Result<KernelFiles> {
        let prefix = format!("linux-image-{release}_");
        let debs = dir.join("debs");
        let entries =
            std::fs::read_dir(&debs).with_context(|| format!("reading {}", debs.display()))?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                name.starts_with(&prefix) && name.ends_with("_arm64.deb")
            })
            .collect();
        found.sort();
        let Some(deb) = found.pop() else {
            bail!("no {prefix}*_arm64.deb in {}: run `cargo xtask setup` again", debs.display())
        };
        let root = dir.join(FOLDER).join(release);
        Ok(KernelFiles { release: release.to_string(), deb, root })
    }

    /// The DTB `name` (e.g. `broadcom/bcm2837-rpi-3-b.dtb`) as the package installs it.
    pub fn dtb_member(&self, name: &str) -> String {
        format!("./usr/lib/linux-image-{}/{name}", self.release)
    }

    /// A `tar` pattern for the module `name` anywhere under the release's `kernel/` folder
    /// (module names write `_` where a file name may have `-`).
    pub fn module_pattern(&self, name: &str) -> String {
        format!("./lib/modules/{}/kernel/*/{}.ko", self.release, name.replace(['_', '-'], "[_-]"))
    }

    /// Where a member (`./path`) is, once extracted.
    pub fn path(&self, member: &str) -> PathBuf {
        self.root.join(member.trim_start_matches("./"))
    }

    /// Extracts every member matching one of `patterns` (tar wildcards) in one pass over the
    /// package (about 3 s: callers first look for what an earlier run extracted). Fails when
    /// a pattern matched nothing.
    pub fn extract(&self, patterns: &[String]) -> Result<()> {
        std::fs::create_dir_all(&self.root)
            .with_context(|| format!("creating {}", self.root.display()))?;
        println!(
            "setup: extracting {} member(s) of {} into {}",
            patterns.len(),
            self.deb.file_name().and_then(|n| n.to_str()).unwrap_or("?"),
            self.root.display()
        );
        let mut dpkg = Command::new("dpkg-deb")
            .arg("--fsys-tarfile")
            .arg(&self.deb)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting dpkg-deb")?;
        let tar = Command::new("tar")
            .arg("-x")
            .arg("-C")
            .arg(&self.root)
            .arg("--wildcards")
            .args(patterns)
            .stdin(dpkg.stdout.take().context("dpkg-deb's stdout pipe")?)
            .stderr(Stdio::piped())
            .output()
            .context("starting tar")?;
        let dpkg = dpkg.wait_with_output().context("waiting for dpkg-deb")?;
        if !dpkg.status.success() || !tar.status.success() {
            bail!(
                "dpkg-deb --fsys-tarfile {} | tar -x {}: {}{}",
                self.deb.display(),
                patterns.join(" "),
                String::from_utf8_lossy(&dpkg.stderr).trim(),
                String::from_utf8_lossy(&tar.stderr).trim()
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> KernelFiles {
        KernelFiles {
            release: "6.1.0-57-arm64".into(),
            deb: PathBuf::from("x.deb"),
            root: PathBuf::from("assets/kernel-files/6.1.0-57-arm64"),
        }
    }

    #[test]
    fn names_members_as_the_package_holds_them() {
        let f = files();
        let dtb = f.dtb_member("xilinx/zynqmp-zcu102-rev1.0.dtb");
        assert_eq!(dtb, "./usr/lib/linux-image-6.1.0-57-arm64/xilinx/zynqmp-zcu102-rev1.0.dtb");
        assert_eq!(
            f.path(&dtb),
            Path::new(
                "assets/kernel-files/6.1.0-57-arm64/usr/lib/linux-image-6.1.0-57-arm64/xilinx/\
                 zynqmp-zcu102-rev1.0.dtb"
            )
        );
    }

    #[test]
    fn a_module_pattern_matches_either_spelling_of_its_name() {
        assert_eq!(
            files().module_pattern("bcm2835_wdt"),
            "./lib/modules/6.1.0-57-arm64/kernel/*/bcm2835[_-]wdt.ko"
        );
    }
}
