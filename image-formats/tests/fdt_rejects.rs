//! Malformed blobs are rejected with the offset of the offending field and the value found.
//! Each case edits one word of the annotated blob in `fdt_support`.

mod fdt_support;

use fdt_support::*;
use image_formats::fdt::{summarize, Block, Fdt, FdtError, FdtErrorKind};

/// The error `Fdt::new` returns for `blob`.
fn rejected(blob: &[u8]) -> FdtError {
    Fdt::new(blob).expect_err("the blob must be rejected")
}

fn err(offset: usize, kind: FdtErrorKind) -> FdtError {
    FdtError { offset, kind }
}

#[test]
fn accepts_the_unedited_blob() {
    Fdt::new(&tiny()).unwrap();
}

#[test]
fn rejects_bad_magic() {
    let mut b = tiny();
    put(&mut b, 0x00, 0xedfe_0dd0);
    assert_eq!(rejected(&b), err(0, FdtErrorKind::BadMagic { found: 0xedfe_0dd0 }));
    assert_eq!(Fdt::totalsize_of(&b).unwrap_err(), rejected(&b));
}

#[test]
fn rejects_truncated_header() {
    let b = tiny();
    assert_eq!(rejected(&b[..39]), err(39, FdtErrorKind::TruncatedHeader { len: 39 }));
    assert_eq!(
        Fdt::totalsize_of(&b[..12]).unwrap_err().kind,
        FdtErrorKind::TruncatedHeader { len: 12 }
    );
}

#[test]
fn rejects_totalsize_larger_than_buffer() {
    let b = tiny();
    let kind = FdtErrorKind::BadTotalSize { totalsize: TOTAL as u32, available: TOTAL - 1 };
    assert_eq!(rejected(&b[..TOTAL - 1]), err(0x04, kind));
    // totalsize_of reads the header only, so the loader can learn how much to map.
    assert_eq!(Fdt::totalsize_of(&b[..40]).unwrap(), TOTAL);
}

#[test]
fn rejects_totalsize_smaller_than_header() {
    let mut b = tiny();
    put(&mut b, 0x04, 39);
    let kind = FdtErrorKind::BadTotalSize { totalsize: 39, available: TOTAL };
    assert_eq!(rejected(&b), err(0x04, kind));
}

#[test]
fn rejects_old_version() {
    let mut b = tiny();
    put(&mut b, 0x14, 16);
    let kind = FdtErrorKind::UnsupportedVersion { version: 16, last_comp_version: 16 };
    assert_eq!(rejected(&b), err(0x14, kind));
}

/// Each case puts one header word out of range: the word's offset, its new value, the block
/// that no longer fits, and the offset the error names.
#[test]
fn rejects_block_offset_out_of_range() {
    let cases = [
        // off_dt_strings past the end: reported at the field itself.
        (0x0c, TOTAL as u32, Block::Strings, TOTAL as u32, 24, 0x0c),
        // size_dt_struct too large: reported at off_dt_struct, the block's start.
        (0x24, 0x1000, Block::Struct, STRUCT as u32, 0x1000, 0x08),
        // off_mem_rsvmap inside the header.
        (0x10, 0x10, Block::MemReserve, 0x10, 0, 0x10),
    ];
    for (field, value, block, start, size, offset) in cases {
        let mut b = tiny();
        put(&mut b, field, value);
        let kind = FdtErrorKind::BlockOutOfRange { block, start, size, totalsize: TOTAL as u32 };
        assert_eq!(rejected(&b), err(offset, kind), "header word {field:#x} = {value:#x}");
    }
}

#[test]
fn rejects_misaligned_struct_block() {
    let mut b = tiny();
    put(&mut b, 0x08, STRUCT as u32 + 2);
    put(&mut b, 0x24, (STRINGS - STRUCT - 4) as u32);
    let kind = FdtErrorKind::MisalignedBlock { block: Block::Struct, start: STRUCT as u32 + 2 };
    assert_eq!(rejected(&b), err(0x08, kind));
}

#[test]
fn rejects_unterminated_memreserve() {
    let mut b = tiny();
    // The reservation block now starts at the last 8-aligned spot before totalsize: one
    // 16-byte entry does not fit.
    put(&mut b, 0x10, 0xa0);
    assert_eq!(rejected(&b), err(0xa0, FdtErrorKind::UnterminatedMemReserve));
}

#[test]
fn rejects_wrapping_memreserve_entry() {
    let mut b = tiny();
    put(&mut b, RSV, 0xffff_ffff);
    put(&mut b, RSV + 8, 0xffff_ffff);
    let kind =
        FdtErrorKind::RangeOverflow { base: 0xffff_ffff_8000_0000, size: 0xffff_ffff_0000_1000 };
    assert_eq!(rejected(&b), err(RSV, kind));
}

