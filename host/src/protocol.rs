//! The guest protocol: the console lines and kernel command-line words by which springboard,
//! the test initramfs (`cargo xtask setup`: `initramfs.rs`), the kexec guest and swap agent
//! (`guest.rs`) and the benchmark's guest talk to the host programs that read their console.
//! The initramfs writers build their `/init` scripts from these constants and the readers
//! (the QEMU tests, `springboard swap`, `cargo xtask demo`) match with them, so a marker is
//! spelled in one place.
//!
//! Markers are printed at the start of a line; the words after them are separated by single
//! spaces.

/// springboard's banner, `springboard: springboard <version> entered at EL<n>, …`: once per
/// start of springboard.
pub const BANNER: &str = "springboard: springboard ";

/// Every console line springboard prints starts with this.
pub const SPRINGBOARD_PREFIX: &str = "springboard: ";

/// The kernel command line the test kernels boot with: the console on the PL011, and a reset
/// (into springboard again, or QEMU's exit with `-no-reboot`) at once after a panic.
pub const BASE_CMDLINE: &str = "console=ttyAMA0 panic=-1";

/// `SPRINGBOARD-USERSPACE-OK uname=<release>`: the test `/init` runs (first line it prints).
pub const USERSPACE_OK: &str = "SPRINGBOARD-USERSPACE-OK";

/// [`USERSPACE_OK`] up to the release: what a reader matches to take the release after it.
pub const USERSPACE_UNAME: &str = "SPRINGBOARD-USERSPACE-OK uname=";

/// `SPRINGBOARD-CMDLINE <words>`: the kernel command line the test `/init` saw.
pub const CMDLINE: &str = "SPRINGBOARD-CMDLINE";

/// `SPRINGBOARD-RESERVED-MEMORY <nodes>`: `/proc/device-tree/reserved-memory`'s children.
pub const RESERVED_MEMORY: &str = "SPRINGBOARD-RESERVED-MEMORY";

/// `SPRINGBOARD-CHOSEN <properties>`: `/proc/device-tree/chosen`'s entries.
pub const CHOSEN: &str = "SPRINGBOARD-CHOSEN";

/// `SPRINGBOARD-PSCI-METHOD <method>`: `/proc/device-tree/psci/method`, the conduit the kernel
/// was told (`hvc` or `smc`).
pub const PSCI_METHOD: &str = "SPRINGBOARD-PSCI-METHOD";

/// `SPRINGBOARD-CPU-VULNERABILITY <name>: <state>`: one file of
/// `/sys/devices/system/cpu/vulnerabilities`.
pub const CPU_VULNERABILITY: &str = "SPRINGBOARD-CPU-VULNERABILITY";

/// Command-line word: the kexec guest's `/init` kexecs [`GUEST_SPRINGBOARD`] with
/// [`GUEST_BUNDLE`].
pub const KEXEC_SWITCH: &str = "sbtest.kexec=1";

/// Command-line word prefix: `sbtest.entry=NAME` makes the kexec guest pass
/// `springboard.entry=NAME` to springboard.
pub const ENTRY_WORD: &str = "sbtest.entry=";

/// `SPRINGBOARD-KEXEC <image> --initrd <bundle> --append "<words>"`: the guest loaded
/// springboard and runs `kexec -e` next.
pub const KEXEC: &str = "SPRINGBOARD-KEXEC";

/// `SPRINGBOARD-KEXEC-FAILED: <why>`: the guest's `kexec -l` or `kexec -e` failed.
pub const KEXEC_FAILED: &str = "SPRINGBOARD-KEXEC-FAILED";

/// Where, in the guest's root, the image it kexecs lives (no leading `/`: a cpio name).
pub const GUEST_SPRINGBOARD: &str = "boot/springboard.bin";

/// Where, in the guest's root, the bundle it passes as `--initrd` lives.
pub const GUEST_BUNDLE: &str = "boot/next.bundle";

/// Command-line word: the kexec guest's `/init` is the agent of `springboard swap`.
pub const SWAP_SWITCH: &str = "sbtest.swap=1";

/// Command-line word prefix: `sbtest.test-timeout=SECONDS`, the agent's time limit for
/// [`GUEST_TEST`].
pub const TEST_TIMEOUT_WORD: &str = "sbtest.test-timeout=";

/// Where, in the guest's root, the swap run's test script lives.
pub const GUEST_TEST: &str = "test.sh";

/// `SPRINGBOARD-SWAP-TEST /test.sh (time limit <n> s)`: the agent starts the test script.
pub const SWAP_TEST: &str = "SPRINGBOARD-SWAP-TEST";

/// `SPRINGBOARD-SWAP-RESULT pass|fail uname=<release> el=EL<n> exit=<status>`: the agent's
/// report, followed by a kexec of springboard with [`RESULT_WORD`]`pass|fail`.
pub const SWAP_RESULT: &str = "SPRINGBOARD-SWAP-RESULT";

/// `SPRINGBOARD-SWAP-KEXEC-FAILED: <why>`: the agent could not kexec springboard.
pub const SWAP_KEXEC_FAILED: &str = "SPRINGBOARD-SWAP-KEXEC-FAILED";

/// Command-line word prefix springboard reads: `springboard.result=pass|fail`, a kernel's
/// report on the entry it was booted from.
pub const RESULT_WORD: &str = "springboard.result=";

/// springboard's per-entry verdict after a sequence, `springboard: sequence: entry <i>
/// "<name>": <word>`, where `<word>` is `image_formats::state::Outcome::word`.
pub const SEQUENCE_VERDICT: &str = "springboard: sequence: entry ";

/// The end of a sequence: `springboard: sequence: finished, …`.
pub const SEQUENCE_FINISHED: &str = "springboard: sequence: finished";

/// Lines that mean a run went wrong wherever they appear: a kernel oops or panic, or an
/// exception or panic inside springboard.
pub const BAD_PATTERNS: &[&str] = &[
    "Kernel panic",
    "Internal error:",
    "Unable to handle kernel",
    "Call trace:",
    "springboard: error: exception",
    "springboard: error: panic",
];

/// The bad patterns a run that panics a kernel on purpose (and lets QEMU reset) takes out.
pub const PANIC_PATTERNS: &[&str] = &["Kernel panic", "Call trace:"];

/// `<marker> <rest>` → `rest`, when `line` holds `marker` followed by a space or the end.
pub fn after<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    let at = line.find(marker)?;
    let rest = &line[at + marker.len()..];
    match rest.strip_prefix(' ') {
        Some(words) => Some(words),
        None if rest.is_empty() || rest.starts_with(':') => Some(rest),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_takes_the_words_after_a_whole_marker() {
        assert_eq!(after("SPRINGBOARD-CMDLINE a b", CMDLINE), Some("a b"));
        assert_eq!(after("x SPRINGBOARD-KEXEC-FAILED: no", KEXEC_FAILED), Some(": no"));
        assert_eq!(after("SPRINGBOARD-KEXEC-FAILED: no", KEXEC), None);
        assert_eq!(after("SPRINGBOARD-USERSPACE-OK", USERSPACE_OK), Some(""));
        assert_eq!(after(USERSPACE_UNAME, USERSPACE_OK), Some("uname="));
    }
}
