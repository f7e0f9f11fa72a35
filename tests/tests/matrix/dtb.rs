//! Hostile DTBs. QEMU's own DTB is dumped (`dumpdtb`, same machine options as the run) and
//! edited with `fdtput` and `dtc`. Given with `-dtb`, QEMU still rewrites `/memory` (and the
//! `/chosen` properties for `-initrd` and `-append` when those are given); what it would undo
//! is loaded instead as a segment of an ELF at the base of DRAM, where QEMU then puts no DTB
//! and springboard finds it at the board's fallback address.

use crate::common::{
    assets, boots, line_says, read, real_bundle, refuses, tiny_bundle, tiny_bundle_file, virt,
    write, DRAM, INITRD_BASE, KERNEL_BASE, POWER_OFF,
};
use qemu_tests::dtb::{cells, dump_virt, fdtput, reserve, run_tool};
use qemu_tests::elf::{self, Segment};
use std::path::{Path, PathBuf};

/// Where a test plants a bundle that only the DTB names. Not 0x48000000: without `-initrd`,
/// QEMU puts the `-dtb` there.
const PLANTED: u64 = 0x5000_0000;

/// QEMU's DTB for `virt,virtualization=on`, written to `matrix-NAME.dtb`.
fn qemu_dtb(name: &str) -> PathBuf {
    dump_virt(assets(), "virt,virtualization=on", &format!("matrix-{name}"))
}

/// Adds a node `path` with `compatible = "arm,pl011"` and a `reg` at `base` (4 KiB), and
/// points `/chosen/stdout-path` at it. Only `arm,pl011`, not `arm,primecell`: Linux makes no
/// AMBA device of it and leaves it alone, so only springboard reads it.
fn uart_at(dtb: &Path, base: u64) {
    let node = format!("/uart-under-test@{base:x}");
    fdtput(&["-c"], dtb, &[&node]);
    fdtput(&["-t", "s"], dtb, &[&node, "compatible", "arm,pl011"]);
    let (hi, lo) = (format!("{:x}", base >> 32), format!("{:x}", base & 0xffff_ffff));
    fdtput(&["-t", "x"], dtb, &[&node, "reg", &hi, &lo, "0", "1000"]);
    fdtput(&["-t", "s"], dtb, &["/chosen", "stdout-path", &node]);
}

/// Sets `/chosen` `linux,initrd-start` and `-end` (64-bit) to `[start, start + size)`.
fn initrd_range(dtb: &Path, start: u64, size: u64) {
    for (prop, value) in [("linux,initrd-start", start), ("linux,initrd-end", start + size)] {
        let [hi, lo] = cells(value);
        fdtput(&["-t", "x"], dtb, &["/chosen", prop, &hi, &lo]);
    }
}

/// `dtb` rewritten through `dtc` with a `/memreserve/ base size;` entry added.
fn memreserve(dtb: &Path, base: u64, size: u64) {
    let file = dtb.display().to_string();
    let dts = String::from_utf8(run_tool("dtc", &["-q", "-I", "dtb", "-O", "dts", &file]))
        .expect("dtc prints UTF-8");
    let entry = format!("/dts-v1/;\n/memreserve/ {base:#x} {size:#x};\n");
    let dts = dts.replacen("/dts-v1/;\n", &entry, 1);
    let source = dtb.with_extension("dts");
    std::fs::write(&source, dts).expect("writing the .dts");
    run_tool("dtc", &["-q", "-I", "dts", "-O", "dtb", "-o", &file, &source.display().to_string()]);
}

#[test]
fn stdout_path_naming_a_uart_inside_dram_is_refused_and_the_dtbs_other_uart_used() {
    let dtb = qemu_dtb("dtb-uart-in-dram");
    uart_at(&dtb, DRAM.0 + 0x10_0000);
    let qemu = virt("dtb-uart-in-dram").dtb(&dtb).initrd(real_bundle());
    let run = boots(qemu, &["console:", "CPU: All CPU(s) started at EL2"]);
    line_says(&run, "console:", &["refused", "0x40100000"]);
    run.assert_has("springboard: console: PL011 at 0x9000000");
}

#[test]
fn stdout_path_naming_a_uart_where_nothing_answers_is_reported_on_the_dtbs_other_uart() {
    // 0x0c000000 on `virt` is the platform bus: nothing is mapped there without
    // dynamic sysbus devices, so an access aborts.
    let dtb = qemu_dtb("dtb-uart-absent");
    uart_at(&dtb, 0x0c00_0000);
    let qemu = virt("dtb-uart-absent").dtb(&dtb).initrd(tiny_bundle_file());
    let run = refuses(qemu, "console");
    line_says(&run, "springboard: error: console:", &["0xc000000"]);
}

#[test]
fn memreserve_over_all_of_dram_is_refused() {
    let dtb = qemu_dtb("dtb-memreserve-all");
    memreserve(&dtb, DRAM.0, DRAM.1);
    let qemu = virt("dtb-memreserve-all").dtb(&dtb).initrd(tiny_bundle_file());
    let run = refuses(qemu, "resident");
    line_says(&run, "springboard: error: resident:", &["memreserve"]);
}