#[test]
fn rejects_property_length_past_struct_block() {
    let mut b = tiny();
    put(&mut b, BOOTARGS + 4, 0x100);
    let kind = FdtErrorKind::StructOverrun { needed: 0x100, remaining: STRINGS - (BOOTARGS + 12) };
    assert_eq!(rejected(&b), err(BOOTARGS + 4, kind));
}

#[test]
fn rejects_unterminated_name() {
    let mut b = tiny();
    // The structure block now ends inside "chosen", before its NUL.
    put(&mut b, 0x24, (CHOSEN + 8 - STRUCT) as u32);
    assert_eq!(rejected(&b), err(CHOSEN + 4, FdtErrorKind::UnterminatedName));
}

#[test]
fn rejects_bad_token() {
    let mut b = tiny();
    put(&mut b, CHOSEN_END, 0x7);
    let e = rejected(&b);
    assert_eq!(e, err(CHOSEN_END, FdtErrorKind::BadToken { token: 0x7 }));
    assert_eq!(e.to_string(), "fdt: offset 0x80: bad token 0x7");
}

#[test]
fn rejects_name_offset_outside_strings() {
    let mut b = tiny();
    put(&mut b, ROOT_PROP + 8, 24);
    let kind = FdtErrorKind::BadNameOffset { nameoff: 24, strings_size: 24 };
    assert_eq!(rejected(&b), err(ROOT_PROP + 8, kind));
}

#[test]
fn rejects_unterminated_property_name() {
    let mut b = tiny();
    b[TOTAL - 1] = b'x';
    let kind = FdtErrorKind::UnterminatedString { nameoff: 15 };
    assert_eq!(rejected(&b), err(BOOTARGS + 8, kind));
}

#[test]
fn rejects_end_node_without_node() {
    let mut b = tiny();
    put(&mut b, END, 2);
    assert_eq!(rejected(&b), err(END, FdtErrorKind::UnbalancedEndNode));
}

#[test]
fn rejects_end_with_open_node() {
    let mut b = tiny();
    put(&mut b, ROOT_END, 4);
    assert_eq!(rejected(&b), err(END, FdtErrorKind::UnclosedNode { depth: 1 }));
}

#[test]
fn rejects_missing_end_token() {
    let mut b = tiny();
    put(&mut b, END, 4);
    let kind = FdtErrorKind::StructOverrun { needed: 4, remaining: 0 };
    assert_eq!(rejected(&b), err(STRINGS, kind));
}

#[test]
fn rejects_property_after_child() {
    let mut b = tiny();
    // Close /chosen at once and follow it with an empty root property:
    // 0x70 FDT_END_NODE, 0x74 FDT_PROP len 0 nameoff 0, 0x80 FDT_NOP, then the root's end.
    put(&mut b, BOOTARGS, 2);
    put(&mut b, BOOTARGS + 4, 3);
    put(&mut b, BOOTARGS + 8, 0);
    put(&mut b, BOOTARGS + 12, 0);
    put(&mut b, CHOSEN_END, 4);
    assert_eq!(rejected(&b), err(BOOTARGS + 4, FdtErrorKind::PropertyAfterChild));
}

#[test]
fn rejects_second_root() {
    let mut b = tiny();
    // Close the root right after its property (where the NOP was), so /chosen becomes a
    // second root.
    put(&mut b, NOP, 2);
    let kind = FdtErrorKind::OutsideRoot { token: 1 };
    assert_eq!(rejected(&b), err(CHOSEN, kind));
}

#[test]
fn rejects_bad_cells_when_decoding_reg() {
    let blob = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/fdt/board.dtb"))
        .unwrap();
    let fdt = Fdt::new(&blob).unwrap();
    // The board's /soc has 1/1 cells; patch its #size-cells to 3 in a copy.
    let soc = fdt.find_node("/soc").unwrap().unwrap();
    let value = soc.property("#size-cells").unwrap().unwrap();
    let at = value.as_ptr() as usize - blob.as_ptr() as usize;
    let mut edited = blob.clone();
    put(&mut edited, at, 3);
    let fdt = Fdt::new(&edited).unwrap();
    let uart = fdt.find_node("/soc/serial@1c090000").unwrap().unwrap();
    let e = uart.reg().unwrap_err();
    assert_eq!(e.kind, FdtErrorKind::UnsupportedCells { address_cells: 1, size_cells: 3 });
    // The summary follows stdout-path to that node and reports the same error.
    assert_eq!(summarize(&fdt).unwrap_err(), e);
}
