//! `Payload::verify` catches every flipped byte, and errors print their offset and values.

mod bundle_fixture;

use bundle_fixture::*;
use image_formats::bundle::{Bundle, BundleError, BundleErrorKind as K};

fn parse_err(bytes: &[u8]) -> BundleError {
    match Bundle::parse(bytes) {
        Ok(_) => panic!("damaged bundle of {:#x} bytes was accepted", bytes.len()),
        Err(err) => err,
    }
}

#[test]
fn verify_detects_every_single_flipped_byte() {
    for at in KERNEL_AT..KERNEL_AT + KERNEL.len() {
        let mut bytes = tiny();
        bytes[at] ^= 0x01;
        let bundle = Bundle::parse(&bytes).unwrap();
        let err = bundle.payload(0).unwrap().verify().unwrap_err();
        assert_eq!(err.offset, KERNEL_AT as u64);
        let K::PayloadCrcMismatch { index, size, expected, actual, .. } = err.kind else {
            panic!("{err}")
        };
        assert_eq!((index, size, expected), (0, 16, KERNEL_CRC));
        assert_eq!(actual, crc32fast::hash(&bytes[KERNEL_AT..KERNEL_AT + 16]));
        bundle.payload(1).unwrap().verify().unwrap();
    }
}

#[test]
fn errors_print_offset_and_values() {
    let mut bytes = tiny();
    bytes[KERNEL_AT] ^= 0xff;
    let err = Bundle::parse(&bytes).unwrap().payload(0).unwrap().verify().unwrap_err();
    let actual = crc32fast::hash(&bytes[KERNEL_AT..KERNEL_AT + 16]);
    let text = err.to_string();
    assert_eq!(
        text,
        format!(
            "bundle: offset 0x1000: payload 0 'kernel' (0x10 bytes): CRC32 {actual:#010x} != \
            expected 0xb445f371"
        )
    );
    let text = parse_err(&patched(0xf0, &5u32.to_le_bytes())).to_string();
    assert_eq!(text, "bundle: offset 0xf0: entry 0: kernel index 0x5 out of range (count 2)");
}
