//! Patched blobs checked by the real dtc: accepted without new warnings, and holding every
//! line of the input's dtc text except the edited ones.

mod fdt_support;

use fdt_support::*;
use image_formats::fdt::{summarize, Edits, Fdt, Reservation};
use image_formats::MemRange;

/// The lines of dtc's text, trimmed, without blank lines and without lines that set one of
/// the `edited` properties.
fn dts_lines(dts: &str, edited: &[&str]) -> Vec<String> {
    dts.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .filter(|l| {
            !edited.iter().any(|p| l.starts_with(&format!("{p} = ")) || *l == format!("{p};"))
        })
        .map(String::from)
        .collect()
}

/// The lines of `output` that are not matched, in order, by the lines of `input`; fails when
/// some input line is missing from the output.
fn added_lines(input: &[String], output: &[String]) -> Vec<String> {
    let mut next = 0;
    let mut added = Vec::new();
    for line in output {
        if input.get(next) == Some(line) {
            next += 1;
        } else {
            added.push(line.clone());
        }
    }
    assert_eq!(next, input.len(), "input line {:?} is missing from the output", input.get(next));
    added
}

const NEW_RESERVED_MEMORY: &[&str] = &[
    "reserved-memory {",
    "#address-cells = <0x02>;",
    "#size-cells = <0x02>;",
    "ranges;",
    "springboard@7fff0000 {",
    "reg = <0x00 0x7fff0000 0x00 0x10000>;",
    "no-map;",
    "};",
    "};",
];

#[test]
fn patched_qemu_dtb_passes_dtc_and_keeps_every_other_line() {
    for input in [QEMU_VIRT, QEMU_VIRT_INITRD, QEMU_VIRT_NOPS] {
        let out = with_handoff_edits(|e| patched(input, e));
        let (before, before_warnings) = dtc_decompile(input).unwrap();
        let (after, after_warnings) = dtc_decompile(&out).unwrap_or_else(|e| panic!("dtc: {e}"));
        assert_eq!(after_warnings, before_warnings, "no new dtc warnings");

        let edited =
            ["bootargs", "linux,initrd-start", "linux,initrd-end", "rng-seed", "kaslr-seed"];
        let added = added_lines(&dts_lines(&before, &edited), &dts_lines(&after, &edited));
        assert_eq!(added, NEW_RESERVED_MEMORY);

        assert!(after.contains("bootargs = \"console=ttyAMA0 quiet\";"), "{after}");
        assert!(after.contains("linux,initrd-start = <0x00 0x48000000>;"));
        assert!(after.contains("linux,initrd-end = <0x00 0x48010000>;"));
        assert!(!after.contains("kaslr-seed"));
        assert_eq!(nop_count(&out), 0, "NOPs are dropped");
    }
}

#[test]
fn patching_twice_gives_the_same_blob() {
    for input in [QEMU_VIRT_INITRD, BOARD, MINIMAL_32BIT] {
        let small = MemRange { base: 0x4400_0000, size: 0x1000 };
        let reserve = [Reservation { name: "springboard", range: small, no_map: true }];
        let set: [(&str, &[u8]); 1] = [("bootargs", b"quiet\0")];
        let edits = Edits { chosen_set: &set, reserve: &reserve, ..Edits::default() };
        let once = patched(input, &edits);
        let twice = patched(&once, &edits);
        assert_eq!(once, twice, "the second patch replaces what the first wrote");
        dtc_decompile(&twice).unwrap();
    }
}

#[test]
fn creates_chosen_and_reserved_memory_with_the_root_cells() {
    let reserve = [Reservation {
        name: "springboard",
        range: MemRange { base: 0x47ff_f000, size: 0x1000 },
        no_map: false,
    }];
    let set: [(&str, &[u8]); 1] = [("bootargs", b"console=ttyAMA0\0")];
    let edits = Edits {
        chosen_set: &set,
        chosen_remove: &["absent"],
        reserve: &reserve,
        ..Edits::default()
    };
    let out = patched(MINIMAL_32BIT, &edits);
    let (dts, warnings) = dtc_decompile(&out).unwrap();
    assert_eq!(warnings, "");
    for line in [
        "chosen {",
        "bootargs = \"console=ttyAMA0\";",
        "#address-cells = <0x01>;",
        "springboard@47fff000 {",
        "reg = <0x47fff000 0x1000>;",
    ] {
        assert!(dts.contains(line), "{line} missing from\n{dts}");
    }
    assert!(!dts.contains("no-map"), "no-map only when asked");
    let s = summarize(&Fdt::new(&out).unwrap()).unwrap();
    assert_eq!(s.reserved_memory.as_slice(), [reserve[0].range]);
}

#[test]
fn replaces_same_named_reservation_and_keeps_the_others() {
    let secmon = MemRange { base: 0x8100_0000, size: 0x40_0000 };
    let reserve = [
        Reservation { name: "secmon", range: secmon, no_map: true },
        Reservation { name: "springboard", range: SPRINGBOARD, no_map: true },
    ];
    let edits = Edits { reserve: &reserve, ..Edits::default() };
    let out = patched(BOARD, &edits);
    let (dts, warnings) = dtc_decompile(&out).unwrap();
    assert_eq!(dtc_decompile(BOARD).unwrap().1, warnings);
    assert_eq!(dts.matches("secmon@81000000").count(), 1, "{dts}");
    assert!(dts.contains("linux,cma {"));
    let s = summarize(&Fdt::new(&out).unwrap()).unwrap();
    let framebuffer = MemRange { base: 0x9f00_0000, size: 0x80_0000 };
    assert_eq!(s.reserved_memory.as_slice(), [framebuffer, secmon, SPRINGBOARD]);
    assert_eq!(s.memreserve, summarize(&Fdt::new(BOARD).unwrap()).unwrap().memreserve);
}
