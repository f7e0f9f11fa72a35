//! The kernel modules the test initramfs and the kexec guest initramfs (`guest.rs`) carry for
//! the boards' sake: `bcm2835_wdt`, through
//! which Linux powers a Raspberry Pi off (without it, `poweroff` on `raspi3b` halts and QEMU
//! keeps running), with every module it depends on.
//!
//! Debian's package ships no `modules.dep` (`depmod` makes it on install), so the
//! dependencies come from each module's own `.modinfo` section: NUL-separated `key=value`
//! strings, one of them `depends=a,b` (Linux `scripts/mod/modpost.c` writes it).
//!
//! They go into a second cpio archive appended to each initramfs (Linux unpacks concatenated
//! archives into one root), at `/lib/modules/<release>/`, with [`LOAD_ORDER`] listing them
//! dependencies first; `/init` loads them from the folder of the running kernel's release, so
//! a kernel of another release loads none.

use super::kernel_files::KernelFiles;
use anyhow::{bail, Context, Result};
use image_formats::cpio::Cpio;
use object::{Object, ObjectSection};
use std::path::{Path, PathBuf};

/// The modules the test initramfs needs, without their dependencies.
const WANTED: &[&str] = &["bcm2835_wdt"];
/// The file in `/lib/modules/<release>/` that lists the module names to load, in order.
pub const LOAD_ORDER: &str = "springboard-load-order";
/// Where the modules of a release live in the initramfs (no leading `/`: a cpio name).
pub const GUEST_FOLDER: &str = "lib/modules";

/// One module: its name (as `depends=` writes it) and its bytes.
pub struct Module {
    /// E.g. `bcm2835_wdt`.
    pub name: String,
    /// The `.ko` file.
    pub bytes: Vec<u8>,
}

/// The names in a module's `depends=` entry of its `.modinfo` section.
pub fn depends(ko: &[u8]) -> Result<Vec<String>> {
    let file = object::File::parse(ko).context("parsing the module as ELF")?;
    let Some(section) = file.section_by_name(".modinfo") else {
        bail!("the module has no .modinfo section");
    };
    let data = section.data().context("reading .modinfo")?;
    let entry = data.split(|b| *b == 0).find_map(|s| s.strip_prefix(b"depends="));
    let Some(list) = entry else {
        let at = section.file_range().map_or(0, |(offset, _)| offset);
        bail!(".modinfo at file offset {at:#x} ({} bytes) has no depends= entry", data.len());
    };
    let list = std::str::from_utf8(list).context("depends= is not UTF-8")?;
    Ok(list.split(',').filter(|n| !n.is_empty()).map(str::to_string).collect())
}

/// The extracted `.ko` of module `name` under `root`, if an earlier extraction left it.
fn find(root: &Path, name: &str) -> Option<PathBuf> {
    let file_names = [format!("{name}.ko"), format!("{}.ko", name.replace('_', "-"))];
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).ok()?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if file_names.iter().any(|n| path.file_name().is_some_and(|f| f == n.as_str())) {
                return Some(path);
            }
        }
    }
    None
}

/// The `.ko` of `name`, extracted from the package unless it already is.
fn module_file(files: &KernelFiles, name: &str) -> Result<PathBuf> {
    let modules = files.root.join("lib/modules");
    if let Some(path) = find(&modules, name) {
        return Ok(path);
    }
    files.extract(&[files.module_pattern(name)])?;
    find(&modules, name).with_context(|| format!("module {name} not in {}", modules.display()))
}

/// [`WANTED`] and their dependencies, each after the modules it depends on.
pub fn collect(files: &KernelFiles) -> Result<Vec<Module>> {
    let mut ordered: Vec<Module> = Vec::new();
    // Depth-first: a module is pushed once everything it depends on is.
    let mut stack: Vec<(String, bool)> =
        WANTED.iter().rev().map(|n| (n.to_string(), false)).collect();
    while let Some((name, expanded)) = stack.pop() {
        if ordered.iter().any(|m| m.name == name) {
            continue;
        }
        let path = module_file(files, &name)?;
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        if expanded {
            ordered.push(Module { name, bytes });
            continue;
        }
        let deps = depends(&bytes).with_context(|| format!("in {}", path.display()))?;
        if stack.len() > 64 {
            bail!("module {name}: dependency chain deeper than 64 (a cycle?)");
        }
        stack.push((name, true));
        stack.extend(deps.into_iter().rev().map(|d| (d, false)));
    }
    Ok(ordered)
}

