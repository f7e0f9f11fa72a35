//! Synthetic arm64 Image headers, built byte by byte, against `ImageHeader::parse`.

use image_formats::image::{
    ImageError, ImageErrorKind, ImageHeader, PageSize, ENTRY_ALIGN, HEADER_LEN,
    LEGACY_FOOTPRINT_MARGIN, LEGACY_TEXT_OFFSET, MAGIC,
};

/// A valid header of a little-endian, 4K, place-anywhere kernel with an EFI stub.
#[rustfmt::skip]
const VALID: [u8; HEADER_LEN] = [
    // 0x00 code0: "MZ" + branch
    0x4d, 0x5a, 0x40, 0xfa,
    // 0x04 code1
    0x11, 0x22, 0x33, 0x14,
    // 0x08 text_offset = 0x80000
    0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
    // 0x10 image_size = 0x0123_4000
    0x00, 0x40, 0x23, 0x01, 0x00, 0x00, 0x00, 0x00,
    // 0x18 flags = 0xa: LE (bit 0 = 0), 4K (bits 1-2 = 1), anywhere (bit 3 = 1)
    0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    // 0x20 res2
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    // 0x28 res3
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    // 0x30 res4
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    // 0x38 magic "ARM\x64"
    b'A', b'R', b'M', 0x64,
    // 0x3c res5: PE header at 0x40
    0x40, 0x00, 0x00, 0x00,
];

/// `VALID` with the little-endian `u64` at `offset` replaced by `value`.
fn with_u64(offset: usize, value: u64) -> [u8; HEADER_LEN] {
    let mut bytes = VALID;
    bytes[offset..offset + 8].copy_from_slice(&value.to_le_bytes());
    bytes
}

fn parse_err(bytes: &[u8]) -> ImageError {
    ImageHeader::parse(bytes).expect_err("header must be rejected")
}

#[test]
fn parses_every_field_little_endian() {
    let h = ImageHeader::parse(&VALID).unwrap();
    assert_eq!(h.code0, 0xfa40_5a4d);
    assert_eq!(h.code1, 0x1433_2211);
    assert_eq!(h.text_offset, 0x8_0000);
    assert_eq!(h.image_size, 0x0123_4000);
    assert_eq!(h.flags, 0xa);
    assert_eq!(h.res5_pe_offset, 0x40);
    assert!(!h.big_endian());
    assert_eq!(h.page_size(), PageSize::Size4K);
    assert!(h.anywhere());
    assert_eq!(h.load_offset(), 0x8_0000);
}

#[test]
fn ignores_bytes_after_the_header() {
    let mut long = [0xffu8; 100];
    long[..HEADER_LEN].copy_from_slice(&VALID);
    assert_eq!(ImageHeader::parse(&long), ImageHeader::parse(&VALID));
}

#[test]
fn rejects_truncated_header() {
    for len in [0, 1, 0x38, HEADER_LEN - 1] {
        let err = parse_err(&VALID[..len]);
        assert_eq!(err.offset, len);
        assert_eq!(err.kind, ImageErrorKind::Truncated { len });
    }
}

#[test]
fn rejects_bad_magic() {
    let mut bytes = VALID;
    bytes[0x3b] = 0x65; // "ARMe"
    let err = parse_err(&bytes);
    assert_eq!(err.offset, 0x38);
    assert_eq!(err.kind, ImageErrorKind::BadMagic { found: 0x654d_5241 });
    // The magic is "ARM\x64" read little-endian (booting.rst).
    assert_eq!(MAGIC.to_le_bytes(), *b"ARM\x64");
}

#[test]
fn rejects_big_endian_magic_byte_order() {
    let mut bytes = VALID;
    bytes[0x38..0x3c].copy_from_slice(&MAGIC.to_be_bytes());
    assert_eq!(parse_err(&bytes).kind, ImageErrorKind::BadMagic { found: 0x4152_4d64 });
}

#[test]
fn rejects_big_endian_kernel() {
    let err = parse_err(&with_u64(0x18, 0xb));
    assert_eq!(err.offset, 0x18);
    assert_eq!(err.kind, ImageErrorKind::BigEndian { flags: 0xb });
}

#[test]
fn rejects_16k_and_64k_page_kernels() {
    for (flags, page_size) in [(0xc, PageSize::Size16K), (0xe, PageSize::Size64K)] {
        let err = parse_err(&with_u64(0x18, flags));
        assert_eq!(err.offset, 0x18);
        assert_eq!(err.kind, ImageErrorKind::UnsupportedPageSize { page_size, flags });
    }
}

#[test]
fn accepts_unspecified_page_size() {
    let h = ImageHeader::parse(&with_u64(0x18, 0x8)).unwrap();
    assert_eq!(h.page_size(), PageSize::Unspecified);
    assert_eq!(h.page_size().bytes(), None);
    assert_eq!(PageSize::Size4K.bytes(), Some(4096));
}

#[test]
fn decodes_placement_flag_clear_as_near_dram_base() {
    let h = ImageHeader::parse(&with_u64(0x18, 0x2)).unwrap();
    assert!(!h.anywhere());
    assert_eq!(h.page_size(), PageSize::Size4K);
}

