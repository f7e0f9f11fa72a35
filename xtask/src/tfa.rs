//! TF-A for QEMU `virt` (PLAT=qemu), built from Debian's `arm-trusted-firmware` source package
//! and cached in `target/assets/tfa/`: `bl1.bin`, `bl2.bin`, `bl31.bin` and the host's
//! `fiptool`, with which each test packs its own FIP around springboard as BL33.
//!
//! Debian's binary package has no QEMU platform, so the source package is fetched (adding a
//! `deb-src` line derived from the existing Debian sources when apt knows none) and built with
//! the recipe in [`MAKE_ARGS`] and [`MAKE_ENV`]. One change is made to the source: QEMU's FIP
//! may be 4 MiB at most (`PLAT_QEMU_FIP_MAX_SIZE`), too small for a BL33 that carries a real
//! kernel, so it is raised to the rest of QEMU's 64 MiB flash after BL1's 256 KiB. The build
//! keeps assertions on (`ENABLE_ASSERTIONS=1`) so that reading past a FIP limit stops TF-A
//! instead of going unnoticed.

use crate::setup::cmd;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian's source package.
const SOURCE_PACKAGE: &str = "arm-trusted-firmware";
/// What building it needs on the host (the cross compiler, and OpenSSL for `fiptool`).
const PACKAGES: &[&str] =
    &["gcc-aarch64-linux-gnu", "binutils-aarch64-linux-gnu", "make", "libssl-dev", "dpkg-dev"];
/// `make` arguments: QEMU `virt`, assertions kept, a fixed version string (TF-A would
/// otherwise `git describe` the enclosing springboard checkout), the images and `fiptool`.
pub const MAKE_ARGS: &[&str] = &[
    "CROSS_COMPILE=aarch64-linux-gnu-",
    "PLAT=qemu",
    "ENABLE_ASSERTIONS=1",
    "BUILD_STRING=debian-source",
    "all",
    "fiptool",
];
/// Environment of the build: GNU ld 2.40 warns on TF-A's RWX segments, and GCC 12 needs
/// `min-pagesize=0` to stop false `-Warray-bounds` errors on MMIO addresses.
pub const MAKE_ENV: &[(&str, &str)] =
    &[("TF_LDFLAGS", "--no-warn-rwx-segments"), ("CFLAGS", "--param=min-pagesize=0")];
/// The platform header and the FIP limit line rewritten in it.
const PLATFORM_DEF: &str = "plat/qemu/qemu/include/platform_def.h";
const FIP_LIMIT: &str = "#define PLAT_QEMU_FIP_MAX_SIZE";
const FIP_LIMIT_NEW: &str =
    "#define PLAT_QEMU_FIP_MAX_SIZE (QEMU_FLASH0_SIZE - PLAT_QEMU_FIP_BASE)";
/// What is kept in `target/assets/tfa/`, from the build tree.
const OUTPUTS: &[(&str, &str)] = &[
    ("build/qemu/release/bl1.bin", "bl1.bin"),
    ("build/qemu/release/bl2.bin", "bl2.bin"),
    ("build/qemu/release/bl31.bin", "bl31.bin"),
    ("tools/fiptool/fiptool", "fiptool"),
];
/// Written last: names the recipe, so a changed recipe rebuilds.
const STAMP: &str = "recipe.txt";

