//! `springboard.handoff=el1` on a board without PSCI firmware: QEMU's `raspi3b`, whose
//! secondaries wait in the firmware's spin-table pen. The resident stub serves PSCI 1.0 itself
//! (`stub/src/abi.rs`, `StubPsci`): the kernel's DTB says `enable-method = "psci"` and
//! `/psci { method = "hvc"; }`, `CPU_ON` releases a CPU from the pen (or from the stub's own
//! pen after `CPU_OFF`), and `SYSTEM_OFF` drives the PM watchdog.
//!
//! The guest's `/init` is this file's ([`init`]), appended to the test initramfs as a second
//! archive (Linux unpacks both; the later `/init` wins). It loads no kernel module, so the
//! watchdog driver is absent and only the stub's `SYSTEM_OFF` can end QEMU.

use image_formats::cpio::Cpio;
use qemu_tests::guest::{kexec_initramfs, pack_entries, EntryFiles};
use qemu_tests::protocol::{KEXEC_FAILED, KEXEC_SWITCH};
use qemu_tests::{protocol, Assets, Entry, Pack, Qemu, Run, BANNER, MMU_OFF, USERSPACE};
use springboard_host::boards::RASPI3B;
use std::path::Path;
use std::time::Duration;

/// Under TCG with one thread for four CPUs, and other tests on the same two cores.
const TIMEOUT: Duration = Duration::from_secs(300);
/// What every boot here must show: PSCI from the stub, four CPUs, all at EL1.
const FOUR_CPUS_AT_EL1: [&str; 3] = [
    "psci: PSCIv1.0 detected in firmware.",
    "smp: Brought up 1 node, 4 CPUs",
    "CPU: All CPU(s) started at EL1",
];
/// Lines that mean a CPU did not come up or went up the wrong way.
const BAD: &[&str] = &[
    "springboard: error:",
    "started at EL2",
    "CPUs started in inconsistent modes",
    "failed to come online",
    "Can't kexec",
    "psci: failed to boot CPU",
    "CPU stuck",
];
/// The marker this file's `/init` prints with each CPU's `enable-method` as the kernel saw it.
const ENABLE_METHOD: &str = "boards-el1: enable-method";
/// The marker this file's `/init` prints before each hotplug step.
const HOTPLUG: &str = "boards-el1: online cpus";

/// What this file's `/init` does once userspace runs.
#[derive(Clone, Copy, PartialEq)]
enum Guest {
    /// `poweroff -f`, which is PSCI `SYSTEM_OFF`.
    PowerOff,
    /// CPU 2 offline and online twice (each `CPU_ON` after a `CPU_OFF` goes through the stub's
    /// pen), then `poweroff -f`.
    Hotplug,
    /// CPU 2 offline (parked in the stub), then `reboot -f`, which is PSCI `SYSTEM_RESET`.
    OfflineThenReset,
}

/// `/init`: the userspace marker, the PSCI method and every CPU's `enable-method` as the
/// kernel saw them, then what `guest` says.
fn init(guest: Guest) -> String {
    let steps = match guest {
        Guest::PowerOff => String::new(),
        Guest::Hotplug => format!(
            r#"for round in 1 2; do
    echo 0 > $cpu/cpu2/online
    echo "{HOTPLUG} $($bb cat $cpu/online) after cpu2 offline (round $round)"
    echo 1 > $cpu/cpu2/online
    echo "{HOTPLUG} $($bb cat $cpu/online) after cpu2 online (round $round)"
done
"#
        ),
        Guest::OfflineThenReset => format!(
            r#"echo 0 > $cpu/cpu2/online
echo "{HOTPLUG} $($bb cat $cpu/online) after cpu2 offline (before the reset)"
"#
        ),
    };
    let end = if guest == Guest::OfflineThenReset { "reboot -f" } else { "poweroff -f" };
    use protocol::PSCI_METHOD;
    format!(
        r#"#!/bin/sh
bb=/bin/busybox
cpu=/sys/devices/system/cpu
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
exec >/dev/console 2>&1
echo "{USERSPACE}$($bb uname -r)"
echo {PSCI_METHOD} $($bb cat /proc/device-tree/psci/method)
for m in /proc/device-tree/cpus/cpu@*/enable-method; do
    echo "{ENABLE_METHOD} $($bb cat $m)"
done
{steps}$bb {end}
"#
    )
}

/// The test initramfs followed by an archive with [`init`].
fn initramfs(assets: &Assets, guest: Guest, out: &Path) {
    let mut bytes = std::fs::read(&assets.initramfs).expect("reading the test initramfs");
    assert_eq!(bytes.len() % 4, 0, "the test initramfs ends 4-byte aligned");
    let mut cpio = Cpio::new();
    cpio.file("init", 0o755, init(guest).as_bytes());
    bytes.extend(cpio.finish());
    std::fs::write(out, bytes).expect("writing the initramfs");
}

