//! Kexec HandOver (Linux 6.16+): a DTB whose `/chosen` has `linux,kho-fdt` and
//! `linux,kho-scratch` says the previous kernel preserved memory everywhere outside its scratch
//! ranges. springboard must place the kernel, its DTB and its initrd inside those ranges, or
//! refuse. QEMU's own DTB is dumped and given the two properties with `fdtput`; the
//! `struct kho_scratch` array (16 bytes per range: little-endian `addr`, `size`) and a KHO FDT
//! are loaded where the properties point with `-device loader`. The kernel is Debian's 6.1,
//! which knows nothing of KHO: springboard's `plan:` line is what shows where things went.

use qemu_tests::dtb::{cells, dump_virt, fdtput, reserve, run_tool};
use qemu_tests::{pack, Assets, Entry, Pack, Qemu, Run, CMDLINE, USERSPACE};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

/// `virt`'s DRAM with `-m 1G`: `[1 GiB, 2 GiB)`.
const DRAM_END: u64 = 0x8000_0000;
/// The scratch range of the tests that boot: 256 MiB, well away from the bundle and from
/// springboard at 0x40200000, where springboard would otherwise place the kernel.
const SCRATCH: (u64, u64) = (0x6000_0000, 0x1000_0000);
/// Where the tests load the scratch array and the KHO FDT (outside scratch, as Linux's own
/// preserved memory would be).
const ARRAY_AT: u64 = 0x7f00_0000;
const KHO_FDT_AT: u64 = 0x7e00_0000;
/// The resident stub and state page: the top 8 KiB of the first bank (`boards`' `virt`).
const RESIDENT: (u64, u64) = (DRAM_END - 0x2000, 0x2000);
const POWER_OFF: &str = "springboard: powering off";
/// Lines that mean springboard jumped into a kernel it should have refused.
const NEVER: &[&str] = &["Booting Linux", "springboard: handoff:"];

fn assets() -> &'static Assets {
    static ASSETS: OnceLock<Assets> = OnceLock::new();
    ASSETS.get_or_init(Assets::get)
}

/// `springboard pack` of the 6.1 generic kernel and the test initramfs.
fn bundle() -> &'static Path {
    static BUNDLE: OnceLock<PathBuf> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let path = assets().work_file("kho.bundle");
        pack(assets(), &assets().kernel("6.1-generic").path, CMDLINE, &path);
        path
    })
}

/// A KHO FDT as Linux writes it (`kho_out_fdt_setup`): compatible `kho-v1` and the address of
/// the preserved-memory map. springboard only keeps clear of it.
fn kho_fdt() -> &'static Path {
    static FDT: OnceLock<PathBuf> = OnceLock::new();
    FDT.get_or_init(|| {
        let dts = assets().work_file("kho-fdt.dts");
        let dtb = assets().work_file("kho-fdt.dtb");
        let source = "/dts-v1/;\n/ {\n\tcompatible = \"kho-v1\";\n\
                      \tpreserved-memory-map = /bits/ 64 <0x7d000000>;\n};\n";
        std::fs::write(&dts, source).expect("writing the KHO FDT source");
        let (dts, dtb_arg) = (dts.display().to_string(), dtb.display().to_string());
        run_tool("dtc", &["-q", "-I", "dts", "-O", "dtb", "-o", &dtb_arg, &dts]);
        dtb
    })
}

/// `springboard pack --dtb` of the 6.1 generic kernel, the test initramfs and QEMU's own DTB:
/// an entry that brings its own DTB, without KHO properties.
fn bundle_with_own_dtb() -> PathBuf {
    let dtb = dump_virt(assets(), "virt,virtualization=on", "kho-entry-own");
    let out = assets().work_file("kho-entry-dtb.bundle");
    let kernel = &assets().kernel("6.1-generic").path;
    let entry = Entry::kernel(kernel).initrd(&assets().initramfs).cmdline(CMDLINE).dtb(&dtb);
    assets().pack(Pack::new().entry(entry), &out);
    out
}

