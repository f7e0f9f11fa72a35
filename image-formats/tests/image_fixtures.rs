//! The headers of real Debian kernels (see `fixtures/image/README.md` for their provenance).

use image_formats::image::{ImageHeader, PageSize, HEADER_LEN};

/// Header of `vmlinuz-6.1.0-56-arm64` from `linux-image-6.1.0-56-arm64` 6.1.192-2.
const GENERIC: &[u8] = include_bytes!("fixtures/image/debian-6.1.0-56-arm64.header.bin");
/// Its file size in bytes.
const GENERIC_FILE_LEN: u64 = 32_956_352;
/// Header of `vmlinuz-6.1.0-56-cloud-arm64` from `linux-image-6.1.0-56-cloud-arm64` 6.1.192-2.
const CLOUD: &[u8] = include_bytes!("fixtures/image/debian-6.1.0-56-cloud-arm64.header.bin");
/// Its file size in bytes.
const CLOUD_FILE_LEN: u64 = 27_303_872;

fn check_debian_shape(bytes: &[u8], image_size: u64, file_len: u64) {
    assert_eq!(bytes.len(), HEADER_LEN);
    let h = ImageHeader::parse(bytes).unwrap();
    assert_eq!(h.code0 & 0xffff, 0x5a4d, "EFI stub kernels start with \"MZ\"");
    assert_eq!(h.text_offset, 0);
    assert_eq!(h.load_offset(), 0);
    assert_eq!(h.image_size, image_size);
    assert!(h.image_size > file_len, ".bss makes image_size exceed the file");
    assert_eq!(h.footprint(file_len), image_size);
    assert_eq!(h.flags, 0xa);
    assert!(!h.big_endian());
    assert_eq!(h.page_size(), PageSize::Size4K);
    assert!(h.anywhere());
    assert_eq!(h.res5_pe_offset, 0x40);
}

#[test]
fn parses_debian_6_1_generic_kernel_header() {
    check_debian_shape(GENERIC, 0x0201_0000, GENERIC_FILE_LEN);
}

#[test]
fn parses_debian_6_1_cloud_kernel_header() {
    check_debian_shape(CLOUD, 0x01ab_0000, CLOUD_FILE_LEN);
}