#[test]
fn memreserve_over_all_dram_but_the_bundle_and_dtb_leaves_no_room_for_the_kernel() {
    // Free: 0x48000000..0x48400000, where QEMU put the bundle and the DTB (0x48200000), and
    // the resident region at the top: no 2 MiB boundary left for the kernel.
    let dtb = qemu_dtb("dtb-memreserve-below");
    memreserve(&dtb, DRAM.0, INITRD_BASE - DRAM.0);
    let free_end = INITRD_BASE + 0x40_0000;
    memreserve(&dtb, free_end, DRAM.0 + DRAM.1 - 0x2000 - free_end);
    let qemu = virt("dtb-memreserve-below").dtb(&dtb).initrd(tiny_bundle_file());
    refuses(qemu, "placement");
}

#[test]
fn reserved_memory_over_the_bundle_is_refused() {
    // A `no-map` reservation over the bundle that QEMU puts at 0x48000000: handing the kernel
    // an initrd inside it would have Linux drop the initrd.
    let dtb = qemu_dtb("dtb-reserved-over-bundle");
    reserve(&dtb, "hostile", INITRD_BASE, 0x10_0000, true);
    let qemu = virt("dtb-reserved-over-bundle").dtb(&dtb).initrd(tiny_bundle_file());
    refuses(qemu, "bundle-range");
}

#[test]
fn initrd_range_outside_dram_is_refused() {
    let dtb = qemu_dtb("dtb-initrd-outside");
    initrd_range(&dtb, DRAM.0 + DRAM.1 + 0x1000_0000, 0x10_0000);
    let run = refuses(virt("dtb-initrd-outside").dtb(&dtb), "bundle-range");
    line_says(&run, "springboard: error: bundle-range:", &["0x90000000"]);
}

#[test]
fn initrd_range_over_springboard_itself_is_refused() {
    let dtb = qemu_dtb("dtb-initrd-over-springboard");
    initrd_range(&dtb, KERNEL_BASE, 0x10_0000);
    let run = refuses(virt("dtb-initrd-over-springboard").dtb(&dtb), "bundle-range");
    line_says(&run, "springboard: error: bundle-range:", &["0x40200000"]);
}

#[test]
fn bundle_loaded_by_hand_and_named_only_by_the_dtb_boots() {
    // The control for the two above: the same `-dtb` route, with a range that is right.
    let dtb = qemu_dtb("dtb-initrd-planted");
    let bundle = real_bundle();
    let size = std::fs::metadata(bundle).expect("the real bundle").len();
    initrd_range(&dtb, PLANTED, size);
    let qemu = virt("dtb-initrd-planted").dtb(&dtb).load(bundle, PLANTED);
    let run = boots(qemu, &["springboard: bundle: 0x50000000"]);
    line_says(&run, "springboard: bundle: 0x50000000", &["from the /chosen initrd range"]);
}

#[test]
fn memory_bank_smaller_than_the_resident_region_is_refused() {
    // QEMU would rewrite /memory of a `-dtb`: this DTB is a segment of an ELF at the base of
    // DRAM, which QEMU does not touch and springboard finds at the board's 0x40000000.
    let dtb = qemu_dtb("dtb-tiny-bank");
    let [hi, lo] = cells(DRAM.0);
    fdtput(&["-t", "x"], &dtb, &["/memory@40000000", "reg", &hi, &lo, "0", "1000"]);
    let bundle = tiny_bundle();
    initrd_range(&dtb, INITRD_BASE, bundle.len() as u64);
    let image = read(&assets().springboard);
    let image_size = crate::common::get_u64(&image, 0x10);
    let dtb_bytes = read(&dtb);
    let segments = [
        Segment { addr: DRAM.0, data: &dtb_bytes, mem_size: dtb_bytes.len() as u64 },
        Segment { addr: KERNEL_BASE, data: &image, mem_size: image_size },
        Segment { addr: INITRD_BASE, data: bundle, mem_size: bundle.len() as u64 },
    ];
    let elf = write("dtb-tiny-bank.elf", &elf::executable(&segments, KERNEL_BASE));
    let qemu = qemu_tests::Qemu::virt("matrix-dtb-tiny-bank", "cortex-a57").kernel(&elf);
    let run = refuses(qemu, "resident");
    run.assert_has("from board fallback");
}

#[test]
fn psci_method_hvc_at_el2_still_gives_the_kernel_working_psci() {
    // With EL2 present, QEMU's PSCI is reached by `smc`; a DTB that says `hvc` is wrong for a
    // kernel entered at EL2, which must still find PSCI.
    let dtb = qemu_dtb("dtb-psci-hvc");
    fdtput(&["-t", "s"], &dtb, &["/psci", "method", "hvc"]);
    let qemu = virt("dtb-psci-hvc").dtb(&dtb).initrd(real_bundle());
    boots(qemu, &["psci: PSCIv1.1 detected in firmware", "CPU: All CPU(s) started at EL2"]);
}

#[test]
fn psci_method_hvc_at_el2_still_powers_off_after_a_refusal() {
    // springboard's own SYSTEM_OFF goes by `hvc` from EL1 to its stub, which relays it.
    let dtb = qemu_dtb("dtb-psci-hvc-refusal");
    fdtput(&["-t", "s"], &dtb, &["/psci", "method", "hvc"]);
    let mut bytes = tiny_bundle().to_vec();
    bytes[0] ^= 0xff;
    let path = write("dtb-psci-hvc-refusal.bundle", &bytes);
    let run = refuses(virt("dtb-psci-hvc-refusal").dtb(&dtb).initrd(&path), "bundle");
    run.assert_has(POWER_OFF);
}
