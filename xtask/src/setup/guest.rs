//! The kexec guest initramfs: the busybox root of `initramfs.rs` plus Debian's arm64
//! `/sbin/kexec` with its program interpreter and shared libraries, and an `/init` that, when
//! the kernel command line asks for it, kexecs springboard with the next bundle.
//!
//! springboard and the bundle are not in it: a test appends a second cpio archive holding
//! `/boot/springboard.bin` and `/boot/next.bundle` (Linux unpacks concatenated archives into
//! one root), so the same guest initramfs serves every kexec test.

use super::{initramfs, shared_libs};
use anyhow::{Context, Result};
use springboard_host::protocol;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The Debian package and the program in it.
const KEXEC_PACKAGE: &str = "kexec-tools:arm64";
/// Where `kexec-tools` installs `kexec` (relative to the package root).
const KEXEC: &str = "sbin/kexec";
/// The file this module writes in the assets folder.
pub const FILE_NAME: &str = "kexec-initramfs.cpio";

/// `/init`: the markers of the plain test initramfs; then, with `sbtest.kexec=1` on the
/// command line, `kexec -l` springboard with the appended bundle and `kexec -e`.
/// `sbtest.entry=NAME` adds `springboard.entry=NAME` to the command line springboard gets.
/// `-i` (`--no-checks`) skips purgatory's SHA-256 of the segments, ~6 s under emulation.
///
/// With `sbtest.swap=1` it is the agent of `springboard swap`: it runs `/test.sh` (if the run
/// put one there) under busybox `timeout` (`sbtest.test-timeout=SECONDS`, default 60) with the
/// busybox applets on `PATH`, prints `SPRINGBOARD-SWAP-RESULT pass|fail uname=… el=ELn
/// exit=N`, and kexecs the bare `/boot/springboard.bin` — no `--initrd`: springboard finds the
/// bundle it kept resident — with `springboard.result=pass|fail`. If kexec fails it resets the
/// machine (`reboot -f`), which springboard counts as a failure without a report.
///
/// First of all it loads the modules a board powers off and resets through (`modules.rs`), as
/// the plain test initramfs does before its `poweroff`, so that `poweroff -f` ends QEMU and
/// the agent's `reboot -f` resets it on `raspi3b` too.
fn init() -> String {
    use protocol::*;
    let load_modules = super::modules::load_script();
    format!(
        r#"#!/bin/sh
bb=/bin/busybox
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
{load_modules}cmdline="$($bb cat /proc/cmdline)"
echo "{USERSPACE_UNAME}$($bb uname -r)"
echo "{CMDLINE} $cmdline"
case " $cmdline " in
*" {KEXEC_SWITCH} "*)
    append="{BASE_CMDLINE}"
    for word in $cmdline; do
        case "$word" in
        {ENTRY_WORD}*) append="$append springboard.entry=${{word#{ENTRY_WORD}}}" ;;
        esac
    done
    if /sbin/kexec -i -l /{GUEST_SPRINGBOARD} --initrd /{GUEST_BUNDLE} --append "$append"; then
        echo "{KEXEC} /{GUEST_SPRINGBOARD} --initrd /{GUEST_BUNDLE} --append \"$append\""
        /sbin/kexec -e
        echo "{KEXEC_FAILED}: kexec -e returned $?"
    else
        echo "{KEXEC_FAILED}: kexec -l returned $?"
    fi
    ;;
*" {SWAP_SWITCH} "*)
    limit=60
    for word in $cmdline; do
        case "$word" in
        {TEST_TIMEOUT_WORD}*) limit="${{word#{TEST_TIMEOUT_WORD}}}" ;;
        esac
    done
    $bb mkdir -p /usr/bin /usr/sbin
    $bb --install -s
    export PATH=/bin:/sbin:/usr/bin:/usr/sbin
    el="$($bb dmesg | $bb grep -o 'started at EL[0-9]' | $bb head -n 1)"
    el="${{el#started at }}"
    status=0
    if [ -f /{GUEST_TEST} ]; then
        echo "{SWAP_TEST} /{GUEST_TEST} (time limit ${{limit}} s)"
        $bb timeout "$limit" /bin/sh /{GUEST_TEST}
        status=$?
    fi
    result=pass
    [ "$status" = 0 ] || result=fail
    echo "{SWAP_RESULT} $result uname=$($bb uname -r) el=${{el:-unknown}} exit=$status"
    if /sbin/kexec -i -l /{GUEST_SPRINGBOARD} --append "{RESULT_WORD}$result"; then
        /sbin/kexec -e
        echo "{SWAP_KEXEC_FAILED}: kexec -e returned $?"
    else
        echo "{SWAP_KEXEC_FAILED}: kexec -l returned $?"
    fi
    $bb reboot -f
    ;;
