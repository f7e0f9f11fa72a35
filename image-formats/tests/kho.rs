//! Kexec HandOver: the two `/chosen` properties as `summarize` reads them (DTBs compiled by the
//! real `dtc`), where they may point (`kho::locate`), and the `struct kho_scratch` array
//! (`kho::scratch_ranges`, byte-exact fixtures with their offsets).

mod fdt_support;

use fdt_support::dtc;
use image_formats::fdt::{summarize, Fdt, FdtErrorKind};
use image_formats::kho::{self, Handover, KhoError, MAX_RANGES};
use image_formats::MemRange;

/// A board whose root has `cells` (`#address-cells`, `#size-cells`) and whose `/chosen` holds
/// `chosen` (property lines).
fn board(cells: (u32, u32), chosen: &str) -> Vec<u8> {
    dtc(&format!(
        "/dts-v1/;\n/ {{\n\t#address-cells = <{}>;\n\t#size-cells = <{}>;\n\
         \tchosen {{\n{chosen}\n\t}};\n}};\n",
        cells.0, cells.1
    ))
}

/// QEMU `virt` with `-m 1G`: one bank at 1 GiB.
const DRAM: [MemRange; 1] = [MemRange { base: 0x4000_0000, size: 0x4000_0000 }];

fn mem(base: u64, size: u64) -> MemRange {
    MemRange { base, size }
}

/// The bytes of a `struct kho_scratch` array (little-endian `addr`, `size` pairs).
fn array(ranges: &[(u64, u64)]) -> Vec<u8> {
    ranges.iter().flat_map(|&(a, s)| a.to_le_bytes().into_iter().chain(s.to_le_bytes())).collect()
}

#[test]
fn summary_reads_both_properties_in_the_root_cells() {
    let blob = board(
        (2, 2),
        "\t\tlinux,kho-fdt = <0x0 0x7fe00000 0x0 0x1000>;\n\
         \t\tlinux,kho-scratch = <0x0 0x7ff00000 0x0 0x30>;",
    );
    let fdt = Fdt::new(&blob).unwrap();
    let s = summarize(&fdt).unwrap();
    assert_eq!(s.kho_fdt, Some(mem(0x7fe0_0000, 0x1000)));
    assert_eq!(s.kho_scratch, Some(mem(0x7ff0_0000, 0x30)));
}

#[test]
fn summary_reads_one_cell_pairs() {
    let blob = board(
        (1, 1),
        "\t\tlinux,kho-fdt = <0x7fe00000 0x1000>;\n\t\tlinux,kho-scratch = <0x7ff00000 0x10>;",
    );
    let s = summarize(&Fdt::new(&blob).unwrap()).unwrap();
    assert_eq!(s.kho_fdt, Some(mem(0x7fe0_0000, 0x1000)));
    assert_eq!(s.kho_scratch, Some(mem(0x7ff0_0000, 0x10)));
}

#[test]
fn summary_without_kho_has_none() {
    let blob = board((2, 2), "\t\tbootargs = \"console=ttyAMA0\";");
    let s = summarize(&Fdt::new(&blob).unwrap()).unwrap();
    assert_eq!((s.kho_fdt, s.kho_scratch), (None, None));
}

#[test]
fn rejects_a_property_that_is_not_one_pair() {
    // Three cells where the root's 2 + 2 make four: Linux ignores the property; springboard
    // refuses the DTB, naming the value's offset and length.
    let blob = board((2, 2), "\t\tlinux,kho-scratch = <0x0 0x7ff00000 0x30>;");
    let fdt = Fdt::new(&blob).unwrap();
    let err = summarize(&fdt).unwrap_err();
    assert_eq!(err.kind, FdtErrorKind::BadPropertyLength { len: 12 });
    let value = &blob[err.offset..err.offset + 12];
    assert_eq!(value, [0, 0, 0, 0, 0x7f, 0xf0, 0, 0, 0, 0, 0, 0x30], "the offset is the value's");
}

#[test]
fn rejects_a_pair_that_wraps() {
    let blob = board((2, 2), "\t\tlinux,kho-fdt = <0xffffffff 0xfffff000 0x0 0x2000>;");
    let err = summarize(&Fdt::new(&blob).unwrap()).unwrap_err();
    assert_eq!(err.kind, FdtErrorKind::RangeOverflow { base: 0xffff_ffff_ffff_f000, size: 0x2000 });
}

/// A well-formed description: FDT and a three-entry array inside DRAM.
fn good() -> (Option<MemRange>, Option<MemRange>) {
    (Some(mem(0x7fe0_0000, 0x1000)), Some(mem(0x7ff0_0000, 3 * 16)))
}

