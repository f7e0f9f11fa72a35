//! Each board of `springboard_host::boards` boots Debian's 6.1 generic kernel DIRECTLY (QEMU's
//! `-kernel Image -initrd initramfs -append …`, no springboard) to userspace, with the kernel's
//! console on the serial port the description puts on stdio and QEMU ending when the kernel
//! powers off. These prove the descriptions (memory, CPUs, DTB, serial mapping, `console=`,
//! power-off) that the through-springboard board tests stand on.

use qemu_tests::{Assets, Qemu, Run, USERSPACE};
use springboard_host::boards::{Board, RASPI3B, VERSAL, ZCU102};
use std::time::Duration;

/// Under TCG, with other tests on the same two cores, a board boot takes 5–30 s.
const TIMEOUT: Duration = Duration::from_secs(180);
/// What Linux prints when `poweroff` finds no way to power the board off; QEMU then runs on.
const HALTED: &str = "reboot: System halted";

/// Boots the generic kernel on `board` with `memory`, waiting for the `before` milestones, the
/// userspace marker and the `after` ones, in that order, and for QEMU to exit with status 0.
fn boots_directly(board: &Board, memory: &str, before: &[&str], after: &[&str]) -> Run {
    let assets = Assets::get();
    let kernel = assets.kernel("6.1-generic");
    let machine = board
        .machine_with_memory(memory, assets.dtb(board).as_deref())
        .unwrap_or_else(|e| panic!("{e:#}"))
        .kernel(&kernel.path)
        .initrd(&assets.initramfs)
        .append(&board.cmdline());
    let userspace = format!("{USERSPACE}{}", kernel.release);
    let mut all = vec!["Booting Linux on physical CPU"];
    all.extend_from_slice(before);
    all.push(&userspace);
    all.extend_from_slice(after);
    Qemu::on(&format!("direct-{}-{memory}", board.name), machine)
        .forbid(&[HALTED])
        .timeout(TIMEOUT)
        .expect(&all, &assets.work)
}

/// The `N` of the kernel's `Memory: …K/NK available` line: all the DRAM it was given.
fn memory_kib(run: &Run) -> u64 {
    let line = run.assert_has("Memory: ");
    let total = line.split('/').nth(1).and_then(|s| s.split('K').next());
    total
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| run.fail(&format!("no total in {line}"), &[]))
}

#[test]
fn raspi3b_reaches_userspace_at_el2_with_four_cpus_and_poweroff_ends_qemu() {
    let run = boots_directly(
        &RASPI3B,
        "1G",
        &[
            "smp: Brought up 1 node, 4 CPUs",
            "CPU: All CPU(s) started at EL2",
            "3f215040.serial: ttyS1 at MMIO 0x3f215040",
        ],
        // The init loads bcm2835_wdt before `poweroff -f`; the watchdog ends QEMU.
        &["reboot: Power down"],
    );
    // QEMU's /memory with 1 GiB: 0..0x3c00_0000 (the rest is the VideoCore's).
    assert_eq!(memory_kib(&run), 0x3c00_0000 >> 10);
}

#[test]
fn versal_with_2g_reaches_userspace_with_one_bank() {
    let low = "node   0: [mem 0x0000000000000000-0x000000007fffffff]";
    let run = boots_directly(&VERSAL, "2G", &[low, "CPU: All CPU(s) started at EL2"], &[]);
    assert_eq!(memory_kib(&run), 2 << 20);
    assert_eq!(run.count("node   0: [mem 0x0000000800000000"), 0, "a high bank with 2 GiB");
}

#[test]
fn versal_with_4g_reaches_userspace_and_the_kernel_sees_both_banks() {
    let low = "node   0: [mem 0x0000000000000000-0x000000007fffffff]";
    let high = "node   0: [mem 0x0000000800000000-0x000000087fffffff]";
    let run = boots_directly(&VERSAL, "4G", &[low, high, "CPU: All CPU(s) started at EL2"], &[]);
    assert_eq!(memory_kib(&run), 4 << 20);
}

#[test]
fn zcu102_reaches_userspace_at_el2_on_the_cadence_uart() {
    let run = boots_directly(
        &ZCU102,
        "2G",
        &[
            "CPU: All CPU(s) started at EL2",
            "ff000000.serial: ttyPS0 at MMIO 0xff000000",
            "printk: console [ttyPS0] enabled",
        ],
        &[],
    );
    assert_eq!(memory_kib(&run), 2 << 20);
    run.assert_has("smp: Brought up 1 node, 4 CPUs");
}
