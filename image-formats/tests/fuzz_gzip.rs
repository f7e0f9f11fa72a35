//! Inputs the `gzip` fuzz target (fuzz/fuzz_targets/gzip.rs) found, kept as regression tests
//! (the members are in `fixtures/gzip/`; its README says what is wrong with each).

use image_formats::gzip::{GzipErrorKind, Member};

/// Found by the fuzzer: a member whose FHCRC header CRC16 does not match its header (the
/// `FNAME` "Image" became "?mage"). flate2 refuses it; springboard skipped the CRC16.
const BAD_HEADER_CRC: &[u8] = include_bytes!("fixtures/gzip/bad-header-crc.gz");

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

/// Found by the fuzzer: the gzipped kernel header seed with FLG bit 7 (reserved) set. flate2
/// refuses it, as RFC 1952 asks; springboard ignored the bit.
const RESERVED_FLAG: &[u8] = include_bytes!("fixtures/gzip/reserved-flag.gz");

#[test]
fn rejects_reserved_header_flags() {
    let e = Member::parse(RESERVED_FLAG).expect_err("FLG bit 7 is reserved");
    assert_eq!((e.offset, e.kind), (3, GzipErrorKind::ReservedFlags { flags: 0x80 }), "{e}");
    let mut fixed = RESERVED_FLAG.to_vec();
    fixed[3] = 0;
    let mut out = vec![0u8; 4096];
    assert_eq!(Member::parse(&fixed).and_then(|m| m.inflate_into(&mut out)), Ok(4096));
}