esac
$bb poweroff -f
"#
    )
}

/// Writes `dir/kexec-initramfs.cpio` when its bytes would change and returns its path. The
/// unpacked packages stay in `dir/kexec-root`, so a run that finds them asks apt nothing.
/// `appended` (the modules' archive, `modules.rs`) follows the main archive; Linux unpacks
/// both.
pub fn build(dir: &Path, appended: &[u8]) -> Result<PathBuf> {
    let out = dir.join(FILE_NAME);
    let staging = dir.join("kexec-root");
    let files = shared_libs::collect(KEXEC_PACKAGE, KEXEC, &dir.join("debs"), &staging)?;
    let mut cpio = initramfs::base(&initramfs::busybox(dir)?);
    for folder in folders(files.keys().map(String::as_str)) {
        cpio.dir(&folder);
    }
    cpio.dir("boot");
    for (path, bytes) in &files {
        cpio.file(path, 0o755, bytes);
    }
    cpio.file("init", 0o755, init().as_bytes());
    let mut bytes = cpio.finish();
    bytes.extend_from_slice(appended);
    let size = bytes.len() >> 10;
    if std::fs::read(&out).is_ok_and(|old| old == bytes) {
        println!("setup: {FILE_NAME} up to date ({size} KiB)");
    } else {
        std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
        let names: Vec<&str> = files.keys().map(String::as_str).collect();
        println!(
            "setup: {FILE_NAME} written ({size} KiB: busybox, {}, board modules)",
            names.join(", ")
        );
    }
    Ok(out)
}

/// Every folder that `paths` need, parents first, except those the busybox base has.
fn folders<'a>(paths: impl Iterator<Item = &'a str>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for path in paths {
        let mut parent = Path::new(path).parent();
        while let Some(folder) = parent.filter(|p| !p.as_os_str().is_empty()) {
            out.insert(folder.display().to_string());
            parent = folder.parent();
        }
    }
    for existing in ["bin", "dev", "proc", "sys"] {
        out.remove(existing);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_come_parents_first_without_the_base_ones() {
        let paths = ["lib/aarch64-linux-gnu/libc.so.6", "lib/ld-linux-aarch64.so.1", "sbin/kexec"];
        let got: Vec<String> = folders(paths.into_iter()).into_iter().collect();
        assert_eq!(got, ["lib", "lib/aarch64-linux-gnu", "sbin"]);
        assert!(folders(["bin/x", "init"].into_iter()).is_empty());
    }

    #[test]
    fn init_kexecs_only_when_asked_and_says_so_before_kexec_e() {
        let init = init();
        let kexec = init.find("*\" sbtest.kexec=1 \"*)").expect("the sbtest.kexec=1 case");
        let load = init
            .find("/sbin/kexec -i -l /boot/springboard.bin --initrd /boot/next.bundle --append")
            .expect("kexec -i -l with the appended files");
        let marker = init.find("echo \"SPRINGBOARD-KEXEC /boot").expect("the marker");
        let exec = init.find("/sbin/kexec -e").expect("kexec -e");
        assert!(kexec < load && load < marker && marker < exec);
        assert!(init.contains("echo \"SPRINGBOARD-USERSPACE-OK uname=$($bb uname -r)\""));
        assert!(init.trim_end().ends_with("$bb poweroff -f"));
    }

    #[test]
    fn init_loads_the_board_modules_before_anything_can_power_off_or_reset() {
        let init = init();
        let load = init.find(&super::super::modules::load_script()).expect("loads the modules");
        let sys = init.find("$bb mount -t sysfs sysfs /sys").expect("mounts /sys");
        assert!(sys < load, "after the mounts");
        for end in ["$bb poweroff -f", "$bb reboot -f", "/sbin/kexec -e"] {
            let at = init.find(end).unwrap_or_else(|| panic!("{end}"));
            assert!(load < at, "the modules load before {end}");
        }
    }

    #[test]
    fn swap_agent_reports_then_kexecs_springboard_bare_with_the_result() {
        let init = init();
        let swap = init.find("*\" sbtest.swap=1 \"*)").expect("the sbtest.swap=1 case");
        let test = init.find("$bb timeout \"$limit\" /bin/sh /test.sh").expect("runs /test.sh");
        let report = init.find("echo \"SPRINGBOARD-SWAP-RESULT $result").expect("the report");
        let load = init
            .find("/sbin/kexec -i -l /boot/springboard.bin --append \"springboard.result=$result\"")
            .expect("kexec springboard with the result and no --initrd");
        let reset = init[load..].find("$bb reboot -f").expect("reset when kexec fails") + load;
        assert!(swap < test && test < report && report < load && load < reset);
        assert!(!init[swap..reset].contains("--initrd"), "the bundle is the resident one");
    }
}
