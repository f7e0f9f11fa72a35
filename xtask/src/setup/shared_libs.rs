//! A dynamically linked arm64 program from a Debian package, with its program interpreter and
//! every shared library it loads, taken from Debian's arm64 packages: the files an initramfs
//! needs to run it.
//!
//! The libraries are found by soname: the package and, round by round, the arm64 packages it
//! depends on (`apt-cache depends`) are downloaded and unpacked into a staging root until every
//! `DT_NEEDED` name of the program and of the libraries found so far is present there.

use super::cmd;
use anyhow::{bail, Context, Result};
use object::elf;
use object::read::elf::{Dyn, FileHeader, ProgramHeader};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

/// Where Debian's arm64 packages put shared libraries, searched in this order (the program
/// interpreter's default search path on Debian 12 arm64).
const LIBRARY_DIRS: &[&str] =
    &["lib/aarch64-linux-gnu", "usr/lib/aarch64-linux-gnu", "lib", "usr/lib"];
/// Where the initramfs holds the libraries: a folder in that default search path.
pub const INITRAMFS_LIBRARY_DIR: &str = "lib/aarch64-linux-gnu";
/// How many rounds of dependencies to download before giving up.
const MAX_ROUNDS: usize = 6;

/// The files to put in an initramfs, by their path there (relative, no leading `/`).
pub type Files = BTreeMap<String, Vec<u8>>;

/// The dynamic-linking facts of an ELF file.
struct Dynamic {
    /// `PT_INTERP`, e.g. `/lib/ld-linux-aarch64.so.1`.
    interpreter: Option<String>,
    /// `DT_NEEDED` sonames.
    needed: Vec<String>,
}

/// Reads `PT_INTERP` and the `DT_NEEDED` entries of a 64-bit little-endian ELF file.
fn dynamic(bytes: &[u8], what: &Path) -> Result<Dynamic> {
    let context = || format!("reading the ELF dynamic section of {}", what.display());
    let header = elf::FileHeader64::<object::Endianness>::parse(bytes).with_context(context)?;
    let endian = header.endian().with_context(context)?;
    let mut interpreter = None;
    for segment in header.program_headers(endian, bytes).with_context(context)? {
        if let Some(path) = segment.interpreter(endian, bytes).with_context(context)? {
            interpreter = Some(String::from_utf8_lossy(path).into_owned());
        }
    }
    let sections = header.sections(endian, bytes).with_context(context)?;
    let mut needed = Vec::new();
    if let Some((entries, link)) = sections.dynamic(endian, bytes).with_context(context)? {
        let strings = sections.strings(endian, bytes, link).with_context(context)?;
        for entry in entries {
            if entry.tag32(endian) == Some(elf::DT_NEEDED) {
                let name = entry.string(endian, strings).with_context(context)?;
                needed.push(String::from_utf8_lossy(name).into_owned());
            }
        }
    }
    Ok(Dynamic { interpreter, needed })
}

/// Follows symbolic links of `path` inside `root` (absolute targets are taken relative to
/// `root`, as they would be in the initramfs) and returns the regular file it names, if any.
fn resolve(root: &Path, path: &str) -> Option<PathBuf> {
    let mut path = PathBuf::from(path.trim_start_matches('/'));
    for _ in 0..16 {
        let full = root.join(&path);
        let meta = std::fs::symlink_metadata(&full).ok()?;
        if !meta.file_type().is_symlink() {
            return meta.is_file().then_some(full);
        }
        let target = std::fs::read_link(&full).ok()?;
        let joined = match target.strip_prefix("/") {
            Ok(absolute) => absolute.to_path_buf(),
            Err(_) => path.parent().unwrap_or(Path::new("")).join(target),
        };
        // `..` is applied by hand, so a path always names a file below `root` one way.
        path = PathBuf::new();
        for part in joined.components() {
            match part {
                Component::ParentDir => _ = path.pop(),
                Component::Normal(name) => path.push(name),
                _ => {}
            }
        }
    }
    None
}

