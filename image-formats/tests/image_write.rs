//! Writing arm64 Image headers (`ImageHeader::write`, `image::set_image_size`) against the
//! parser, and the exported offsets and flag bits against booting.rst's table.

use image_formats::image::{
    self, flags, ImageErrorKind, ImageHeader, PageSize, FLAGS_OFFSET, HEADER_LEN,
    IMAGE_SIZE_OFFSET, MAGIC, MAGIC_OFFSET, RES5_OFFSET, TEXT_OFFSET_OFFSET,
};
use proptest::prelude::*;

/// springboard's own header: a branch, 4K pages, anywhere, image_size 0x62000.
fn springboard() -> ImageHeader {
    ImageHeader {
        code0: 0x1400_0010,
        code1: 0,
        text_offset: 0,
        image_size: 0x6_2000,
        flags: flags::little_endian(PageSize::Size4K, true),
        res5_pe_offset: 0,
    }
}

#[test]
fn writes_each_field_at_its_booting_rst_offset() {
    let mut out = [0xeeu8; HEADER_LEN];
    let header = ImageHeader {
        code0: 0xfa40_5a4d,
        code1: 0x1433_2211,
        text_offset: 0x8_0000,
        image_size: 0x0123_4000,
        flags: 0xa,
        res5_pe_offset: 0x40,
    };
    header.write(&mut out);
    #[rustfmt::skip]
    let expected: [u8; HEADER_LEN] = [
        0x4d, 0x5a, 0x40, 0xfa,                          // 0x00 code0
        0x11, 0x22, 0x33, 0x14,                          // 0x04 code1
        0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,  // 0x08 text_offset
        0x00, 0x40, 0x23, 0x01, 0x00, 0x00, 0x00, 0x00,  // 0x10 image_size
        0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 0x18 flags
        0, 0, 0, 0, 0, 0, 0, 0,                          // 0x20 res2
        0, 0, 0, 0, 0, 0, 0, 0,                          // 0x28 res3
        0, 0, 0, 0, 0, 0, 0, 0,                          // 0x30 res4
        b'A', b'R', b'M', 0x64,                          // 0x38 magic
        0x40, 0x00, 0x00, 0x00,                          // 0x3c res5
    ];
    assert_eq!(out, expected);
}

#[test]
fn exported_offsets_and_flags_match_booting_rst() {
    assert_eq!(
        (TEXT_OFFSET_OFFSET, IMAGE_SIZE_OFFSET, FLAGS_OFFSET, MAGIC_OFFSET, RES5_OFFSET),
        (0x08, 0x10, 0x18, 0x38, 0x3c)
    );
    assert_eq!(MAGIC.to_le_bytes(), *b"ARM\x64");
    assert_eq!(flags::BIG_ENDIAN, 1);
    assert_eq!(flags::ANYWHERE, 1 << 3);
    assert_eq!(flags::little_endian(PageSize::Size4K, true), 0xa);
    assert_eq!(flags::little_endian(PageSize::Size4K, false), 0x2);
    assert_eq!(flags::little_endian(PageSize::Unspecified, false), 0);
    assert_eq!(PageSize::Size64K.flags(), 0b110);
}

#[test]
fn page_size_flags_decode_to_themselves() {
    for size in [PageSize::Unspecified, PageSize::Size4K, PageSize::Size16K, PageSize::Size64K] {
        assert_eq!(PageSize::from_flags(size.flags()), size);
        assert_eq!(PageSize::from_flags(size.flags() | flags::ANYWHERE), size);
    }
}

#[test]
fn set_image_size_rewrites_only_that_field() {
    let mut bytes = [0u8; 0x80];
    springboard().write((&mut bytes[..HEADER_LEN]).try_into().unwrap());
    bytes[0x20..0x38].fill(0x5a); // reserved fields someone used: kept
    bytes[HEADER_LEN..].fill(0x77);
    let before = bytes;
    image::set_image_size(&mut bytes, 0x1234_5678).unwrap();
    assert_eq!(&bytes[IMAGE_SIZE_OFFSET..IMAGE_SIZE_OFFSET + 8], &0x1234_5678u64.to_le_bytes());
    assert_eq!(bytes[..IMAGE_SIZE_OFFSET], before[..IMAGE_SIZE_OFFSET]);
    assert_eq!(bytes[IMAGE_SIZE_OFFSET + 8..], before[IMAGE_SIZE_OFFSET + 8..]);
    assert_eq!(ImageHeader::parse(&bytes).unwrap().image_size, 0x1234_5678);
}

#[test]
fn set_image_size_refuses_a_non_image_and_changes_nothing() {
    let mut bytes = [0u8; HEADER_LEN];
    springboard().write(&mut bytes);
    bytes[MAGIC_OFFSET] = b'X';
    let before = bytes;
    let err = image::set_image_size(&mut bytes, 1).unwrap_err();
    assert_eq!(err.offset, MAGIC_OFFSET);
    assert!(matches!(err.kind, ImageErrorKind::BadMagic { .. }), "{err:?}");
    assert_eq!(bytes, before);
    let err = image::set_image_size(&mut bytes[..HEADER_LEN - 1], 1).unwrap_err();
    assert_eq!(err.kind, ImageErrorKind::Truncated { len: HEADER_LEN - 1 });
}

#[test]
fn read_fields_reads_a_header_that_parse_refuses() {
    let big_16k =
        ImageHeader { flags: flags::BIG_ENDIAN | PageSize::Size16K.flags(), ..springboard() };
    let mut bytes = [0u8; HEADER_LEN];
    big_16k.write(&mut bytes);
    assert!(ImageHeader::parse(&bytes).is_err());
    assert_eq!(ImageHeader::read_fields(&bytes).unwrap(), big_16k);
}

proptest! {
    /// Any header reads back as written; one that `parse` accepts parses back as written.
    #[test]
    fn parse_of_write_is_identity(
        code0 in any::<u32>(),
        code1 in any::<u32>(),
        text_offset in any::<u64>(),
        image_size in any::<u64>(),
        flags in prop_oneof![any::<u64>(), 0u64..16],
        res5_pe_offset in any::<u32>(),
    ) {
        let header = ImageHeader { code0, code1, text_offset, image_size, flags, res5_pe_offset };
        let mut bytes = [0u8; HEADER_LEN];
        header.write(&mut bytes);
        prop_assert_eq!(ImageHeader::read_fields(&bytes), Ok(header));
        if let Ok(parsed) = ImageHeader::parse(&bytes) {
            prop_assert_eq!(parsed, header);
        }
    }

    /// A header springboard boots (little-endian, 4K, aligned entry) always parses back.
    #[test]
    fn parse_of_write_accepts_bootable_headers(
        text_offset in (0u64..1 << 20).prop_map(|t| t * 4),
        image_size in 1u64..1 << 40,
        anywhere in any::<bool>(),
    ) {
        let flags = flags::little_endian(PageSize::Size4K, anywhere);
        let header = ImageHeader { text_offset, image_size, flags, ..springboard() };
        let mut bytes = [0u8; HEADER_LEN];
        header.write(&mut bytes);
        prop_assert_eq!(ImageHeader::parse(&bytes), Ok(header));
    }
}