/// The kernel command line: the board's, with springboard's `handoff=el1`.
fn cmdline() -> String {
    format!("{} springboard.handoff=el1", RASPI3B.cmdline())
}

/// Runs raspi3b with springboard and `bundle`, expecting `milestones`.
fn run(name: &str, bundle: &Path, banners: usize, milestones: &[&str]) -> Run {
    let assets = Assets::get();
    let machine = RASPI3B
        .machine(assets.dtb(&RASPI3B).as_deref())
        .unwrap_or_else(|e| panic!("{e:#}"))
        .kernel(&assets.springboard)
        .initrd(bundle);
    Qemu::on(name, machine)
        .allow_banners(banners)
        .forbid(BAD)
        .timeout(TIMEOUT)
        .expect(milestones, &assets.work)
}

/// Boots the generic kernel with this file's `/init`, expecting the stub's PSCI lines, four
/// CPUs at EL1, userspace and `after`.
fn boots_at_el1(name: &str, guest: Guest, after: &[&str]) -> Run {
    let assets = Assets::get();
    let kernel = assets.kernel("6.1-generic");
    let initrd = assets.work_file(&format!("{name}.cpio"));
    initramfs(&assets, guest, &initrd);
    let bundle = assets.work_file(&format!("{name}.bundle"));
    let entry = Entry::kernel(&kernel.path).initrd(&initrd).cmdline(&cmdline());
    assets.pack(Pack::new().entry(entry), &bundle);
    let userspace = format!("{USERSPACE}{}", kernel.release);
    let mut all = vec![
        "springboard: stub: PSCI 1.0 served by the stub: 4 CPUs, 3 in the firmware's spin-table \
         pen, 0 parked by an earlier stub; SYSTEM_OFF through the BCM2835 PM watchdog",
        MMU_OFF,
        "springboard: handoff: HVC_SOFT_RESTART to the stub's EL1 launch",
    ];
    all.extend(FOUR_CPUS_AT_EL1);
    all.push(&userspace);
    all.extend_from_slice(after);
    all.push("reboot: Power down");
    let run = run(name, &bundle, 1, &all);
    // The kernel's DTB says PSCI over hvc, and every CPU is started through it.
    let method = run.assert_has(protocol::PSCI_METHOD);
    assert!(method.ends_with(" hvc"), "{method}");
    let methods: Vec<&String> = run.lines.iter().filter(|l| l.contains(ENABLE_METHOD)).collect();
    assert_eq!(methods.len(), 4, "one enable-method per CPU: {methods:?}");
    assert!(methods.iter().all(|l| l.ends_with(" psci")), "{methods:?}");
    let cpu_ons = if guest == Guest::Hotplug { 5 } else { 3 };
    assert_eq!(run.count("Booted secondary processor"), cpu_ons, "CPU_ONs");
    run
}

#[test]
fn raspi3b_el1_handoff_brings_four_cpus_up_with_psci_from_the_stub_and_powers_off() {
    boots_at_el1("board-raspi3b-el1", Guest::PowerOff, &[]);
}

#[test]
fn raspi3b_el1_handoff_offlines_and_onlines_a_cpu_through_the_stubs_pen() {
    let run = boots_at_el1(
        "board-raspi3b-el1-hotplug",
        Guest::Hotplug,
        &[
            "psci: CPU2 killed",
            &format!("{HOTPLUG} 0-1,3 after cpu2 offline (round 1)"),
            &format!("{HOTPLUG} 0-3 after cpu2 online (round 1)"),
            &format!("{HOTPLUG} 0-1,3 after cpu2 offline (round 2)"),
            &format!("{HOTPLUG} 0-3 after cpu2 online (round 2)"),
        ],
    );
    assert_eq!(run.count("psci: CPU2 killed"), 2, "two CPU_OFFs seen by AFFINITY_INFO");
}

