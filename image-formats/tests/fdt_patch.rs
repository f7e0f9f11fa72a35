//! Patching: the output is a DTB the reader accepts, with the edits, within the size bound;
//! bad edits and small buffers are errors.

mod fdt_support;

use fdt_support::*;
use image_formats::fdt::{
    patch, patched_size_bound, summarize, Edits, Fdt, FdtErrorKind, Reservation,
};
use image_formats::MemRange;

#[test]
fn patched_blob_reads_back_with_the_edits() {
    let out = with_handoff_edits(|e| patched(QEMU_VIRT, e));
    let fdt = Fdt::new(&out).unwrap();
    let s = summarize(&fdt).unwrap();
    assert_eq!(s.bootargs, Some("console=ttyAMA0 quiet"));
    assert_eq!(s.initrd, Some(MemRange { base: 0x4800_0000, size: 0x1_0000 }));
    assert_eq!(s.reserved_memory.as_slice(), [SPRINGBOARD]);
    let chosen = fdt.find_node("/chosen").unwrap().unwrap();
    assert_eq!(chosen.property("rng-seed").unwrap(), Some(&SEED[..]));
    assert_eq!(chosen.property("kaslr-seed").unwrap(), None);
    let node = fdt.find_node("/reserved-memory/springboard@7fff0000").unwrap().unwrap();
    assert_eq!(node.property("no-map").unwrap(), Some(&[][..]));
    // Header: version 17, blocks in dtc's order, the reservation block 8-byte aligned.
    let word = |at: usize| u32::from_be_bytes(out[at..at + 4].try_into().unwrap());
    assert_eq!((word(0x14), word(0x18)), (17, 16));
    assert_eq!(word(0x04) as usize, out.len());
    assert_eq!(word(0x10) % 8, 0);
    assert_eq!(word(0x0c), word(0x08) + word(0x24), "strings follow the structure block");
    assert_eq!(word(0x0c) + word(0x20), word(0x04), "strings end the blob");
}

#[test]
fn rejects_too_small_output() {
    let out = with_handoff_edits(|e| patched(BOARD, e));
    let fdt = Fdt::new(BOARD).unwrap();
    for len in 0..out.len() {
        let mut buf = vec![0; len];
        let e = with_handoff_edits(|edits| patch(&fdt, edits, &mut buf)).unwrap_err();
        assert!(matches!(e.kind, FdtErrorKind::OutputTooSmall { .. }), "{len}: {e}");
    }
}

#[test]
fn rejects_reservation_that_does_not_fit_the_cells() {
    let fdt = Fdt::new(MINIMAL_32BIT).unwrap();
    let high = MemRange { base: 0x1_0000_0000, size: 0x1000 };
    let reserve = [Reservation { name: "springboard", range: high, no_map: true }];
    let edits = Edits { reserve: &reserve, ..Edits::default() };
    let mut out = vec![0; patched_size_bound(&fdt, &edits)];
    let e = patch(&fdt, &edits, &mut out).unwrap_err();
    let kind = FdtErrorKind::RangeDoesNotFit {
        base: high.base,
        size: high.size,
        address_cells: 1,
        size_cells: 1,
    };
    assert_eq!(e.kind, kind);
}

#[test]
fn removes_chosen_properties() {
    let edits =
        Edits { chosen_remove: &["linux,initrd-start", "linux,initrd-end"], ..Edits::default() };
    let out = patched(QEMU_VIRT_INITRD, &edits);
    let s = summarize(&Fdt::new(&out).unwrap()).unwrap();
    assert_eq!(s.initrd, None);
    assert_eq!(s.bootargs, Some("console=ttyAMA0"));
    assert!(out.len() < Fdt::new(QEMU_VIRT_INITRD).unwrap().totalsize());
}

#[test]
fn last_value_wins_when_a_name_repeats() {
    let set: [(&str, &[u8]); 2] = [("bootargs", b"first\0"), ("bootargs", b"second\0")];
    let out = patched(BOARD, &Edits { chosen_set: &set, ..Edits::default() });
    let (dts, _) = dtc_decompile(&out).unwrap();
    assert_eq!(dts.matches("bootargs").count(), 1);
    assert_eq!(summarize(&Fdt::new(&out).unwrap()).unwrap().bootargs, Some("second"));
}

#[test]
fn rejects_bad_edit_names() {
    let fdt = Fdt::new(BOARD).unwrap();
    let mut out = vec![0; 0x1000];
    let set: [(&str, &[u8]); 1] = [("boot\0args", b"x\0")];
    let e = patch(&fdt, &Edits { chosen_set: &set, ..Edits::default() }, &mut out).unwrap_err();
    assert_eq!(e.kind, FdtErrorKind::BadEditName);
    for name in ["", "a@b", "a/b"] {
        let reserve = [Reservation { name, range: SPRINGBOARD, no_map: false }];
        let e =
            patch(&fdt, &Edits { reserve: &reserve, ..Edits::default() }, &mut out).unwrap_err();
        assert_eq!(e.kind, FdtErrorKind::BadEditName, "{name:?}");
    }
}

#[test]
fn replaces_an_existing_property_of_a_root_child_and_adds_nothing() {
    let replace: [(&str, &str, &[u8]); 2] =
        [("psci", "method", b"hvc\0"), ("psci", "no-such-property", b"x\0")];
    let out = patched(QEMU_VIRT, &Edits { replace: &replace, ..Edits::default() });
    let fdt = Fdt::new(&out).unwrap();
    assert_eq!(summarize(&fdt).unwrap().psci_method, Some("hvc"));
    let psci = fdt.find_node("/psci").unwrap().unwrap();
    assert_eq!(psci.property("no-such-property").unwrap(), None);
    assert_eq!(summarize(&Fdt::new(QEMU_VIRT).unwrap()).unwrap().psci_method, Some("smc"));
}

/// A kexec cycle hands springboard the DTB it wrote last time: the bundle it kept then is
/// reserved at its old address. Dropping springboard's own node names keeps them from piling
/// up: only what this hand-off reserves is left.
#[test]
fn drops_stale_reservations_of_a_name_whatever_their_address() {
    let old = MemRange { base: 0x4800_0000, size: 0x10_0000 };
    let new = MemRange { base: 0x5000_0000, size: 0x20_0000 };
    let first = [Reservation { name: "springboard-bundle", range: old, no_map: true }];
    let once = patched(QEMU_VIRT, &Edits { reserve: &first, ..Edits::default() });
    let second = [Reservation { name: "springboard-bundle", range: new, no_map: true }];
    let kept = patched(&once, &Edits { reserve: &second, ..Edits::default() });
    let ranges = |blob: &[u8]| summarize(&Fdt::new(blob).unwrap()).unwrap().reserved_memory;
    assert_eq!(ranges(&kept).as_slice(), [old, new], "without dropping, both stay");
    let drop = ["springboard-bundle"];
    let edits = Edits { reserve: &second, drop_reserved: &drop, ..Edits::default() };
    assert_eq!(ranges(&patched(&once, &edits)).as_slice(), [new]);
    let edits = Edits { drop_reserved: &drop, ..Edits::default() };
    assert_eq!(ranges(&patched(&kept, &edits)).as_slice(), []);
}