/// The library `soname` in the staging root, searched like the program interpreter does.
fn find_library(root: &Path, soname: &str) -> Option<PathBuf> {
    LIBRARY_DIRS.iter().find_map(|dir| resolve(root, &format!("{dir}/{soname}")))
}

/// The arm64 packages that `package` depends on (`Depends: name:arm64` in `apt-cache
/// depends`): shared libraries are always architecture-specific, while `Architecture: all`
/// packages (debconf, …) and virtual ones (`<name>`) are left out.
fn arm64_dependencies(package: &str) -> Result<Vec<String>> {
    let text = cmd::output(
        "apt-cache",
        &["depends", "--no-recommends", "--no-suggests", "--no-enhances", package],
    )?;
    let deps = text
        .lines()
        .filter_map(|l| l.trim_start().trim_start_matches('|').strip_prefix("Depends: "))
        .filter(|d| d.ends_with(":arm64") && !d.starts_with('<'))
        .map(str::to_string)
        .collect();
    Ok(deps)
}

/// Downloads `package` (an arm64 package holding `program`, e.g. `sbin/kexec`) and the library
/// packages it needs into `debs`, unpacks them under `staging`, and returns `program`, its
/// interpreter (at the path `PT_INTERP` names) and its libraries (in
/// [`INITRAMFS_LIBRARY_DIR`]). Fails naming every soname no downloaded package holds.
///
/// Each round downloads the dependencies of the packages whose files the closure used so far
/// (not of every package fetched), so libc's own dependencies, say, are never downloaded. A
/// staging root left complete by an earlier run is used without asking apt.
pub fn collect(package: &str, program: &str, debs: &Path, staging: &Path) -> Result<Files> {
    if resolve(staging, program).is_some() {
        let found = closure(staging, program)?;
        if found.missing.is_empty() {
            return Ok(found.files);
        }
    }
    std::fs::create_dir_all(debs)?;
    std::fs::create_dir_all(staging)?;
    let mut owners: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut expanded = BTreeSet::new();
    let mut round = vec![package.to_string()];
    for _ in 0..MAX_ROUNDS {
        for pkg in &round {
            let deb = super::download(pkg, debs)?;
            let (deb_arg, staging_arg) = (deb.display().to_string(), staging.display().to_string());
            cmd::run("dpkg-deb", &["-x", &deb_arg, &staging_arg], None)?;
            for path in deb_files(&deb_arg)? {
                owners.insert(staging.join(path), pkg.clone());
            }
        }
        let found = closure(staging, program)?;
        if found.missing.is_empty() {
            return Ok(found.files);
        }
        let users: BTreeSet<&String> = found.used.iter().filter_map(|p| owners.get(p)).collect();
        let mut next = BTreeSet::new();
        for pkg in users.into_iter().filter(|p| expanded.insert(p.to_string())) {
            next.extend(arm64_dependencies(pkg)?);
        }
        let fetched: BTreeSet<&String> = owners.values().collect();
        round = next.into_iter().filter(|p| !fetched.contains(p)).collect();
        if round.is_empty() {
            bail!(
                "{program} from {package}: no package among {fetched:?} holds {:?} in {}",
                found.missing,
                LIBRARY_DIRS.join(", ")
            );
        }
    }
    bail!("{program} from {package}: libraries still missing after {MAX_ROUNDS} rounds")
}

/// The paths (relative, without `./`) of the files and links in the Debian package `deb`.
fn deb_files(deb: &str) -> Result<Vec<PathBuf>> {
    let listing = cmd::output("dpkg-deb", &["--contents", deb])?;
    let paths = listing
        .lines()
        .filter_map(|line| line.split_once(" ./").map(|(_, path)| path))
        .map(|path| path.split(" -> ").next().unwrap_or(path).trim_end_matches('/'))
        .filter(|path| !path.is_empty())
        .map(PathBuf::from)
        .collect();
    Ok(paths)
}

/// What [`closure`] found in the staging root.
struct Closure {
    /// The files for the initramfs.
    files: Files,
    /// Sonames (or the interpreter's path) not found.
    missing: BTreeSet<String>,
    /// The staging files the closure read, to tell which packages it needs.
    used: BTreeSet<PathBuf>,
}