/// A KHO machine: QEMU's DTB with `/chosen/linux,kho-fdt` and `linux,kho-scratch` (naming
/// `array_size` bytes at [`ARRAY_AT`]), springboard's own resident region reserved as an
/// earlier springboard leaves it when `reserved`, and the array holding `ranges`.
fn kho_machine(name: &str, ranges: &[(u64, u64)], array_size: u64, reserved: bool) -> Qemu {
    kho_machine_with(name, ranges, array_size, reserved, bundle())
}

/// [`kho_machine`] booting `bundle`.
fn kho_machine_with(
    name: &str,
    ranges: &[(u64, u64)],
    array_size: u64,
    reserved: bool,
    bundle: &Path,
) -> Qemu {
    let dtb = dump_virt(assets(), "virt,virtualization=on", &format!("kho-{name}"));
    let fdt_size = std::fs::metadata(kho_fdt()).expect("the KHO FDT").len();
    for (prop, base, size) in
        [("linux,kho-fdt", KHO_FDT_AT, fdt_size), ("linux,kho-scratch", ARRAY_AT, array_size)]
    {
        let ([base_hi, base_lo], [size_hi, size_lo]) = (cells(base), cells(size));
        fdtput(&["-t", "x"], &dtb, &["/chosen", prop, &base_hi, &base_lo, &size_hi, &size_lo]);
    }
    if reserved {
        reserve(&dtb, "springboard", RESIDENT.0, RESIDENT.1, true);
    }
    let array: Vec<u8> = ranges
        .iter()
        .flat_map(|&(base, size)| base.to_le_bytes().into_iter().chain(size.to_le_bytes()))
        .collect();
    let array_path = assets().work_file(&format!("kho-{name}.scratch"));
    std::fs::write(&array_path, array).expect("writing the scratch array");
    Qemu::virt(&format!("kho-{name}"), "cortex-a57")
        .kernel(&assets().springboard)
        .initrd(bundle)
        .dtb(&dtb)
        .load(kho_fdt(), KHO_FDT_AT)
        .load(&array_path, ARRAY_AT)
}

/// Runs `qemu` expecting exactly one `springboard: error: CODE:` line and the power-off.
fn refuses(qemu: Qemu, code: &str) -> Run {
    let error = format!("springboard: error: {code}:");
    let run = qemu
        .forbid(NEVER)
        .timeout(Duration::from_secs(60))
        .expect(&[&error, POWER_OFF], &assets().work);
    let errors = run.count("springboard: error:");
    if errors != 1 {
        run.fail(&format!("{errors} error lines, want exactly one"), &[]);
    }
    run
}

/// The hexadecimal numbers in `line` after `word` (`kernel 0x60000000..0x62000000` gives both).
fn numbers_after(line: &str, word: &str) -> Vec<u64> {
    let rest = &line[line.find(word).unwrap_or_else(|| panic!("no `{word}` in `{line}`"))..];
    rest.split(|c: char| !c.is_ascii_alphanumeric())
        .filter_map(|w| w.strip_prefix("0x"))
        .map(|h| u64::from_str_radix(h, 16).expect("hex"))
        .collect()
}

fn in_scratch(run: &Run, what: &str, start: u64, end: u64) {
    if !(SCRATCH.0 <= start && end <= SCRATCH.0 + SCRATCH.1) {
        run.fail(&format!("{what} {start:#x}..{end:#x} is outside the scratch range"), &[]);
    }
}

