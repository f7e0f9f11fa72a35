//! The test initramfs: Debian's static busybox and an `/init` that prints one marker line with
//! `uname -r`, then the kernel command line, the `/reserved-memory` nodes and `/chosen`
//! properties of the DTB it was given and the CPU vulnerability states it reports (its Spectre
//! mitigations), then powers the machine off. [`base`] is the busybox part that the kexec
//! guest initramfs (`guest.rs`) builds on too.

use super::{apt, cmd};
use anyhow::{ensure, Context, Result};
use image_formats::cpio::Cpio;
use springboard_host::protocol;
use std::path::{Path, PathBuf};

/// `/init`. Only `/bin/busybox` and `/bin/sh` exist, so every applet is called through
/// busybox. `poweroff -f` makes Linux call PSCI `SYSTEM_OFF`, and QEMU exits with status 0.
/// The markers are [`protocol`]'s, which the QEMU tests match. Before powering off it loads
/// the kernel modules a board powers off through (`modules.rs`), when the archive has them.
pub fn init() -> String {
    use protocol::USERSPACE_UNAME;
    use protocol::{CHOSEN, CMDLINE, CPU_VULNERABILITY, PSCI_METHOD, RESERVED_MEMORY};
    let load_modules = super::modules::load_script();
    format!(
        r#"#!/bin/sh
# springboard's test init: one marker line, the kernel command line, the reserved-memory
# nodes, chosen properties and PSCI method, the CPU vulnerability states, then power off.
/bin/busybox mount -t proc proc /proc
exec >/dev/console 2>&1
echo "{USERSPACE_UNAME}$(/bin/busybox uname -r)"
echo "{CMDLINE} $(/bin/busybox cat /proc/cmdline)"
/bin/busybox mount -t sysfs sysfs /sys
echo {RESERVED_MEMORY} $(/bin/busybox ls /proc/device-tree/reserved-memory)
echo {CHOSEN} $(/bin/busybox ls /proc/device-tree/chosen)
echo {PSCI_METHOD} $(/bin/busybox cat /proc/device-tree/psci/method)
for f in /sys/devices/system/cpu/vulnerabilities/*; do
    echo "{CPU_VULNERABILITY} ${{f##*/}}: $(/bin/busybox cat $f)"
done
{load_modules}/bin/busybox poweroff -f
"#
    )
}

/// The file this module writes in the assets folder.
pub const FILE_NAME: &str = "initramfs.cpio";
/// ELF `e_machine` of AArch64.
const EM_AARCH64: u16 = 183;

/// Checks that `bytes` are a 64-bit little-endian AArch64 ELF (what busybox-static:arm64 is).
pub fn check_busybox(bytes: &[u8]) -> Result<()> {
    ensure!(bytes.len() >= 64, "busybox is only {} bytes, less than an ELF header", bytes.len());
    ensure!(&bytes[..4] == b"\x7fELF", "busybox: no ELF magic at offset 0: {:02x?}", &bytes[..4]);
    ensure!(
        bytes[4..6] == [2, 1],
        "busybox: ELF class and data at offset 4 are {:02x?}, want [02, 01] (64-bit LE)",
        &bytes[4..6]
    );
    let machine = u16::from_le_bytes([bytes[18], bytes[19]]);
    ensure!(
        machine == EM_AARCH64,
        "busybox: e_machine at offset 18 is {machine}, want {EM_AARCH64} (AArch64)"
    );
    Ok(())
}

/// Debian's static arm64 busybox: `dir/busybox`, downloaded and extracted when it is missing
/// or not an AArch64 ELF.
pub fn busybox(dir: &Path) -> Result<Vec<u8>> {
    let path = dir.join("busybox");
    if let Ok(bytes) = std::fs::read(&path) {
        match check_busybox(&bytes) {
            Ok(()) => return Ok(bytes),
            Err(e) => println!("setup: {}: {e:#}: fetching it again", path.display()),
        }
    }
    let deb = super::download("busybox-static:arm64", &dir.join("debs"))?;
    cmd::extract_from_deb(&deb, "./bin/busybox", &path)?;
    let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    check_busybox(&bytes).with_context(|| format!("extracted from {}", deb.display()))?;
    Ok(bytes)
}

/// The busybox root every test initramfs starts from: `/bin/busybox`, `/bin/sh`,
/// `/dev/console` (without it init has no console) and the mount points `/proc` and `/sys`.
pub fn base(busybox: &[u8]) -> Cpio {
    let mut cpio = Cpio::new();
    for dir in ["bin", "dev", "proc", "sys"] {
        cpio.dir(dir);
    }
    cpio.char_device("dev/console", 5, 1);
    cpio.file("bin/busybox", 0o755, busybox);
    cpio.symlink("bin/sh", "busybox");
    cpio
}

/// The whole test initramfs: [`base`] and `/init`.
pub fn archive(busybox: &[u8]) -> Vec<u8> {
    let mut cpio = base(busybox);
    cpio.file("init", 0o755, init().as_bytes());
    cpio.finish()
}