/// A kernel at EL1 kexecs springboard with all four CPUs up: Linux offlines the secondaries
/// (`CPU_OFF`: they park in the stub), springboard starts again from kexec, keeps them parked
/// and boots the next kernel, which starts them through the stub's pen.
#[test]
fn raspi3b_el1_handoff_kexecs_springboard_with_every_cpu_and_the_next_kernel_has_four() {
    let assets = Assets::get();
    // Both kernels are the generic one: Debian's cloud kernel has no BCM2835 drivers.
    let (a, b) = (assets.kernel("6.1-generic").clone(), assets.kernel("6.1-generic").clone());
    let name = "board-raspi3b-el1-kexec";
    let next_initrd = assets.work_file(&format!("{name}-next.cpio"));
    initramfs(&assets, Guest::PowerOff, &next_initrd);
    let next = assets.work_file(&format!("{name}-next.bundle"));
    let entry = Entry::kernel(&b.path).initrd(&next_initrd).cmdline(&cmdline());
    assets.pack(Pack::new().entry(entry), &next);
    let guest = assets.work_file(&format!("{name}-guest.cpio"));
    kexec_initramfs(&assets, &next, &guest);
    let first = assets.work_file(&format!("{name}.bundle"));
    let cmdline = format!("{} {KEXEC_SWITCH}", cmdline());
    let entry = EntryFiles { name: "kexec", kernel: &a.path, initrd: &guest, cmdline: &cmdline };
    pack_entries(&assets, &[entry], &first);
    let (user_a, user_b) =
        (format!("{USERSPACE}{}", a.release), format!("{USERSPACE}{}", b.release));
    let kexec = format!("{} /{}", protocol::KEXEC, protocol::GUEST_SPRINGBOARD);
    let mut all = vec![BANNER];
    all.extend(FOUR_CPUS_AT_EL1);
    all.extend([&user_a[..], &kexec, "psci: CPU3 killed", BANNER]);
    all.push("springboard: stub: a springboard stub is resident at EL2: re-entering springboard");
    all.push(
        "springboard: power-off: the BCM2835 PM watchdog: the DTB's /psci is the earlier stub's",
    );
    all.push(
        "springboard: stub: PSCI 1.0 served by the stub: 4 CPUs, 0 in the firmware's spin-table \
         pen, 3 parked by an earlier stub; SYSTEM_OFF through the BCM2835 PM watchdog",
    );
    all.push("Booting Linux on physical CPU");
    all.extend(FOUR_CPUS_AT_EL1);
    all.extend([&user_b[..], "reboot: Power down"]);
    let run = Qemu::on(
        name,
        RASPI3B
            .machine(assets.dtb(&RASPI3B).as_deref())
            .unwrap_or_else(|e| panic!("{e:#}"))
            .kernel(&assets.springboard)
            .initrd(&first),
    )
    // Three banners: from QEMU, from kexec at EL1, and again at EL2 after the climb.
    .allow_banners(3)
    .forbid(&[BAD, &[KEXEC_FAILED]].concat())
    .timeout(Duration::from_secs(480))
    .expect(&all, &assets.work);
    assert_eq!(run.count("smp: Brought up 1 node, 4 CPUs"), 2, "four CPUs in both kernels");
    let last = run.lines.iter().rev().find(|l| l.contains("Kernel command line: "));
    let last = last.expect("the second kernel printed its command line");
    assert!(!last.contains(KEXEC_SWITCH), "the second kernel booted the first's: {last}");
}

/// `SYSTEM_RESET` through the stub resets the board (not powers it off), and a CPU the stub
/// had parked is back in the firmware's pen after the reset: the entry that reset did not
/// report, so springboard boots its fallback, which starts all four CPUs from the firmware's
/// pen again.
#[test]
fn raspi3b_el1_handoff_resets_through_the_watchdog_and_every_cpu_starts_again() {
    let assets = Assets::get();
    let kernel = assets.kernel("6.1-generic");
    let name = "board-raspi3b-el1-reset";
    let (reset, off) =
        (assets.work_file(&format!("{name}.cpio")), assets.work_file(&format!("{name}-off.cpio")));
    initramfs(&assets, Guest::OfflineThenReset, &reset);
    initramfs(&assets, Guest::PowerOff, &off);
    let bundle = assets.work_file(&format!("{name}.bundle"));
    let entry = |name: &str, initrd: &Path| {
        Entry::kernel(&kernel.path).name(name).initrd(initrd).cmdline(&cmdline())
    };
    let pack = Pack::new().entry(entry("reset", &reset).fallback("off")).entry(entry("off", &off));
    assets.pack(pack, &bundle);
    let userspace = format!("{USERSPACE}{}", kernel.release);
    let mut all = vec![BANNER, "springboard: entry: 0 \"reset\""];
    all.extend(FOUR_CPUS_AT_EL1);
    all.extend([&userspace[..], "psci: CPU2 killed", "reboot: Restarting system", BANNER]);
    all.extend([
        "springboard: entry: 1 \"off\"",
        "springboard: stub: PSCI 1.0 served by the stub: 4 CPUs, 3 in the firmware's spin-table \
         pen, 0 parked by an earlier stub",
    ]);
    all.extend(FOUR_CPUS_AT_EL1);
    all.extend([&userspace[..], "reboot: Power down"]);
    let machine = RASPI3B
        .machine(assets.dtb(&RASPI3B).as_deref())
        .unwrap_or_else(|e| panic!("{e:#}"))
        .kernel(&assets.springboard)
        .initrd(&bundle)
        .reboot_on_reset();
    let run = Qemu::on(name, machine)
        .allow_banners(2)
        .forbid(BAD)
        .timeout(TIMEOUT)
        .expect(&all, &assets.work);
    assert_eq!(run.count("smp: Brought up 1 node, 4 CPUs"), 2, "four CPUs before and after");
}
