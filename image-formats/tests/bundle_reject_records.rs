//! Damage to payload and entry records is rejected with the offset and the offending values.

mod bundle_fixture;

use bundle_fixture::*;
use image_formats::bundle::{
    Bundle, BundleError, BundleErrorKind as K, EntryField, NameProblem, PayloadKind, Region,
};

fn parse_err(bytes: &[u8]) -> BundleError {
    match Bundle::parse(bytes) {
        Ok(_) => panic!("damaged bundle of {:#x} bytes was accepted", bytes.len()),
        Err(err) => err,
    }
}

#[test]
fn rejects_payload_range_past_the_end() {
    let err = parse_err(&patched(0xc0, &17u64.to_le_bytes())); // cmdline size 15 -> 17
    let kind = K::RangeOutOfBounds { region: Region::Payload(1), end: 0x2011, total_size: 0x2010 };
    assert_eq!((err.offset, err.kind), (0xb8, kind));
}

#[test]
fn rejects_payload_offset_plus_size_overflow() {
    let mut bytes = patched(0x80, &u64::MAX.to_le_bytes()); // kernel size
    fix_crc(&mut bytes);
    let err = parse_err(&bytes);
    let kind = K::RangeOverflow { region: Region::Payload(0), start: 0x1000, size: u64::MAX };
    assert_eq!((err.offset, err.kind), (0x78, kind));
}

#[test]
fn rejects_payload_overlapping_the_tables() {
    let err = parse_err(&patched(0x78, &0xc8u64.to_le_bytes()));
    let K::Overlap { region, other, start, .. } = err.kind else { panic!("{err}") };
    assert_eq!((err.offset, region, start), (0x78, Region::Payload(0), 0xc8));
    assert_eq!(other, Region::PayloadTable);
}

#[test]
fn rejects_payload_overlapping_the_header() {
    let err = parse_err(&patched(0x78, &0x08u64.to_le_bytes()));
    assert!(matches!(err.kind, K::Overlap { other: Region::Header, .. }), "{err}");
}

#[test]
fn rejects_overlapping_payloads() {
    let err = parse_err(&patched(0xb8, &0x1008u64.to_le_bytes())); // cmdline inside the kernel
    let kind = K::PayloadOutOfOrder { index: 1, start: 0x1008, previous_end: 0x1010 };
    assert_eq!((err.offset, err.kind), (0xb8, kind));
}

#[test]
fn rejects_misaligned_payload_offset() {
    let err = parse_err(&patched(0x78, &0x1004u64.to_le_bytes()));
    assert_eq!(
        (err.offset, err.kind),
        (0x78, K::Misaligned { region: Region::Payload(0), start: 0x1004 })
    );
}

#[test]
fn rejects_bad_entry_kernel_index() {
    let err = parse_err(&patched(0xf0, &2u32.to_le_bytes()));
    let kind = K::BadEntryIndex { entry: 0, field: EntryField::Kernel, value: 2, count: 2 };
    assert_eq!((err.offset, err.kind), (0xf0, kind));
}

#[test]
fn rejects_entry_field_pointing_at_wrong_kind() {
    let err = parse_err(&patched(0xf4, &1u32.to_le_bytes())); // initrd = the cmdline payload
    let kind = K::WrongPayloadKind {
        entry: 0,
        field: EntryField::Initrd,
        payload: 1,
        found: PayloadKind::Cmdline,
    };
    assert_eq!((err.offset, err.kind), (0xf4, kind));
}

#[test]
fn rejects_fallback_to_itself() {
    let err = parse_err(&patched(0x100, &0u32.to_le_bytes()));
    assert_eq!((err.offset, err.kind), (0x100, K::FallbackNotForward { entry: 0, fallback: 0 }));
}

#[test]
fn rejects_fallback_out_of_range() {
    let err = parse_err(&patched(0x100, &7u32.to_le_bytes()));
    let kind = K::BadEntryIndex { entry: 0, field: EntryField::Fallback, value: 7, count: 1 };
    assert_eq!((err.offset, err.kind), (0x100, kind));
}

#[test]
fn rejects_non_utf8_payload_name() {
    let err = parse_err(&patched(0x5a, &[0xff]));
    let kind = K::BadName {
        table: Region::PayloadTable,
        index: 0,
        problem: NameProblem::NotUtf8 { at: 2 },
    };
    assert_eq!((err.offset, err.kind), (0x58, kind));
}

#[test]
fn rejects_non_utf8_entry_name() {
    let err = parse_err(&patched(0xd0, &[0xc3, 0x28]));
    let kind =
        K::BadName { table: Region::EntryTable, index: 0, problem: NameProblem::NotUtf8 { at: 0 } };
    assert_eq!((err.offset, err.kind), (0xd0, kind));
}

#[test]
fn rejects_empty_name_and_bytes_after_nul() {
    let err = parse_err(&patched(0xd0, &[0]));
    assert!(matches!(err.kind, K::BadName { problem: NameProblem::Empty, .. }), "{err}");
    let err = parse_err(&patched(0xd0 + 31, b"x"));
    assert!(
        matches!(err.kind, K::BadName { problem: NameProblem::BytesAfterNul { at: 31 }, .. }),
        "{err}"
    );
}

#[test]
fn rejects_bad_cmdline_payloads() {
    let err = parse_err(&patched(CMDLINE_AT + 3, &[0xfe]));
    assert_eq!((err.offset, err.kind), (0x2003, K::BadCmdline { index: 1, invalid_at: Some(3) }));
    let err = parse_err(&patched(0x94, &1u32.to_le_bytes()));
    assert_eq!((err.offset, err.kind), (0x2000, K::BadCmdline { index: 1, invalid_at: None }));
}