/// Writes `dir/initramfs.cpio` when its bytes would change (so a change of `/init` reaches the
/// tests without deleting anything by hand) and returns its path. `appended` (the modules'
/// archive) follows the main archive; Linux unpacks both.
pub fn build(dir: &Path, appended: &[u8]) -> Result<PathBuf> {
    let out = dir.join(FILE_NAME);
    let mut bytes = archive(&busybox(dir)?);
    bytes.extend_from_slice(appended);
    let size = apt::mib(bytes.len() as u64);
    if std::fs::read(&out).is_ok_and(|old| old == bytes) {
        println!("setup: {FILE_NAME} up to date ({size})");
    } else {
        std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
        println!("setup: {FILE_NAME} written ({size}: busybox, /bin/sh, /dev/console, /init)");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GNU `cpio -o -H newc` ends every archive with these 124 bytes.
    const GNU_TRAILER: &[u8] = b"07070100000000000000000000000000000000000000010000000000000000\
        000000000000000000000000000000000000000b00000000TRAILER!!!\0\0\0\0";

    /// One `newc` header: magic and 13 fields (ino mode uid gid nlink mtime filesize devmajor
    /// devminor rdevmajor rdevminor namesize check) as 8 lower-case hex digits each.
    fn header(fields: [u32; 13]) -> Vec<u8> {
        let mut out = b"070701".to_vec();
        for f in fields {
            out.extend_from_slice(format!("{f:08x}").as_bytes());
        }
        out
    }

    fn fake_busybox() -> Vec<u8> {
        let mut elf = vec![0u8; 64];
        elf[..6].copy_from_slice(b"\x7fELF\x02\x01");
        elf[18..20].copy_from_slice(&EM_AARCH64.to_le_bytes());
        elf
    }

    #[test]
    fn writes_the_initramfs_byte_exactly_with_newc_padding_and_trailer() {
        let busybox = b"BBOX!"; // 5 bytes: 3 bytes of data padding
        let mut want = Vec::new();
        // Header and name, then data, each padded with NULs to a multiple of 4 bytes.
        for (ino, name) in [(1, "bin"), (2, "dev"), (3, "proc"), (4, "sys")] {
            let namesize = name.len() as u32 + 1;
            want.extend(header([ino, 0o040755, 0, 0, 2, 0, 0, 0, 0, 0, 0, namesize, 0]));
            want.extend_from_slice(name.as_bytes());
            want.push(0);
            want.resize(want.len().next_multiple_of(4), 0);
        }
        want.extend(header([5, 0o020600, 0, 0, 1, 0, 0, 0, 0, 5, 1, 12, 0]));
        want.extend_from_slice(b"dev/console\0\0\0"); // 110 + 12 = 122 → 124
        want.extend(header([6, 0o100755, 0, 0, 1, 0, 5, 0, 0, 0, 0, 12, 0]));
        want.extend_from_slice(b"bin/busybox\0\0\0BBOX!\0\0\0");
        want.extend(header([7, 0o120777, 0, 0, 1, 0, 7, 0, 0, 0, 0, 7, 0]));
        want.extend_from_slice(b"bin/sh\0\0\0\0busybox\0"); // 117 → 120, 7 → 8
        let init = init();
        let init_size = init.len() as u32;
        want.extend(header([8, 0o100755, 0, 0, 1, 0, init_size, 0, 0, 0, 0, 5, 0]));
        want.extend_from_slice(b"init\0\0");
        want.extend_from_slice(init.as_bytes());
        want.resize(want.len().next_multiple_of(4), 0);
        want.extend_from_slice(GNU_TRAILER);
        let mut got = archive(busybox);
        // Linux reads only the trailer's name. GNU cpio gives it inode 0; image-formats' writer
        // numbers it like an entry: compare every other byte exactly.
        let trailer_ino = got.len() - GNU_TRAILER.len() + 6;
        assert!(matches!(&got[trailer_ino..trailer_ino + 8], b"00000000" | b"00000001"));
        got[trailer_ino..trailer_ino + 8].copy_from_slice(b"00000000");
        assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(&want));
    }

    #[test]
    fn same_busybox_gives_the_same_archive() {
        assert_eq!(archive(&fake_busybox()), archive(&fake_busybox()));
    }

    #[test]
    fn accepts_an_aarch64_elf_and_rejects_another_machine() {
        check_busybox(&fake_busybox()).unwrap();
        let mut x86 = fake_busybox();
        x86[18] = 62;
        let err = check_busybox(&x86).unwrap_err().to_string();
        assert_eq!(err, "busybox: e_machine at offset 18 is 62, want 183 (AArch64)");
    }

    #[test]
    fn rejects_a_truncated_or_non_elf_busybox() {
        assert!(check_busybox(b"\x7fELF").unwrap_err().to_string().contains("only 4 bytes"));
        let mut script = fake_busybox();
        script[..4].copy_from_slice(b"#!/b");
        assert!(check_busybox(&script).unwrap_err().to_string().contains("offset 0"));
    }

    /// `script` with every absolute path moved under `root`: a path starts a line or follows
    /// a space, `>`, `=` or `(`. What a chroot into `root` would do for the script's own paths.
    fn rooted(script: &str, root: &Path) -> String {
        let root = root.to_str().expect("a UTF-8 temporary folder");
        let mut out = String::new();
        let mut previous = '\n';
        for c in script.chars() {
            if c == '/' && matches!(previous, '\n' | ' ' | '>' | '=' | '(') {
                out.push_str(root);
            }
            out.push(c);
            previous = c;
        }
        out
    }

    /// A stand-in for busybox's applets: `uname -r` says `release`, `cat` and `ls` are the
    /// host's, `mount` does nothing, `insmod` and `poweroff` say what they were asked.
    fn fake_busybox_script(release: &str) -> String {
        format!(
            r#"#!/bin/sh
applet=$1
shift
case $applet in
    uname) echo {release} ;;
    mount) ;;
    cat|ls) exec $applet "$@" ;;
    insmod|poweroff) echo "$applet $*" ;;
    *) echo "unexpected applet $applet"; exit 1 ;;
