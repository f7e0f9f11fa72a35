//! springboard on boards other than `virt`: QEMU's `raspi3b` (DRAM at 0, the mini UART behind
//! the VideoCore bus's `ranges`, spin-table secondaries, no PSCI), `xlnx-versal-virt` (two DRAM
//! banks with 4 GiB) and `xlnx-zcu102` (the Cadence UART). springboard is QEMU's `-kernel`, the
//! bundle its `-initrd`; everything springboard needs comes from the DTB, and its lines must
//! appear on the UART that `/chosen/stdout-path` names, before the kernel's.

use qemu_tests::{pack, Assets, Qemu, Run, USERSPACE};
use springboard_host::boards::{Board, RASPI3B, VERSAL, ZCU102};
use std::time::Duration;

/// Under TCG, with other tests on the same two cores, a board boot takes 5–30 s.
const TIMEOUT: Duration = Duration::from_secs(180);

/// Boots the generic kernel through springboard on `board` with `memory`, waiting for the
/// `springboard` milestones, then the kernel's `before` ones, the userspace marker and
/// `after`, and for QEMU to exit with status 0.
fn boots(
    board: &Board,
    memory: &str,
    springboard: &[&str],
    before: &[&str],
    after: &[&str],
) -> Run {
    let assets = Assets::get();
    let kernel = assets.kernel("6.1-generic");
    let name = format!("board-{}-{memory}", board.name);
    let bundle = assets.work_file(&format!("{name}.bundle"));
    pack(&assets, &kernel.path, &board.cmdline(), &bundle);
    let machine = board
        .machine_with_memory(memory, assets.dtb(board).as_deref())
        .unwrap_or_else(|e| panic!("{e:#}"))
        .kernel(&assets.springboard)
        .initrd(&bundle);
    let userspace = format!("{USERSPACE}{}", kernel.release);
    let mut all = springboard.to_vec();
    all.extend(["springboard: handoff: HVC_SOFT_RESTART", "Booting Linux on physical CPU"]);
    all.extend_from_slice(before);
    all.push(&userspace);
    all.extend_from_slice(after);
    Qemu::on(&name, machine)
        .forbid(&["springboard: error:", "reboot: System halted"])
        .timeout(TIMEOUT)
        .expect(&all, &assets.work)
}

#[test]
fn raspi3b_boots_at_el2_with_four_cpus_from_the_mini_uart_the_dtb_names() {
    boots(
        &RASPI3B,
        "1G",
        &[
            "springboard: console: BCM2835 mini UART at 0x3f215040",
            "power-off: the BCM2835 PM watchdog",
            "springboard: memory: 0x0..0x3c000000",
        ],
        &["smp: Brought up 1 node, 4 CPUs", "CPU: All CPU(s) started at EL2"],
        // The init loads bcm2835_wdt before `poweroff -f`; the watchdog ends QEMU.
        &["reboot: Power down"],
    );
}

#[test]
fn versal_with_2g_boots_from_a_bank_at_zero() {
    let run = boots(
        &VERSAL,
        "2G",
        &["springboard: console: PL011 at 0xff000000", "springboard: memory: 0x0..0x80000000"],
        &["CPU: All CPU(s) started at EL2"],
        &[],
    );
    assert_eq!(run.count("not used"), 0, "one bank with 2 GiB");
}

#[test]
fn versal_with_4g_boots_and_the_kernel_sees_both_banks() {
    boots(
        &VERSAL,
        "4G",
        &[
            "springboard: memory: 0x0..0x80000000",
            "springboard: memory: 0x800000000..0x880000000 (2048.0 MiB), not used",
            "springboard: mmu: on, caches on: 2 DRAM banks",
        ],
        &[
            "node   0: [mem 0x0000000000000000-0x000000007fffdfff]",
            "node   0: [mem 0x0000000800000000-0x000000087fffffff]",
            "CPU: All CPU(s) started at EL2",
        ],
        &[],
    );
}

#[test]
fn zcu102_boots_at_el2_with_springboard_on_the_cadence_uart() {
    boots(
        &ZCU102,
        "2G",
        &["springboard: console: Cadence UART at 0xff000000", "power-off: PSCI over smc"],
        &["CPU: All CPU(s) started at EL2", "printk: console [ttyPS0] enabled"],
        &[],
    );
}
