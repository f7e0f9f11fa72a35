//! Inputs the `gzip` fuzz target (fuzz/fuzz_targets/gzip.rs) found, kept as regression tests.

use image_formats::gzip::{GzipErrorKind, Member};

/// Found by the fuzzer: a member whose FHCRC header CRC16 does not match its header (the
/// `FNAME` "Image" became "?mage"). flate2 refuses it; springboard skipped the CRC16.
const BAD_HEADER_CRC: &[u8] = &[
    0x1f, 0x8b, 0x08, 0x1e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x06, 0x00, 0x41, 0x42, 0x02, 0x00,
    0x68, 0x69, 0x3f, 0x6d, 0x61, 0x67, 0x65, 0x00, 0x73, 0x70, 0x72, 0x69, 0x6e, 0x67, 0x62, 0x6f,
    0x61, 0x72, 0x64, 0x20, 0x66, 0x75, 0x7a, 0x7a, 0x20, 0x73, 0x65, 0x65, 0x64, 0x00, 0x68, 0x05,
    0x4b, 0xce, 0xcf, 0x2b, 0xce, 0xcf, 0x49, 0xb5, 0x2d, 0x29, 0xa9, 0x74, 0xf4, 0x75, 0x34, 0x50,
    0x48, 0x4d, 0x2c, 0xca, 0xa9, 0x4c, 0xce, 0xcf, 0x53, 0x28, 0x48, 0xcc, 0xcb, 0x4c, 0xb6, 0xd5,
    0x35, 0x54, 0x28, 0x2e, 0x28, 0xca, 0xcc, 0x4b, 0x4f, 0xca, 0x4f, 0x2c, 0x4a, 0xd1, 0x4b, 0xcd,
    0x2b, 0x29, 0xaa, 0xb4, 0x2d, 0x4a, 0x2d, 0x4e, 0x2e, 0x4d, 0xe5, 0x4a, 0x1e, 0xd5, 0x3a, 0xaa,
    0x75, 0x54, 0xeb, 0xa8, 0x56, 0x5a, 0x69, 0x05, 0x00, 0x9b, 0xce, 0xd4, 0x93, 0x9c, 0x04, 0x00,
    0x00,
];

#[test]
fn rejects_a_header_whose_crc16_does_not_match() {
    let e = Member::parse(BAD_HEADER_CRC).expect_err("the header CRC16 is wrong");
    // 10 fixed bytes, XLEN and 6 extra bytes, "?mage\0", the comment and its NUL.
    assert_eq!(e.offset, 0x2e, "{e}");
    assert!(matches!(e.kind, GzipErrorKind::HeaderCrcMismatch { expected: 0x0568, .. }), "{e}");
}

#[test]
fn accepts_the_same_member_with_its_crc16_fixed() {
    let mut data = BAD_HEADER_CRC.to_vec();
    let crc = crc32fast::hash(&data[..0x2e]) as u16;
    data[0x2e..0x30].copy_from_slice(&crc.to_le_bytes());
    let member = Member::parse(&data).expect("a good header");
    let mut out = vec![0u8; 4096];
    let n = member.inflate_into(&mut out).expect("a good member");
    assert_eq!(n, member.isize as usize);
}

/// A deflate stream that ends before the trailer, with bytes in between: gzip tools read the
/// trailer right after the stream and refuse it; springboard must too, not read the last eight
/// bytes as the trailer.
#[test]
fn rejects_bytes_between_the_deflate_stream_and_the_trailer() {
    let body = b"springboard";
    // A stored block (RFC 1951 3.2.4): BFINAL=1 BTYPE=00, LEN, NLEN, the bytes.
    let mut data = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x01];
    data.extend_from_slice(&(body.len() as u16).to_le_bytes());
    data.extend_from_slice(&(!(body.len() as u16)).to_le_bytes());
    data.extend_from_slice(body);
    data.extend_from_slice(b"junk");
    data.extend_from_slice(&crc32fast::hash(body).to_le_bytes());
    data.extend_from_slice(&(body.len() as u32).to_le_bytes());
    let member = Member::parse(&data).expect("header and trailer are in place");
    let mut out = [0u8; 64];
    let e = member.inflate_into(&mut out).expect_err("junk before the trailer");
    assert_eq!((e.offset, e.kind), (10, GzipErrorKind::DataAfterStream { len: 4 }));
}