/// The program, its interpreter and the `DT_NEEDED` closure found in `root` so far.
fn closure(root: &Path, program: &str) -> Result<Closure> {
    let program_path = resolve(root, program)
        .with_context(|| format!("{program} is not in the unpacked package"))?;
    let program_bytes = std::fs::read(&program_path)?;
    let top = dynamic(&program_bytes, &program_path)?;
    let mut found =
        Closure { files: Files::new(), missing: BTreeSet::new(), used: BTreeSet::new() };
    found.files.insert(program.trim_start_matches('/').to_string(), program_bytes);
    found.used.insert(program_path);
    let mut interpreter_name = None;
    if let Some(interp) = &top.interpreter {
        match resolve(root, interp) {
            Some(path) => {
                let bytes = std::fs::read(&path)?;
                found.files.insert(interp.trim_start_matches('/').to_string(), bytes);
                found.used.insert(path);
            }
            None => _ = found.missing.insert(interp.clone()),
        }
        interpreter_name = Path::new(interp).file_name().map(|n| n.to_string_lossy().into_owned());
    }
    let mut seen = BTreeSet::new();
    let mut queue = top.needed;
    while let Some(soname) = queue.pop() {
        if !seen.insert(soname.clone()) || Some(&soname) == interpreter_name.as_ref() {
            continue;
        }
        let Some(path) = find_library(root, &soname) else {
            found.missing.insert(soname);
            continue;
        };
        let bytes = std::fs::read(&path)?;
        queue.extend(dynamic(&bytes, &path)?.needed);
        found.files.insert(format!("{INITRAMFS_LIBRARY_DIR}/{soname}"), bytes);
        found.used.insert(path);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh scratch root under the target folder.
    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("xtask-shared-libs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn reads_the_interpreter_and_needed_libraries_of_a_real_dynamic_executable() {
        // This test binary itself: a dynamically linked host executable that needs libc.
        let exe = std::env::current_exe().unwrap();
        let facts = dynamic(&std::fs::read(&exe).unwrap(), &exe).unwrap();
        assert!(facts.interpreter.is_some_and(|i| i.starts_with('/')));
        assert!(facts.needed.iter().any(|n| n.starts_with("libc.so")), "{:?}", facts.needed);
    }

    #[test]
    fn rejects_a_file_that_is_not_elf_naming_it() {
        let err = dynamic(b"#!/bin/sh\n", Path::new("x.sh")).err().unwrap();
        assert!(format!("{err:#}").contains("x.sh"), "{err:#}");
    }

    #[test]
    fn follows_relative_and_absolute_links_inside_the_root() {
        let root = scratch("links");
        std::fs::create_dir_all(root.join("usr/lib/aarch64-linux-gnu")).unwrap();
        std::fs::create_dir_all(root.join("lib")).unwrap();
        std::fs::write(root.join("usr/lib/aarch64-linux-gnu/libz.so.1.2.13"), b"z").unwrap();
        std::os::unix::fs::symlink(
            "libz.so.1.2.13",
            root.join("usr/lib/aarch64-linux-gnu/libz.so.1"),
        )
        .unwrap();
        // An absolute target means the root's own /usr/lib, never the host's.
        std::os::unix::fs::symlink("/usr/lib/aarch64-linux-gnu/libz.so.1", root.join("lib/ld.so"))
            .unwrap();
        let want = root.join("usr/lib/aarch64-linux-gnu/libz.so.1.2.13");
        assert_eq!(find_library(&root, "libz.so.1"), Some(want.clone()));
        assert_eq!(resolve(&root, "/lib/ld.so"), Some(want.clone()));
        std::os::unix::fs::symlink("../usr/./lib/aarch64-linux-gnu/libz.so.1", root.join("lib/up"))
            .unwrap();
        assert_eq!(resolve(&root, "lib/up"), Some(want));
        assert_eq!(find_library(&root, "libc.so.6"), None);
        std::os::unix::fs::symlink("loop", root.join("lib/loop")).unwrap();
        assert_eq!(resolve(&root, "lib/loop"), None);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
