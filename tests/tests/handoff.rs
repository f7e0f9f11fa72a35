//! The kernel is entered through springboard's resident stub: QEMU's `-d int` log must show
//! an `hvc` from EL1 taken by the resident copy's "lower EL, AArch64, synchronous" slot, and the
//! next event must be that stub's exception return to the kernel's entry point at EL2 — not a
//! plain branch, and not an entry at EL1.

use qemu_tests::{pack, Assets, Qemu, CMDLINE, MMU_OFF, MMU_ON, USERSPACE};

/// Offset of the "lower EL using AArch64, synchronous" slot in a vector table (Arm ARM D1.10.2).
const LOWER_EL_SYNC: u64 = 0x400;

/// The hexadecimal number that follows `key` in `line`.
fn hex_after(line: &str, key: &str) -> u64 {
    let rest =
        &line[line.find(key).unwrap_or_else(|| panic!("`{key}` not in `{line}`")) + key.len()..];
    let digits: String =
        rest.trim_start_matches("0x").chars().take_while(char::is_ascii_hexdigit).collect();
    u64::from_str_radix(&digits, 16)
        .unwrap_or_else(|_| panic!("no number after `{key}` in `{line}`"))
}

#[test]
fn kernel_is_entered_by_the_resident_stubs_hvc_soft_restart() {
    let assets = Assets::get();
    let kernel = assets.kernel("6.1-generic").clone();
    let bundle = assets.work_file("handoff.bundle");
    pack(&assets, &kernel.path, CMDLINE, &bundle);
    let log = assets.work_file("handoff.int.log");
    let _ = std::fs::remove_file(&log);
    let run = Qemu::virt("handoff", "cortex-a57")
        .kernel(&assets.springboard)
        .initrd(&bundle)
        .arg(["-d", "int", "-D", &log.display().to_string()])
        .expect(
            &[
                MMU_ON,
                MMU_OFF,
                "springboard: handoff: HVC_SOFT_RESTART to",
                "CPU: All CPU(s) started at EL2",
                USERSPACE,
            ],
            &assets.work,
        );
    let stub = hex_after(run.assert_has("springboard: stub: resident at "), "resident at ");
    let entry = hex_after(
        run.assert_has("springboard: handoff: HVC_SOFT_RESTART to "),
        "HVC_SOFT_RESTART to ",
    );

    let text = std::fs::read_to_string(&log).expect("reading the -d int log");
    let lines: Vec<&str> = text.lines().collect();
    let eret_to_kernel = format!("Exception return from AArch64 EL2 to AArch64 EL2 PC {entry:#x}");
    let at = lines
        .iter()
        .position(|l| *l == eret_to_kernel)
        .unwrap_or_else(|| panic!("no `{eret_to_kernel}` in {}", log.display()));
    // The exception just before: an HVC from EL1, taken at the resident stub's lower-EL slot.
    let taken = &lines[at.saturating_sub(5)..at];
    assert!(
        taken[0].contains("[Hypervisor Call]"),
        "not an HVC before the kernel entry: {taken:?}"
    );
    assert_eq!(taken[1], "...from EL1 to EL2", "{taken:?}");
    assert!(taken[2].starts_with("...with ESR 0x16/"), "EC must be HVC64: {taken:?}");
    let vector = format!("...to EL2 PC {:#x} ", stub + LOWER_EL_SYNC);
    assert!(
        taken[4].starts_with(&vector),
        "HVC not taken by the resident stub at {stub:#x}: {taken:?}"
    );
    // And the kernel was never entered at EL1 at its entry point.
    let el1_entry = format!("Exception return from AArch64 EL2 to AArch64 EL1 PC {entry:#x}");
    assert!(!lines.contains(&el1_entry.as_str()), "kernel entered at EL1");
}