#[test]
fn legacy_image_without_image_size_loads_at_0x80000() {
    // Pre-3.17: image_size 0, text_offset of unknown endianness (here big-endian 0x80000).
    let mut bytes = with_u64(0x10, 0);
    bytes[0x08..0x10].copy_from_slice(&0x8_0000u64.to_be_bytes());
    bytes[0x18..0x20].copy_from_slice(&0u64.to_le_bytes());
    let h = ImageHeader::parse(&bytes).unwrap();
    assert_eq!(h.load_offset(), LEGACY_TEXT_OFFSET);
    assert_eq!(h.page_size(), PageSize::Unspecified);
    assert!(!h.anywhere());
}

#[test]
fn rejects_text_offset_that_misaligns_the_entry() {
    // 0x08 text_offset = 0x80002: the first instruction would sit at base + 0x80002.
    for text_offset in [0x8_0002, 0x8_0001, 0x3, 0x1f_fffe] {
        let err = parse_err(&with_u64(0x08, text_offset));
        assert_eq!(
            err,
            ImageError { offset: 0x08, kind: ImageErrorKind::MisalignedEntry { text_offset } }
        );
    }
}

#[test]
fn accepts_text_offsets_that_are_multiples_of_four() {
    for text_offset in [0, 4, 0x8_0000, 0x8_0004, 0x1f_fffc] {
        let h = ImageHeader::parse(&with_u64(0x08, text_offset)).unwrap();
        assert_eq!(h.load_offset(), text_offset);
        assert_eq!(h.load_offset() % ENTRY_ALIGN, 0);
    }
}

#[test]
fn legacy_image_is_entered_at_0x80000_whatever_its_text_offset() {
    // image_size 0: the text_offset field is not used (booting.rst), so its value cannot
    // misalign the entry.
    let mut bytes = with_u64(0x10, 0);
    bytes[0x08..0x10].copy_from_slice(&0x8_0002u64.to_le_bytes());
    assert_eq!(ImageHeader::parse(&bytes).unwrap().load_offset(), LEGACY_TEXT_OFFSET);
}

#[test]
fn legacy_footprint_rounds_file_up_to_2m_and_adds_margin() {
    let h = ImageHeader::parse(&with_u64(0x10, 0)).unwrap();
    assert_eq!(h.footprint(1), (2 << 20) + LEGACY_FOOTPRINT_MARGIN);
    assert_eq!(h.footprint(2 << 20), (2 << 20) + LEGACY_FOOTPRINT_MARGIN);
    assert_eq!(h.footprint(0x0A1_2345), 0x0C0_0000 + LEGACY_FOOTPRINT_MARGIN);
    assert_eq!(h.footprint(u64::MAX - 5), u64::MAX);
}

#[test]
fn footprint_is_image_size_and_never_less_than_the_file() {
    let h = ImageHeader::parse(&VALID).unwrap();
    assert_eq!(h.footprint(0x0100_0000), 0x0123_4000);
    assert_eq!(h.footprint(0x0200_0000), 0x0200_0000);
}

#[test]
fn error_display_names_offset_and_value() {
    let text = |bytes: &[u8]| parse_err(bytes).to_string();
    assert_eq!(
        text(&VALID[..10]),
        "image header at offset 0xa: truncated: 10 bytes, the header needs 64"
    );
    let mut bad = VALID;
    bad[0x38] = 0;
    let msg = text(&bad);
    assert!(msg.contains("offset 0x38") && msg.contains("0x644d5200"), "{msg}");
    let msg = text(&with_u64(0x18, 0x1));
    assert!(msg.contains("offset 0x18") && msg.contains("flags 0x1"), "{msg}");
    let msg = text(&with_u64(0x18, 0xe));
    assert!(msg.contains("64K") && msg.contains("flags 0xe"), "{msg}");
    assert_eq!(
        text(&with_u64(0x08, 0x8_0002)),
        "image header at offset 0x8: text_offset 0x80002 is not a multiple of 4: \
         the kernel would be entered at a misaligned address"
    );
}

proptest::proptest! {
    #[test]
    fn parse_never_panics_and_keeps_fields(
        bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..80),
    ) {
        match ImageHeader::parse(&bytes) {
            Ok(h) => {
                proptest::prop_assert!(bytes.len() >= HEADER_LEN);
                proptest::prop_assert_eq!(&h.image_size.to_le_bytes()[..], &bytes[0x10..0x18]);
                proptest::prop_assert!(!h.big_endian());
            }
            Err(e) if bytes.len() < HEADER_LEN => {
                proptest::prop_assert_eq!(e.kind, ImageErrorKind::Truncated { len: bytes.len() });
            }
            Err(e) => proptest::prop_assert!([0x08, 0x18, 0x38].contains(&e.offset), "{e}"),
        }
    }

    #[test]
    fn accepted_flags_are_exactly_le_with_4k_or_unspecified(flags in proptest::num::u64::ANY) {
        let accepted = ImageHeader::parse(&with_u64(0x18, flags)).is_ok();
        proptest::prop_assert_eq!(accepted, flags & 1 == 0 && (flags >> 1) & 3 <= 1);
    }

    #[test]
    fn accepted_text_offsets_are_exactly_the_multiples_of_four(
        text_offset in proptest::num::u64::ANY,
    ) {
        let accepted = ImageHeader::parse(&with_u64(0x08, text_offset)).is_ok();
        proptest::prop_assert_eq!(accepted, text_offset % 4 == 0);
    }
}