esac
"#
        )
    }

    /// Writes `contents` at `root/path`, making its folders.
    fn put(root: &Path, path: &str, contents: &str) {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    /// Runs `/init` with the host's `sh` in a fake root (`/proc` and `/sys` as plain files,
    /// busybox as [`fake_busybox_script`]) and checks every line it writes to the console, in
    /// order, against the guest protocol the QEMU tests read: a wrong marker, a missing space,
    /// a line out of order, output not sent to the console or a shell error fails here.
    #[test]
    fn init_run_in_a_fake_root_prints_the_protocol_lines_in_order_then_powers_off() {
        use super::super::modules::{GUEST_FOLDER, LOAD_ORDER};
        use protocol::USERSPACE_UNAME;
        use protocol::{CHOSEN, CMDLINE, CPU_VULNERABILITY, PSCI_METHOD, RESERVED_MEMORY};
        use std::os::unix::fs::PermissionsExt;
        let root = std::env::temp_dir().join(format!("xtask-init-root-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let release = "6.1.0-99-arm64";
        put(&root, "bin/busybox", &fake_busybox_script(release));
        let busybox = root.join("bin/busybox");
        std::fs::set_permissions(&busybox, std::fs::Permissions::from_mode(0o755)).unwrap();
        put(&root, "dev/.keep", "");
        put(&root, "proc/cmdline", "console=ttyAMA0 panic=-1 quiet\n");
        put(&root, "proc/device-tree/reserved-memory/springboard@7ffe0000/reg", "");
        put(&root, "proc/device-tree/reserved-memory/springboard-bundle@48000000/reg", "");
        put(&root, "proc/device-tree/chosen/bootargs", "");
        put(&root, "proc/device-tree/chosen/linux,initrd-start", "");
        put(&root, "proc/device-tree/psci/method", "hvc");
        let vulnerabilities = "sys/devices/system/cpu/vulnerabilities";
        put(&root, &format!("{vulnerabilities}/meltdown"), "Not affected\n");
        put(&root, &format!("{vulnerabilities}/spectre_v2"), "Mitigation: CSV2, BHB\n");
        put(&root, &format!("{GUEST_FOLDER}/{release}/{LOAD_ORDER}"), "watchdog\nbcm2835_wdt\n");
        let script = root.join("init");
        std::fs::write(&script, rooted(&init(), &root)).unwrap();
        let out = std::process::Command::new("sh")
            .arg(&script)
            .env("LC_ALL", "C")
            .output()
            .expect("running the host's sh");
        let console = std::fs::read_to_string(root.join("dev/console")).unwrap_or_default();
        std::fs::remove_dir_all(&root).unwrap();
        let stray = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && stray.is_empty(), "{}: {stray}{console}", out.status);
        let modules = root.join(GUEST_FOLDER).join(release);
        let modules = modules.to_str().unwrap();
        let want = [
            format!("{USERSPACE_UNAME}{release}"),
            format!("{CMDLINE} console=ttyAMA0 panic=-1 quiet"),
            format!("{RESERVED_MEMORY} springboard-bundle@48000000 springboard@7ffe0000"),
            format!("{CHOSEN} bootargs linux,initrd-start"),
            format!("{PSCI_METHOD} hvc"),
            format!("{CPU_VULNERABILITY} meltdown: Not affected"),
            format!("{CPU_VULNERABILITY} spectre_v2: Mitigation: CSV2, BHB"),
            format!("insmod {modules}/watchdog.ko"),
            format!("insmod {modules}/bcm2835_wdt.ko"),
            "poweroff -f".to_string(),
        ];
        assert_eq!(console.lines().collect::<Vec<_>>(), want, "the console:\n{console}");
    }
}
