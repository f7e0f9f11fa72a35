//! Looking Debian packages up with apt and downloading them (once) into `target/assets/debs`.
//!
//! Each `apt-cache` call costs most of a second here (apt keeps no binary cache on these
//! machines), so these run only when an asset is missing, never on a run that finds everything.

use super::cmd;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// One version of one package of one architecture, as apt names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    /// The package name without architecture, e.g. `busybox-static`.
    pub name: String,
    /// The Debian version, e.g. `1:1.35.0-4+deb12u1+b1`.
    pub version: String,
    /// The architecture, e.g. `arm64`.
    pub arch: String,
}

impl Package {
    /// `name:arch=version`, the form `apt-cache show` and `apt-get download` take.
    pub fn spec(&self) -> String {
        format!("{}:{}={}", self.name, self.arch, self.version)
    }

    /// The file name `apt-get download` gives it (an epoch's `:` is written `%3a`).
    pub fn deb_file_name(&self) -> String {
        format!("{}_{}_{}.deb", self.name, self.version.replace(':', "%3a"), self.arch)
    }
}

/// The candidate (newest installable) version of `name:arch`, from `apt-cache policy`.
pub fn candidate(name: &str, arch: &str) -> Result<Package> {
    let spec = format!("{name}:{arch}");
    let policy = cmd::output("apt-cache", &["policy", &spec])?;
    let version = policy
        .lines()
        .find_map(|l| l.trim().strip_prefix("Candidate:"))
        .map(str::trim)
        .filter(|v| !v.is_empty() && *v != "(none)")
        .with_context(|| {
            format!("apt has no candidate for {spec} (apt-cache policy says: {})", policy.trim())
        })?;
    Ok(Package { name: name.to_string(), version: version.to_string(), arch: arch.to_string() })
}

/// The value of `field` (e.g. `Depends`, `Size`) in `apt-cache show`'s record of `package`.
pub fn field(package: &Package, field: &str) -> Result<String> {
    let show = cmd::output("apt-cache", &["show", &package.spec()])?;
    record_field(&show, field)
        .with_context(|| format!("`apt-cache show {}` has no {field} field", package.spec()))
}

/// The value of `field` in the first record of `apt-cache show`'s output.
pub fn record_field(show: &str, field: &str) -> Option<String> {
    show.lines()
        .take_while(|l| !l.trim().is_empty())
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .map(|v| v.trim().to_string())
}

/// Whether apt can look up Debian's arm64 packages (the arm64 architecture is added and
/// `apt-get update` ran since).
pub fn knows_arm64_packages() -> bool {
    cmd::output("apt-cache", &["show", "linux-image-arm64:arm64"])
        .is_ok_and(|out| out.contains("Package: linux-image-arm64"))
}

/// Downloads `package` into `dir` unless a file of the size apt expects is already there;
/// returns the `.deb`'s path.
pub fn download(package: &Package, dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let size: u64 = field(package, "Size")?
        .parse()
        .with_context(|| format!("apt's Size of {} is not a number", package.spec()))?;
    let deb = dir.join(package.deb_file_name());
    match std::fs::metadata(&deb) {
        Ok(m) if m.len() == size => {
            println!("setup: {} already downloaded ({})", package.deb_file_name(), mib(size));
            return Ok(deb);
        }
        Ok(m) => {
            println!(
                "setup: {} is {} bytes, apt says {size}: downloading it again",
                deb.display(),
                m.len()
            );
            std::fs::remove_file(&deb)?;
        }
        Err(_) => {}
    }
    println!("setup: downloading {} {} ({})", package.name, package.version, mib(size));
    let started = Instant::now();
    let mut args = vec!["download", "-q"];
    // As root, apt would drop to the `_apt` user, who may not write into `dir`, and warn.
    if cmd::is_root() {
        args.extend(["-o", "APT::Sandbox::User=root"]);
    }
    let spec = package.spec();
    args.push(&spec);
    cmd::run("apt-get", &args, Some(dir))?;
    let got = std::fs::metadata(&deb)
        .with_context(|| format!("`apt-get download {spec}` left no {}", deb.display()))?
        .len();
    if got != size {
        bail!("{} is {got} bytes; apt's index says {size}", deb.display());
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "setup: downloaded {} ({} in {secs:.1} s, {:.1} MB/s)",
        package.deb_file_name(),
        mib(got),
        got as f64 / 1e6 / secs.max(0.001)
    );
    Ok(deb)
}

/// `n` bytes in MiB, for people.
pub fn mib(n: u64) -> String {
    format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHOW: &str = "Package: linux-image-arm64\nVersion: 6.1.192-2\nSize: 1484\n\
        Depends: linux-image-6.1.0-56-arm64 (= 6.1.192-2)\nDescription-md5: x\n\n\
        Package: linux-image-arm64\nVersion: 6.1.176-1\n\
        Depends: linux-image-6.1.0-40-arm64 (= 6.1.176-1)\n";

    #[test]
    fn reads_fields_of_the_first_record_only() {
        assert_eq!(
            record_field(SHOW, "Depends").as_deref(),
            Some("linux-image-6.1.0-56-arm64 (= 6.1.192-2)")
        );
        assert_eq!(record_field(SHOW, "Size").as_deref(), Some("1484"));
        assert_eq!(record_field(SHOW, "Pre-Depends"), None);
    }

    #[test]
    fn does_not_take_a_longer_field_name_for_a_prefix() {
        assert_eq!(record_field(SHOW, "Description"), None);
    }

    #[test]
    fn names_the_deb_as_apt_get_download_does() {
        let p = Package {
            name: "busybox-static".into(),
            version: "1:1.35.0-4+deb12u1+b1".into(),
            arch: "arm64".into(),
        };
        assert_eq!(p.deb_file_name(), "busybox-static_1%3a1.35.0-4+deb12u1+b1_arm64.deb");
        assert_eq!(p.spec(), "busybox-static:arm64=1:1.35.0-4+deb12u1+b1");
    }
}