#[test]
fn kernel_dtb_and_initrd_go_only_into_the_scratch_ranges() {
    // Without KHO springboard puts the kernel at the lowest 2 MiB boundary (0x40400000, above
    // itself); here everything must land in 0x60000000..0x70000000, and the initrd, which
    // the bundle holds at 0x48000000, is copied there.
    let qemu = kho_machine("boots", &[SCRATCH], 16, true);
    let userspace = format!("{USERSPACE}{}", assets().kernel("6.1-generic").release);
    let run = qemu.forbid(&["springboard: error:"]).timeout(Duration::from_secs(120)).expect(
        &["springboard: kho: 1 scratch range", "springboard: plan:", &userspace],
        &assets().work,
    );
    let kho = run.assert_has("springboard: kho:");
    assert!(kho.contains("placing only inside them"), "{kho}");
    let plan = run.assert_has("springboard: plan:").to_string();
    let kernel = numbers_after(&plan, "kernel");
    in_scratch(&run, "kernel", kernel[0], kernel[1]);
    let dtb = numbers_after(&plan, "dtb")[0];
    in_scratch(&run, "dtb", dtb, dtb + 0x1000);
    let initrd = run.assert_has("springboard: initrd: copied").to_string();
    let base = *numbers_after(&initrd, " to ").first().expect("an address");
    in_scratch(&run, "initrd copy", base, base + 0x1000);
    assert!(initrd.contains("outside the KHO scratch"), "{initrd}");
}

#[test]
fn scratch_too_small_for_the_kernel_is_a_placement_error() {
    let qemu = kho_machine("too-small", &[(SCRATCH.0, 0x20_0000)], 16, true);
    let run = refuses(qemu, "placement");
    let line = run.assert_has("springboard: error: placement:");
    assert!(line.contains("limited to the KHO scratch ranges"), "{line}");
}

#[test]
fn misaligned_scratch_range_is_refused() {
    let qemu = kho_machine("misaligned", &[(SCRATCH.0 + 0x800, SCRATCH.1)], 16, true);
    let run = refuses(qemu, "kho");
    let line = run.assert_has("springboard: error: kho:");
    assert!(line.contains("offset 0x0") && line.contains("0x60000800"), "{line}");
}

#[test]
fn scratch_range_outside_dram_is_refused() {
    let ranges = [SCRATCH, (DRAM_END, 0x1000_0000)];
    let run = refuses(kho_machine("outside", &ranges, 32, true), "kho");
    let line = run.assert_has("springboard: error: kho:");
    assert!(line.contains("offset 0x10") && line.contains("0x80000000"), "{line}");
}

#[test]
fn scratch_array_with_too_many_entries_is_refused() {
    let count = image_formats::kho::MAX_RANGES as u64 + 1;
    let ranges = vec![SCRATCH; count as usize];
    let run = refuses(kho_machine("too-many", &ranges, count * 16, true), "kho");
    let line = run.assert_has("springboard: error: kho:");
    assert!(line.contains(&format!("{count} entries")), "{line}");
}

#[test]
fn resident_region_neither_scratch_nor_reserved_is_refused() {
    // The stub and state page go to the top of the first bank whatever the plan says: under
    // KHO that must be memory the previous kernel did not use.
    let run = refuses(kho_machine("resident", &[SCRATCH], 16, false), "kho");
    let line = run.assert_has("springboard: error: kho:");
    assert!(line.contains("resident region 0x7fffe000"), "{line}");
}

#[test]
fn an_entry_dtb_is_given_the_kho_properties_of_the_firmwares() {
    // The kernel is told the entry's DTB: without the two properties a KHO kernel would not
    // revive what the previous one preserved, and would allocate over it.
    let qemu = kho_machine_with("entry-dtb", &[SCRATCH], 16, true, &bundle_with_own_dtb());
    let userspace = format!("{USERSPACE}{}", assets().kernel("6.1-generic").release);
    let run = qemu.forbid(&["springboard: error:"]).timeout(Duration::from_secs(120)).expect(
        &["springboard: fdt: the entry's own DTB", "springboard: plan:", &userspace],
        &assets().work,
    );
    let chosen = run.assert_has("SPRINGBOARD-CHOSEN");
    assert!(chosen.contains("linux,kho-fdt") && chosen.contains("linux,kho-scratch"), "{chosen}");
    let kernel = numbers_after(run.assert_has("springboard: plan:"), "kernel");
    in_scratch(&run, "kernel", kernel[0], kernel[1]);
}
