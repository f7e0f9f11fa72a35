//! The `newc` cpio writer: byte-exact headers, padding, devices, links and the trailer.
#![cfg(feature = "alloc")]

use image_formats::cpio::{Cpio, HEADER_SIZE, NEWC_MAGIC, TRAILER};

/// Field `index` (0 = ino … 12 = check) of the header starting at `at`.
fn field(out: &[u8], at: usize, index: usize) -> &[u8] {
    let start = at + NEWC_MAGIC.len() + index * 8;
    &out[start..start + 8]
}

#[test]
fn writes_a_byte_exact_newc_header_with_padding() {
    let mut cpio = Cpio::new();
    cpio.file("init", 0o755, b"hi\n");
    let out = cpio.finish();
    // 110-byte header: magic + 13 fields of 8 hex digits.
    let header = "070701\
        00000001\
        000081ed\
        00000000\
        00000000\
        00000001\
        00000000\
        00000003\
        00000000\
        00000000\
        00000000\
        00000000\
        00000005\
        00000000";
    assert_eq!(&out[..HEADER_SIZE], header.as_bytes());
    // Name "init\0" at 110..115, padded to 116; data at 116..119, padded to 120.
    assert_eq!(&out[110..116], b"init\0\0");
    assert_eq!(&out[116..120], b"hi\n\0");
    assert_eq!(&out[120..126], NEWC_MAGIC);
    assert_eq!(out.len() % 4, 0);
}

#[test]
fn ends_with_the_trailer_and_encodes_devices_and_links() {
    let mut cpio = Cpio::new();
    cpio.char_device("dev/console", 5, 1);
    cpio.symlink("bin/sh", "busybox");
    let out = cpio.finish();
    // rdevmajor and rdevminor are fields 9 and 10; mode (field 1) is S_IFCHR | 0600.
    assert_eq!(field(&out, 0, 9), b"00000005");
    assert_eq!(field(&out, 0, 10), b"00000001");
    assert_eq!(field(&out, 0, 1), b"00002180");
    // "dev/console\0" = 12 bytes: 110 + 12 = 122, padded to 124; no data.
    assert_eq!(&out[124..130], NEWC_MAGIC);
    assert_eq!(field(&out, 124, 1), b"0000a1ff");
    // "bin/sh\0" ends at 124 + 117 = 241, padded to 244; the 7-byte target ends at 251.
    assert_eq!(&out[124 + 110..251], b"bin/sh\0\0\0\0busybox");
    let trailer = 252;
    assert_eq!(&out[trailer..trailer + 6], NEWC_MAGIC);
    assert_eq!(
        &out[trailer + HEADER_SIZE..trailer + HEADER_SIZE + TRAILER.len()],
        TRAILER.as_bytes()
    );
    // The trailer's namesize counts its NUL; the archive ends 4-byte aligned.
    assert_eq!(field(&out, trailer, 11), b"0000000b");
    assert_eq!(out.len() % 4, 0);
}

#[test]
fn large_sizes_are_written_in_hex_and_directories_have_two_links() {
    let mut cpio = Cpio::new();
    cpio.dir("boot");
    cpio.file("boot/blob", 0o644, &vec![0xab; 0x1_2345]);
    let out = cpio.finish();
    assert_eq!(field(&out, 0, 1), b"000041ed");
    assert_eq!(field(&out, 0, 4), b"00000002");
    // "boot\0" = 5 bytes: 115, padded to 116.
    assert_eq!(field(&out, 116, 6), b"00012345");
    assert_eq!(field(&out, 116, 0), b"00000002");
}

#[test]
fn same_inputs_give_the_same_bytes() {
    let build = || {
        let mut cpio = Cpio::new();
        cpio.dir("bin");
        cpio.file("bin/x", 0o755, b"abc");
        cpio.finish()
    };
    assert_eq!(build(), build());
}