#[test]
fn locate_accepts_a_well_formed_description() {
    let (fdt, scratch) = good();
    let h = kho::locate(fdt, scratch, &DRAM).unwrap().unwrap();
    assert_eq!(h, Handover { fdt: mem(0x7fe0_0000, 0x1000), array: mem(0x7ff0_0000, 48) });
    assert_eq!(h.count(), 3);
}

#[test]
fn locate_without_properties_is_no_handover() {
    assert_eq!(kho::locate(None, None, &DRAM), Ok(None));
}

#[test]
fn rejects_one_property_without_the_other() {
    let (fdt, scratch) = good();
    assert_eq!(
        kho::locate(fdt, None, &DRAM),
        Err(KhoError::Incomplete { present: "linux,kho-fdt", missing: "linux,kho-scratch" })
    );
    assert_eq!(
        kho::locate(None, scratch, &DRAM),
        Err(KhoError::Incomplete { present: "linux,kho-scratch", missing: "linux,kho-fdt" })
    );
}

#[test]
fn rejects_a_kho_fdt_outside_dram_or_empty() {
    let (_, scratch) = good();
    for fdt in [mem(0x3fff_f000, 0x1000), mem(0x7fff_f000, 0x2000), mem(0x7fe0_0000, 0)] {
        assert_eq!(
            kho::locate(Some(fdt), scratch, &DRAM),
            Err(KhoError::FdtOutsideDram { base: fdt.base, size: fdt.size })
        );
    }
}

#[test]
fn rejects_a_misaligned_array() {
    let (fdt, _) = good();
    let err = kho::locate(fdt, Some(mem(0x7ff0_0004, 16)), &DRAM);
    assert_eq!(err, Err(KhoError::ArrayMisaligned { base: 0x7ff0_0004 }));
}

#[test]
fn rejects_an_array_of_partial_or_no_entries() {
    let (fdt, _) = good();
    for size in [0, 8, 17, 40] {
        let err = kho::locate(fdt, Some(mem(0x7ff0_0000, size)), &DRAM);
        assert_eq!(err, Err(KhoError::ArrayLength { size }));
    }
}

#[test]
fn array_holds_max_ranges_and_not_one_more() {
    let (fdt, _) = good();
    let full = mem(0x7ff0_0000, MAX_RANGES as u64 * 16);
    assert!(kho::locate(fdt, Some(full), &DRAM).unwrap().is_some());
    let over = mem(0x7ff0_0000, (MAX_RANGES as u64 + 1) * 16);
    let count = MAX_RANGES as u64 + 1;
    assert_eq!(
        kho::locate(fdt, Some(over), &DRAM),
        Err(KhoError::TooManyRanges { count, max: MAX_RANGES })
    );
}

#[test]
fn rejects_an_array_outside_dram() {
    let (fdt, _) = good();
    for array in [mem(0x1000, 16), mem(0x7fff_fff0, 32), mem(0x8000_0000, 16)] {
        assert_eq!(
            kho::locate(fdt, Some(array), &DRAM),
            Err(KhoError::ArrayOutsideDram { base: array.base, size: array.size })
        );
    }
}

#[test]
fn reads_the_array_in_order_skipping_empty_entries() {
    // offset 0x00: 0x60000000 + 0x10000000, 0x10: empty, 0x20: 0x48000000 + 0x200000
    let bytes = array(&[(0x6000_0000, 0x1000_0000), (0, 0), (0x4800_0000, 0x20_0000)]);
    assert_eq!(&bytes[..16], [0, 0, 0, 0x60, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0]);
    let s = kho::scratch_ranges(&bytes, &DRAM).unwrap();
    assert_eq!(s.as_slice(), [mem(0x6000_0000, 0x1000_0000), mem(0x4800_0000, 0x20_0000)]);
}

#[test]
fn rejects_a_misaligned_range_naming_its_offset() {
    let bytes = array(&[(0x6000_0000, 0x1000_0000), (0x6000_0800, 0x1000)]);
    assert_eq!(
        kho::scratch_ranges(&bytes, &DRAM),
        Err(KhoError::RangeMisaligned { offset: 0x10, base: 0x6000_0800, size: 0x1000 })
    );
    let bytes = array(&[(0x6000_0000, 0x1234)]);
    assert_eq!(
        kho::scratch_ranges(&bytes, &DRAM),
        Err(KhoError::RangeMisaligned { offset: 0, base: 0x6000_0000, size: 0x1234 })
    );
}

