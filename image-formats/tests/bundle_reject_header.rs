//! Damage to the header and the table ranges is rejected with the offset and the offending
//! values.

mod bundle_fixture;

use bundle_fixture::*;
use image_formats::bundle::{Bundle, BundleError, BundleErrorKind as K, Region};

fn parse_err(bytes: &[u8]) -> BundleError {
    match Bundle::parse(bytes) {
        Ok(_) => panic!("damaged bundle of {:#x} bytes was accepted", bytes.len()),
        Err(err) => err,
    }
}

#[test]
fn rejects_bad_magic() {
    let err = parse_err(&patched(0, b"SPRBNDX\0"));
    assert_eq!(err.offset, 0);
    assert_eq!(err.kind, K::BadMagic { found: *b"SPRBNDX\0" });
}

#[test]
fn rejects_wrong_version() {
    let err = parse_err(&patched(0x08, &2u32.to_le_bytes()));
    assert_eq!((err.offset, err.kind), (0x08, K::UnsupportedVersion { found: 2 }));
}

#[test]
fn rejects_wrong_header_size() {
    let err = parse_err(&patched(0x0c, &0x58u32.to_le_bytes()));
    assert_eq!((err.offset, err.kind), (0x0c, K::BadHeaderSize { found: 0x58 }));
}

#[test]
fn rejects_header_crc_mismatch() {
    let mut bytes = tiny();
    bytes[0x58] = b'K'; // payload 0's name, covered by the header CRC
    let err = parse_err(&bytes);
    assert_eq!(err.offset, 0x34);
    let K::HeaderCrcMismatch { expected, actual } = err.kind else { panic!("{err}") };
    assert_eq!(expected, HEADER_CRC);
    assert_ne!(actual, HEADER_CRC);
}

#[test]
fn rejects_every_truncation_of_the_buffer() {
    let bytes = tiny();
    for len in 0..TOTAL {
        let err = parse_err(&bytes[..len]);
        assert!(
            matches!(err.kind, K::Truncated { available, .. } if available == len as u64),
            "{len}: {err}"
        );
    }
}

#[test]
fn rejects_total_size_smaller_than_header() {
    let err = parse_err(&patched(0x10, &0x40u64.to_le_bytes()));
    assert_eq!((err.offset, err.kind), (0x10, K::TotalSizeTooSmall { found: 0x40 }));
}

#[test]
fn rejects_entry_table_overlapping_payload_table() {
    let err = parse_err(&patched(0x20, &0x88u64.to_le_bytes()));
    let kind = K::Overlap {
        region: Region::EntryTable,
        other: Region::PayloadTable,
        start: 0x88,
        other_start: 0x50,
    };
    assert_eq!((err.offset, err.kind), (0x20, kind));
}

#[test]
fn rejects_misaligned_table_offset() {
    let err = parse_err(&patched(0x20, &0x0d4u64.to_le_bytes()));
    assert_eq!(
        (err.offset, err.kind),
        (0x20, K::Misaligned { region: Region::EntryTable, start: 0xd4 })
    );
}

#[test]
fn rejects_unknown_payload_kind_and_flags() {
    let err = parse_err(&patched(0x50, &9u32.to_le_bytes()));
    assert_eq!((err.offset, err.kind), (0x50, K::UnknownPayloadKind { index: 0, kind: 9 }));
    let err = parse_err(&patched(0x54, &2u32.to_le_bytes()));
    assert_eq!((err.offset, err.kind), (0x54, K::UnknownFlags { flags: 2 }));
    let err = parse_err(&patched(0x30, &0x80u32.to_le_bytes()));
    assert_eq!((err.offset, err.kind), (0x30, K::UnknownFlags { flags: 0x80 }));
}

#[test]
fn rejects_non_zero_reserved_fields() {
    // (The entry record's last field, at 0x104 here, was reserved; it is now the boot limit.)
    for at in [0x48, 0x8c] {
        let err = parse_err(&patched(at, &[1]));
        assert_eq!((err.offset, err.kind), (at as u64, K::ReservedNotZero { value: 1 }));
    }
}

#[test]
fn rejects_signature_fields_without_signed_flag() {
    let err = parse_err(&patched(0x40, &8u64.to_le_bytes()));
    assert_eq!((err.offset, err.kind), (0x38, K::UnexpectedSignature { offset: 0, size: 8 }));
}

/// Signatures are not verified yet: a bundle with the signed flag is refused (fail closed),
/// after its signature block's range has been checked like every other region.
#[test]
fn refuses_a_signed_bundle_and_checks_its_signature_block_first() {
    let mut bytes = patched(0x30, &1u32.to_le_bytes());
    bytes[0x38..0x48].copy_from_slice(&[0x10, 0x01, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0]);
    fix_crc(&mut bytes);
    assert_eq!(parse_err(&bytes).kind, K::SignatureNotVerified);
    bytes[0x39] = 0x10; // signature at 0x1010: still free
    fix_crc(&mut bytes);
    let err = parse_err(&bytes);
    assert_eq!((err.offset, err.kind), (0x30, K::SignatureNotVerified));
    assert!(err.to_string().contains("signed"), "{err}");
    bytes[0x38] = 0x00; // signature at 0x1000: over payload 0
    fix_crc(&mut bytes);
    let err = parse_err(&bytes);
    assert!(
        matches!(err.kind, K::Overlap { region: Region::Payload(0), other: Region::Signature, .. }),
        "{err}"
    );
}

#[test]
fn rejects_zero_entries() {
    let err = parse_err(&patched(0x2c, &0u32.to_le_bytes()));
    assert_eq!((err.offset, err.kind), (0x2c, K::NoEntries));
}