/// Builds TF-A into `assets/tfa` unless the cache matches the recipe; returns that folder.
pub fn ensure(assets: &Path) -> Result<PathBuf> {
    let out = assets.join("tfa");
    let recipe = recipe();
    let cached = std::fs::read_to_string(out.join(STAMP)).is_ok_and(|r| r == recipe)
        && OUTPUTS.iter().all(|(_, name)| out.join(name).exists());
    if cached {
        println!("setup: TF-A ready in target/assets/tfa");
        return Ok(out);
    }
    ensure_packages()?;
    ensure_deb_src()?;
    let tree = fetch_source(&out.join("src"))?;
    raise_fip_limit(&tree.join(PLATFORM_DEF))?;
    println!("setup: building TF-A (PLAT=qemu) in {}", tree.display());
    let status = Command::new("make")
        .arg(format!("-j{}", std::thread::available_parallelism().map_or(1, |n| n.get())))
        .args(MAKE_ARGS)
        .envs(MAKE_ENV.iter().copied())
        .current_dir(&tree)
        .status()
        .context("starting make")?;
    if !status.success() {
        bail!("TF-A build failed ({status}): make {} in {}", MAKE_ARGS.join(" "), tree.display());
    }
    for (from, to) in OUTPUTS {
        std::fs::copy(tree.join(from), out.join(to))
            .with_context(|| format!("copying {from} from the TF-A build"))?;
    }
    std::fs::write(out.join(STAMP), recipe)?;
    println!("setup: TF-A built: target/assets/tfa/{{bl1,bl2,bl31}}.bin and fiptool");
    Ok(out)
}

/// The build line and the source change, as the stamp records them.
fn recipe() -> String {
    let env: Vec<String> = MAKE_ENV.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{} make {}\n{PLATFORM_DEF}: {FIP_LIMIT_NEW}\n", env.join(" "), MAKE_ARGS.join(" "))
}

/// Installs the cross toolchain and friends when any is missing (as root).
fn ensure_packages() -> Result<()> {
    let missing: Vec<&str> = PACKAGES
        .iter()
        .copied()
        .filter(|p| {
            let status = cmd::output("dpkg-query", &["-W", "-f", "${Status}", p]);
            !status.is_ok_and(|s| s.trim() == "install ok installed")
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    if !cmd::output("id", &["-u"]).is_ok_and(|uid| uid.trim() == "0") {
        bail!(
            "building TF-A needs {}: run as root, or \
             `sudo apt-get install --no-install-recommends {}`",
            missing.join(", "),
            missing.join(" ")
        );
    }
    println!("setup: installing {} (to build TF-A)", missing.join(", "));
    cmd::run("apt-get", &["update", "-q"], None)?;
    let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
    args.extend(&missing);
    cmd::run("apt-get", &args, None)
}

/// Makes `apt-get source` work: when apt knows no source of the package, adds `deb-src`
/// entries for the Debian archives that `/etc/apt` already uses, and updates.
fn ensure_deb_src() -> Result<()> {
    if cmd::output("apt-cache", &["showsrc", SOURCE_PACKAGE]).is_ok_and(|s| !s.trim().is_empty()) {
        return Ok(());
    }
    let (dir, file) = ("/etc/apt/sources.list.d", "springboard-deb-src.sources");
    let mut stanzas = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {dir}"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "sources") && !path.ends_with(file) {
            stanzas.extend(deb_src_stanzas(&std::fs::read_to_string(&path)?));
        }
    }
    if let Ok(list) = std::fs::read_to_string("/etc/apt/sources.list") {
        stanzas.extend(list.lines().filter_map(one_line_to_stanza));
    }
    if stanzas.is_empty() {
        bail!(
            "no Debian `deb` source in /etc/apt to derive a deb-src line from: \
             add one for {SOURCE_PACKAGE}"
        );
    }
    let path = Path::new(dir).join(file);
    println!("setup: adding {} (deb-src, for apt-get source {SOURCE_PACKAGE})", path.display());
    std::fs::write(&path, stanzas.join("\n"))
        .with_context(|| format!("writing {} (run as root)", path.display()))?;
    cmd::run("apt-get", &["update", "-q"], None)
}

/// The `Types: deb` stanzas of a deb822 `.sources` file that point at a Debian archive, as
/// `Types: deb-src` stanzas.
fn deb_src_stanzas(text: &str) -> Vec<String> {
    text.split("\n\n")
        .filter(|s| s.lines().any(|l| l.trim() == "Types: deb"))
        .filter(|s| s.lines().any(|l| l.starts_with("URIs:") && l.contains("debian")))
        .map(|s| {
            let lines = s.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
            let lines: Vec<&str> = lines
                .map(|l| if l.trim() == "Types: deb" { "Types: deb-src" } else { l })
                .collect();
            lines.join("\n") + "\n"
        })
        .collect()
}