/// The cpio archive appended to the initramfs: the modules of `release` and their load order.
pub fn archive(release: &str, modules: &[Module]) -> Vec<u8> {
    let mut cpio = Cpio::new();
    let folder = format!("{GUEST_FOLDER}/{release}");
    for dir in ["lib", GUEST_FOLDER, &folder] {
        cpio.dir(dir);
    }
    let mut order = String::new();
    for module in modules {
        cpio.file(&format!("{folder}/{}.ko", module.name), 0o644, &module.bytes);
        order += &format!("{}\n", module.name);
    }
    cpio.file(&format!("{folder}/{LOAD_ORDER}"), 0o644, order.as_bytes());
    cpio.finish()
}

/// The shell lines of `/init` that load the running kernel's modules, in order.
pub fn load_script() -> String {
    format!(
        r#"dir=/{GUEST_FOLDER}/$(/bin/busybox uname -r)
for m in $(/bin/busybox cat $dir/{LOAD_ORDER} 2>/dev/null); do
    /bin/busybox insmod $dir/$m.ko
done
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal ELF64 relocatable with one `.modinfo` section holding `modinfo`: the header,
    /// the section data at 0x40, the names at 0x80, then three section headers (null,
    /// `.modinfo`, `.shstrtab`).
    fn ko(modinfo: &[u8]) -> Vec<u8> {
        let mut elf = vec![0u8; 0xc0];
        elf[..6].copy_from_slice(b"\x7fELF\x02\x01");
        elf[6] = 1; // EI_VERSION
        elf[16..18].copy_from_slice(&1u16.to_le_bytes()); // ET_REL
        elf[18..20].copy_from_slice(&183u16.to_le_bytes()); // EM_AARCH64
        elf[20..24].copy_from_slice(&1u32.to_le_bytes());
        elf[0x28..0x30].copy_from_slice(&0xc0u64.to_le_bytes()); // e_shoff
        elf[0x34..0x36].copy_from_slice(&64u16.to_le_bytes()); // e_ehsize
        elf[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes()); // e_shentsize
        elf[0x3c..0x3e].copy_from_slice(&3u16.to_le_bytes()); // e_shnum
        elf[0x3e..0x40].copy_from_slice(&2u16.to_le_bytes()); // e_shstrndx
        elf[0x40..0x40 + modinfo.len()].copy_from_slice(modinfo);
        let names = b"\0.modinfo\0.shstrtab\0";
        elf[0x80..0x80 + names.len()].copy_from_slice(names);
        let section = |name: u32, kind: u32, offset: u64, size: u64| {
            let mut h = vec![0u8; 64];
            h[0..4].copy_from_slice(&name.to_le_bytes());
            h[4..8].copy_from_slice(&kind.to_le_bytes());
            h[0x18..0x20].copy_from_slice(&offset.to_le_bytes());
            h[0x20..0x28].copy_from_slice(&size.to_le_bytes());
            h[0x30..0x38].copy_from_slice(&1u64.to_le_bytes());
            h
        };
        elf.extend(vec![0u8; 64]);
        elf.extend(section(1, 1, 0x40, modinfo.len() as u64)); // PROGBITS
        elf.extend(section(10, 3, 0x80, names.len() as u64)); // STRTAB
        elf
    }

    #[test]
    fn reads_the_dependencies_from_modinfo() {
        let info = b"license=GPL\0depends=watchdog_core,mfd_core\0name=x\0";
        assert_eq!(depends(&ko(info)).unwrap(), ["watchdog_core", "mfd_core"]);
        assert!(depends(&ko(b"depends=\0name=bcm2835_wdt\0")).unwrap().is_empty());
    }

    #[test]
    fn a_modinfo_without_depends_is_an_error_with_its_offset() {
        let err = depends(&ko(b"name=x\0")).unwrap_err().to_string();
        assert_eq!(err, ".modinfo at file offset 0x40 (7 bytes) has no depends= entry");
    }

    #[test]
    fn the_load_order_lists_the_modules_in_the_release_folder() {
        let modules = [Module { name: "a".into(), bytes: vec![1] }];
        let cpio = archive("6.1.0-57-arm64", &modules);
        let text = String::from_utf8_lossy(&cpio);
        assert!(text.contains("lib/modules/6.1.0-57-arm64/a.ko\0"), "{text}");
        assert!(text.contains("lib/modules/6.1.0-57-arm64/springboard-load-order\0"), "{text}");
        assert!(text.contains("a\n"), "{text}");
        assert!(load_script().contains("insmod $dir/$m.ko"));
    }
}
