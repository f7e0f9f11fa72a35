//! `gzip::Member` compared with `flate2` (zlib-rs backend) as the reference decoder. Where
//! flate2 decodes the data as exactly one member (nothing left after its trailer), springboard
//! must give the same bytes, and must refuse a buffer one byte too small; where springboard
//! accepts a member, flate2 must accept it too, with the same bytes.
#![no_main]

use std::io::Read;

use image_formats::gzip::{GzipErrorKind, Member};
use libfuzzer_sys::fuzz_target;

/// Largest output either side is asked to produce.
const LIMIT: usize = 256 << 10;

/// flate2's reading of `data`: `Some(bytes)` when it is exactly one good member whose data
/// fits [`LIMIT`]; `None` when it is not, or when the data is larger than the limit.
fn reference(data: &[u8]) -> Result<Vec<u8>, &'static str> {
    let mut decoder = flate2::bufread::GzDecoder::new(data);
    let mut out = Vec::new();
    match (&mut decoder).take(LIMIT as u64 + 1).read_to_end(&mut out) {
        Ok(_) if out.len() > LIMIT => Err("larger than the limit"),
        Ok(_) if !decoder.into_inner().is_empty() => Err("bytes after the member"),
        Ok(_) => Ok(out),
        Err(_) => Err("refused"),
    }
}

fuzz_target!(|data: &[u8]| {
    let flate2 = reference(data);
    let ours = Member::parse(data).map(|member| {
        let mut out = vec![0u8; LIMIT];
        let result = member.inflate_into(&mut out).map(|n| out[..n].to_vec());
        (member, result)
    });
    if let Ok(expected) = &flate2 {
        let (member, result) = ours.as_ref().expect("flate2 reads a member that we do not parse");
        assert_eq!(result.as_ref().ok(), Some(expected), "inflated data differs: {result:?}");
        let mut exact = vec![0u8; expected.len()];
        assert_eq!(member.inflate_into(&mut exact), Ok(expected.len()));
        if let Some(short) = expected.len().checked_sub(1) {
            let mut out = vec![0u8; short];
            let err = member.inflate_into(&mut out).expect_err("one byte too small");
            assert_eq!(err.kind, GzipErrorKind::OutputTooSmall { capacity: short });
            let n = member.inflate_prefix(&mut out).expect("a prefix of good data");
            assert_eq!(n, short, "a prefix fills the buffer");
            assert_eq!(&out[..n], &expected[..n]);
        }
    }
    if let Ok((member, Ok(bytes))) = &ours {
        assert_eq!(flate2.as_deref(), Ok(bytes.as_slice()), "we accept what flate2 does not");
        assert_eq!(member.isize as usize, bytes.len());
        assert!(member.data_offset + member.deflate.len() + 8 == data.len());
    }
});