/// A one-line `deb [OPTIONS] URI SUITE COMPONENTS…` entry of a Debian archive, as a deb-src
/// stanza (options such as `signed-by` are dropped: apt then uses its default keyrings).
fn one_line_to_stanza(line: &str) -> Option<String> {
    let without_options = match (line.find('['), line.find(']')) {
        (Some(open), Some(close)) if open < close => {
            format!("{}{}", &line[..open], &line[close + 1..])
        }
        _ => line.to_string(),
    };
    let words: Vec<&str> = without_options.split_whitespace().collect();
    match words.as_slice() {
        ["deb", uri, suite, components @ ..]
            if uri.contains("debian") && !components.is_empty() =>
        {
            Some(format!(
                "Types: deb-src\nURIs: {uri}\nSuites: {suite}\nComponents: {}\n",
                components.join(" ")
            ))
        }
        _ => None,
    }
}

/// Downloads Debian's source package into `dir` (once) and unpacks a fresh tree from it.
fn fetch_source(dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let dsc = |dir: &Path| -> Result<Option<PathBuf>> {
        Ok(std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "dsc"))
            .max())
    };
    if dsc(dir)?.is_none() {
        println!("setup: apt-get source --download-only {SOURCE_PACKAGE}");
        cmd::run("apt-get", &["source", "--download-only", SOURCE_PACKAGE], Some(dir))?;
    }
    let dsc =
        dsc(dir)?.with_context(|| format!("apt-get source left no .dsc in {}", dir.display()))?;
    let tree = dir.join("tree");
    if tree.exists() {
        std::fs::remove_dir_all(&tree).with_context(|| format!("removing {}", tree.display()))?;
    }
    let dsc_name = dsc.file_name().and_then(|n| n.to_str()).context("a .dsc file name")?;
    cmd::run("dpkg-source", &["-x", dsc_name, "tree"], Some(dir))?;
    Ok(tree)
}

/// Rewrites the one `PLAT_QEMU_FIP_MAX_SIZE` definition of `path` to the flash after BL1.
fn raise_fip_limit(path: &Path) -> Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let hits = text.lines().filter(|l| l.starts_with(FIP_LIMIT)).count();
    if hits != 1 {
        bail!("{}: expected one `{FIP_LIMIT}` line, found {hits}", path.display());
    }
    let patched: Vec<&str> =
        text.lines().map(|l| if l.starts_with(FIP_LIMIT) { FIP_LIMIT_NEW } else { l }).collect();
    std::fs::write(path, patched.join("\n") + "\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_deb_src_from_debian_stanzas_only() {
        let text =
            "Types: deb\n# mirror note\nURIs: http://deb.debian.org/debian\nSuites: bookworm\n\
                    Components: main\n\nTypes: deb\nURIs: https://example.com/apt\nSuites: x\n\
                    Components: main\n";
        let stanzas = deb_src_stanzas(text);
        assert_eq!(
            stanzas,
            ["Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\n\
              Components: main\n"]
        );
    }

    #[test]
    fn converts_one_line_debian_entries() {
        let stanza = one_line_to_stanza("deb http://deb.debian.org/debian bookworm main contrib");
        assert_eq!(
            stanza.as_deref(),
            Some(
                "Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\n\
                 Components: main contrib\n"
            )
        );
        let signed = "deb [signed-by=/usr/share/keyrings/debian.gpg] http://x/debian bookworm main";
        assert_eq!(
            one_line_to_stanza(signed).as_deref(),
            Some("Types: deb-src\nURIs: http://x/debian\nSuites: bookworm\nComponents: main\n")
        );
        assert_eq!(one_line_to_stanza("# deb http://deb.debian.org/debian bookworm main"), None);
        assert_eq!(one_line_to_stanza("deb-src http://deb.debian.org/debian bookworm main"), None);
    }
}