#[test]
fn rejects_a_range_that_wraps() {
    let bytes = array(&[(0x6000_0000, 0x1000), (0xffff_ffff_ffff_f000, 0x2000)]);
    assert_eq!(
        kho::scratch_ranges(&bytes, &DRAM),
        Err(KhoError::RangeOverflow { offset: 0x10, base: 0xffff_ffff_ffff_f000, size: 0x2000 })
    );
}

#[test]
fn rejects_a_range_outside_dram() {
    for (base, size) in
        [(0x3ff0_0000, 0x20_0000), (0x7ff0_0000, 0x20_0000), (0x1_0000_0000, 0x1000)]
    {
        let bytes = array(&[(0x6000_0000, 0x1000), (base, size)]);
        assert_eq!(
            kho::scratch_ranges(&bytes, &DRAM),
            Err(KhoError::RangeOutsideDram { offset: 0x10, base, size })
        );
    }
}

#[test]
fn a_range_may_span_adjacent_banks() {
    let banks = [mem(0x4000_0000, 0x1000_0000), mem(0x5000_0000, 0x1000_0000)];
    let bytes = array(&[(0x4f00_0000, 0x200_0000)]);
    let s = kho::scratch_ranges(&bytes, &banks).unwrap();
    assert_eq!(s.as_slice(), [mem(0x4f00_0000, 0x200_0000)]);
    // With a hole between the banks it is refused.
    let holed = [mem(0x4000_0000, 0x0f00_0000), mem(0x5000_0000, 0x1000_0000)];
    let bytes = array(&[(0x4e00_0000, 0x300_0000)]);
    assert!(matches!(kho::scratch_ranges(&bytes, &holed), Err(KhoError::RangeOutsideDram { .. })));
}

#[test]
fn scratch_ranges_checks_its_own_length() {
    assert_eq!(kho::scratch_ranges(&[0; 24], &DRAM), Err(KhoError::ArrayLength { size: 24 }));
    assert_eq!(kho::scratch_ranges(&[], &DRAM), Err(KhoError::ArrayLength { size: 0 }));
    let over = vec![0; (MAX_RANGES + 1) * 16];
    let count = MAX_RANGES as u64 + 1;
    assert_eq!(
        kho::scratch_ranges(&over, &DRAM),
        Err(KhoError::TooManyRanges { count, max: MAX_RANGES })
    );
}

#[test]
fn within_intersects_scratch_with_the_placement_banks() {
    let bytes = array(&[(0x6000_0000, 0x1000_0000), (0x4000_0000, 0x40_0000)]);
    let s = kho::scratch_ranges(&bytes, &DRAM).unwrap();
    // Springboard places in the first bank only, without its resident top 2 MiB.
    let banks = [MemRange { base: 0x4020_0000, size: 0x3fe0_0000 }];
    assert_eq!(
        s.within(&banks).as_slice(),
        [
            MemRange { base: 0x6000_0000, size: 0x1000_0000 },
            MemRange { base: 0x4020_0000, size: 0x20_0000 }
        ]
    );
    let elsewhere = [MemRange { base: 0x8000_0000, size: 0x1000_0000 }];
    assert!(s.within(&elsewhere).as_slice().is_empty());
}

#[test]
fn contains_needs_one_whole_range() {
    let bytes = array(&[(0x6000_0000, 0x1000_0000), (0x7000_0000, 0x1000_0000)]);
    let s = kho::scratch_ranges(&bytes, &DRAM).unwrap();
    assert!(s.contains(MemRange::new(0x6000_0000, 0x1000_0000)));
    assert!(s.contains(MemRange::new(0x7fff_f000, 0x1000)));
    assert!(
        !s.contains(MemRange::new(0x6fff_f000, 0x2000)),
        "two adjacent scratch ranges are two ranges"
    );
    assert!(!s.contains(MemRange::new(0x5fff_f000, 0x2000)));
    assert!(!s.contains(MemRange::new(u64::MAX, 2)));
}

#[test]
fn errors_name_offset_and_value() {
    let e = KhoError::RangeMisaligned { offset: 0x10, base: 0x6000_0800, size: 0x1000 };
    assert_eq!(
        e.to_string(),
        "scratch array offset 0x10: range 0x60000800+0x1000 is not 4 KiB aligned"
    );
    let e = KhoError::TooManyRanges { count: 67, max: MAX_RANGES };
    assert_eq!(e.to_string(), "linux,kho-scratch array has 67 entries, more than 66");
}
