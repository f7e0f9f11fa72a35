//! The capacities of `summarize`'s lists: a DTB that fills one exactly is read whole, one more
//! range is refused with `TooManyRanges` (never dropped). The blobs are written as `.dts` and
//! compiled by the real `dtc`.

mod fdt_support;

use fdt_support::dtc;
use image_formats::MemRange;
use std::fmt::Write as _;

use image_formats::fdt::{
    summarize, Fdt, FdtErrorKind, MAX_MEMORY_RANGES, MAX_MEMRESERVE, MAX_RESERVED_MEMORY,
};

/// The `n`th test range: 64 KiB pages 1 MiB apart from 2 GiB.
fn range(n: usize) -> MemRange {
    MemRange { base: 0x8000_0000 + ((n as u64) << 20), size: 0x1_0000 }
}

/// A board with `memory` ranges in one `/memory` node, `memreserve` `/memreserve/` entries
/// and `reserved` children of `/reserved-memory`.
fn board(memory: usize, memreserve: usize, reserved: usize) -> Vec<u8> {
    let mut dts = String::from("/dts-v1/;\n");
    for n in 0..memreserve {
        let r = range(n);
        writeln!(dts, "/memreserve/ {:#x} {:#x};", r.base, r.size).unwrap();
    }
    dts += "/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n\tcompatible = \"test,limits\";\n";
    dts += "\tmemory@80000000 {\n\t\tdevice_type = \"memory\";\n\t\treg =";
    for n in 0..memory {
        let r = range(n);
        let sep = if n == 0 { "" } else { "," };
        write!(dts, "{sep} <0 {:#x} 0 {:#x}>", r.base, r.size).unwrap();
    }
    dts += ";\n\t};\n\treserved-memory {\n\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n";
    dts += "\t\tranges;\n";
    for n in 0..reserved {
        let r = range(n);
        writeln!(dts, "\t\tr@{:x} {{ reg = <0 {:#x} 0 {:#x}>; }};", r.base, r.base, r.size)
            .unwrap();
    }
    dts += "\t};\n};\n";
    dtc(&dts)
}

fn expected(count: usize) -> Vec<MemRange> {
    (0..count).map(range).collect()
}

#[test]
fn reads_lists_filled_to_capacity() {
    let blob = board(MAX_MEMORY_RANGES, MAX_MEMRESERVE, MAX_RESERVED_MEMORY);
    let s = summarize(&Fdt::new(&blob).unwrap()).unwrap();
    assert_eq!(s.memory.as_slice(), expected(MAX_MEMORY_RANGES));
    assert_eq!(s.memreserve.as_slice(), expected(MAX_MEMRESERVE));
    assert_eq!(s.reserved_memory.as_slice(), expected(MAX_RESERVED_MEMORY));
}

#[test]
fn refuses_one_range_more_than_each_list_holds() {
    let cases = [
        (board(MAX_MEMORY_RANGES + 1, 0, 0), MAX_MEMORY_RANGES),
        (board(1, MAX_MEMRESERVE + 1, 0), MAX_MEMRESERVE),
        (board(1, 0, MAX_RESERVED_MEMORY + 1), MAX_RESERVED_MEMORY),
    ];
    for (blob, capacity) in cases {
        let err = summarize(&Fdt::new(&blob).unwrap()).unwrap_err();
        assert_eq!(err.kind, FdtErrorKind::TooManyRanges { capacity });
        assert!(err.offset > 0 && err.offset < blob.len(), "{err}");
        assert!(err.to_string().contains(&format!("more than {capacity} ranges")), "{err}");
    }
}

#[test]
fn memreserve_overflow_names_the_extra_entry() {
    // dtc writes the memory reservation block right after the 40-byte header (offset 0x28).
    let blob = board(1, MAX_MEMRESERVE + 1, 0);
    let err = summarize(&Fdt::new(&blob).unwrap()).unwrap_err();
    assert_eq!(err.offset, 0x28 + 16 * MAX_MEMRESERVE);
}
