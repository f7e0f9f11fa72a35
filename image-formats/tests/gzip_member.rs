//! gzip members: header fields, inflating into a caller's buffer, and every check against the
//! trailer.

use image_formats::gzip::{GzipErrorKind, Member, TRAILER};

/// A gzip member of `data`, written field by field (RFC 1952 2.3): magic, CM = 8, FLG, MTIME,
/// XFL, OS, the optional FNAME, the deflate stream, CRC32, ISIZE.
fn gzip(data: &[u8], name: Option<&[u8]>) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, if name.is_some() { 1 << 3 } else { 0 }];
    out.extend_from_slice(&0x6543_2100u32.to_le_bytes()); // 0x04 MTIME
    out.extend_from_slice(&[2, 3]); // 0x08 XFL, 0x09 OS (Unix)
    if let Some(name) = name {
        out.extend_from_slice(name);
        out.push(0);
    }
    out.extend(miniz_oxide::deflate::compress_to_vec(data, 6));
    out.extend_from_slice(&crc32fast::hash(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

fn sample() -> Vec<u8> {
    (0..200_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 27) as u8).collect()
}

#[test]
fn reads_header_fields_and_trailer() {
    let data = sample();
    let gz = gzip(&data, Some(b"Image"));
    let m = Member::parse(&gz).unwrap();
    assert_eq!((m.method, m.flags, m.mtime, m.extra_flags, m.os), (8, 8, 0x6543_2100, 2, 3));
    assert_eq!(m.name, Some(&b"Image"[..]));
    assert_eq!(m.data_offset, 16);
    assert_eq!(m.isize as usize, data.len());
    assert_eq!(m.crc32, crc32fast::hash(&data));
    assert_eq!(m.deflate.len(), gz.len() - 16 - TRAILER);
}

#[test]
fn inflates_into_the_callers_buffer_and_checks_size_and_crc() {
    let data = sample();
    let gz = gzip(&data, None);
    let mut out = vec![0; data.len() + 4096];
    assert_eq!(Member::parse(&gz).unwrap().inflate_into(&mut out), Ok(data.len()));
    assert_eq!(&out[..data.len()], &data[..]);
}

#[test]
fn inflates_just_a_prefix() {
    let data = sample();
    let gz = gzip(&data, None);
    let mut head = [0u8; 64];
    assert_eq!(Member::parse(&gz).unwrap().inflate_prefix(&mut head), Ok(64));
    assert_eq!(&head[..], &data[..64]);
}

#[test]
fn rejects_a_trailer_crc_or_size_that_does_not_match() {
    let data = sample();
    let mut gz = gzip(&data, None);
    let crc_at = gz.len() - TRAILER;
    gz[crc_at] ^= 1;
    let mut out = vec![0; data.len()];
    let e = Member::parse(&gz).unwrap().inflate_into(&mut out).unwrap_err();
    assert!(matches!(e.kind, GzipErrorKind::CrcMismatch { .. }), "{e}");
    gz[crc_at] ^= 1;
    let size_at = gz.len() - 4;
    gz[size_at] ^= 1;
    let e = Member::parse(&gz).unwrap().inflate_into(&mut out).unwrap_err();
    assert!(matches!(e.kind, GzipErrorKind::SizeMismatch { .. }), "{e}");
}

#[test]
fn rejects_output_too_small_and_a_corrupt_stream() {
    let data = sample();
    let gz = gzip(&data, None);
    let mut small = vec![0; data.len() - 1];
    let e = Member::parse(&gz).unwrap().inflate_into(&mut small).unwrap_err();
    assert_eq!(e.kind, GzipErrorKind::OutputTooSmall { capacity: data.len() - 1 });
    let mut cut = gz[..gz.len() / 2].to_vec();
    cut.extend_from_slice(&gz[gz.len() - TRAILER..]);
    let mut out = vec![0; data.len()];
    let e = Member::parse(&cut).unwrap().inflate_into(&mut out).unwrap_err();
    assert_eq!((e.offset, e.kind), (10, GzipErrorKind::Corrupt));
}

#[test]
fn rejects_bad_magic_method_and_unterminated_name() {
    assert_eq!(
        Member::parse(b"not gzip at all!!!").unwrap_err().kind,
        GzipErrorKind::NotGzip { len: 18 }
    );
    let mut gz = gzip(b"x", None);
    gz[2] = 7;
    let e = Member::parse(&gz).unwrap_err();
    assert_eq!((e.offset, e.kind), (2, GzipErrorKind::NotDeflate { method: 7 }));
    let mut named = vec![0x1f, 0x8b, 8, 1 << 3, 0, 0, 0, 0, 0, 3];
    named.extend_from_slice(b"no terminator anywhere");
    let e = Member::parse(&named).unwrap_err();
    assert_eq!((e.offset, e.kind), (10, GzipErrorKind::FieldPastEnd));
}
