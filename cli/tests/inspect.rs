//! `springboard inspect`: format detection and the reports for each format, on synthetic
//! inputs.

mod common;

use std::fs;

use common::{fake_image, sample_dtb, scratch, springboard, stderr, stdout, stored_gzip, write};

#[test]
fn inspect_garbage_fails_with_exit_1_naming_the_first_bytes() {
    let dir = scratch("inspect_garbage_fails_with_exit_1_naming_the_first_bytes");
    let file = write(&dir, "junk.bin", b"MZ\x90\x00garbage that is no known format");
    let inspected = springboard(&["inspect", &file]);
    assert_eq!(inspected.status.code(), Some(1));
    let err = stderr(&inspected);
    assert!(err.starts_with("springboard: error: "), "{err}");
    assert!(err.contains("not a bundle, DTB, gzip file or arm64 Image"), "{err}");
    assert!(err.contains("4d 5a 90 00 67 61"), "{err}");
    assert!(stdout(&inspected).is_empty());
}

#[test]
fn inspect_empty_file_fails_with_exit_1() {
    let dir = scratch("inspect_empty_file_fails_with_exit_1");
    let inspected = springboard(&["inspect", &write(&dir, "empty", b"")]);
    assert_eq!(inspected.status.code(), Some(1));
    assert!(stderr(&inspected).contains("empty file"), "{}", stderr(&inspected));
}

#[test]
fn inspect_image_prints_every_header_field() {
    let dir = scratch("inspect_image_prints_every_header_field");
    let file = write(&dir, "Image", &fake_image(0x2, 0x40_0000, 1000)); // 4K pages, near DRAM base
    let inspected = springboard(&["inspect", &file]);
    assert!(inspected.status.success(), "{}", stderr(&inspected));
    let text = stdout(&inspected);
    for needle in [
        "code0        0x14000010",
        "code1        0x00000000",
        "text_offset  0x0",
        "image_size   0x400000 (4.0 MiB)",
        "flags        0x2",
        "little endian",
        "page size 4K",
        "placement: near DRAM base",
        "magic        \"ARM\\x64\"",
        "PE offset    0 (no EFI stub)",
        "springboard: bootable",
    ] {
        assert!(text.contains(needle), "inspect output lacks {needle:?}:\n{text}");
    }
}

#[test]
fn inspect_image_shows_why_springboard_would_refuse_it() {
    let dir = scratch("inspect_image_shows_why_springboard_would_refuse_it");
    let file = write(&dir, "Image", &fake_image(0x6 | 0x8, 0x40_0000, 10)); // 64K pages, anywhere
    let inspected = springboard(&["inspect", &file]);
    assert!(inspected.status.success(), "{}", stderr(&inspected));
    let text = stdout(&inspected);
    assert!(text.contains("page size 64K") && text.contains("anywhere in DRAM"), "{text}");
    assert!(text.contains("would refuse it"), "{text}");
}

#[test]
fn inspect_bundle_with_a_flipped_payload_byte_reports_bad_crc_and_fails() {
    let dir = scratch("inspect_bundle_with_a_flipped_payload_byte_reports_bad_crc_and_fails");
    let kernel = write(&dir, "Image", &fake_image(0xa, 0x10_0000, 3000));
    let out = dir.join("b");
    assert!(springboard(&["pack", "--kernel", &kernel, "-o", out.to_str().unwrap()])
        .status
        .success());
    let mut bytes = fs::read(&out).unwrap();
    bytes[0x1000 + 100] ^= 0x10; // inside the kernel payload, which the builder puts at 4 KiB
    fs::write(&out, &bytes).unwrap();
    let inspected = springboard(&["inspect", out.to_str().unwrap()]);
    assert_eq!(inspected.status.code(), Some(1));
    assert!(
        stdout(&inspected).contains("BAD (bundle: offset 0x1000: payload 0 'Image'"),
        "{}",
        stdout(&inspected)
    );
    assert!(
        stderr(&inspected).contains("1 of 1 payloads failed the CRC32 check"),
        "{}",
        stderr(&inspected)
    );
}

#[test]
fn inspect_truncated_bundle_fails_naming_the_offset() {
    let dir = scratch("inspect_truncated_bundle_fails_naming_the_offset");
    let kernel = write(&dir, "Image", &fake_image(0xa, 0x10_0000, 3000));
    let out = dir.join("b");
    assert!(springboard(&["pack", "--kernel", &kernel, "-o", out.to_str().unwrap()])
        .status
        .success());
    let bytes = fs::read(&out).unwrap();
    fs::write(&out, &bytes[..bytes.len() - 8]).unwrap();
    let inspected = springboard(&["inspect", out.to_str().unwrap()]);
    assert_eq!(inspected.status.code(), Some(1));
    let err = stderr(&inspected);
    assert!(err.contains("bundle: offset 0x10: truncated"), "{err}");
}

#[test]
fn inspect_gzip_reads_header_and_trailer_without_inflating() {
    let dir = scratch("inspect_gzip_reads_header_and_trailer_without_inflating");
    // gzip of "hello\n" with FNAME "hello.txt" (RFC 1952 layout), made by `gzip -n`-style fields.
    let mut gz = vec![0x1f, 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 3];
    gz.extend_from_slice(b"hello.txt\0");
    gz.extend_from_slice(&[0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0xe7, 0x02, 0x00]);
    gz.extend_from_slice(&0x363a_3020u32.to_le_bytes()); // CRC32 of "hello\n"
    gz.extend_from_slice(&6u32.to_le_bytes()); // ISIZE
    let inspected = springboard(&["inspect", &write(&dir, "hello.gz", &gz)]);
    assert!(inspected.status.success(), "{}", stderr(&inspected));
    let text = stdout(&inspected);
    for needle in [
        "gzip file",
        "8 (deflate)",
        "hello.txt",
        "0x363a3020",
        "0x6 (6 B) (uncompressed size",
        "Unix",
    ] {
        assert!(text.contains(needle), "inspect output lacks {needle:?}:\n{text}");
    }
}

#[test]
fn inspect_dtb_prints_memory_chosen_and_reservations() {
    let dir = scratch("inspect_dtb_prints_memory_chosen_and_reservations");
    let inspected = springboard(&["inspect", &write(&dir, "board.dtb", &sample_dtb())]);
    assert!(inspected.status.success(), "{}", stderr(&inspected));
    let text = stdout(&inspected);
    for needle in [
        "device tree blob",
        "compatible          test,board",
        "memory              0x80000000..0xa0000000 0x20000000 (512.0 MiB)",
        "bootargs          \"console=ttyS0 quiet\"",
        "/memreserve/        0x88000000..0x88002000",
        "/reserved-memory    0x9ff00000..0xa0000000",
    ] {
        assert!(text.contains(needle), "inspect output lacks {needle:?}:\n{text}");
    }
}

#[test]
fn inspect_truncated_dtb_fails_with_exit_1() {
    let dir = scratch("inspect_truncated_dtb_fails_with_exit_1");
    let dtb = sample_dtb();
    let inspected = springboard(&["inspect", &write(&dir, "cut.dtb", &dtb[..dtb.len() - 4])]);
    assert_eq!(inspected.status.code(), Some(1));
    assert!(stderr(&inspected).contains("fdt: offset 0x4: totalsize"), "{}", stderr(&inspected));
}

#[test]
fn inspect_gzip_kernel_peeks_at_the_image_header() {
    let dir = scratch("inspect_gzip_kernel_peeks_at_the_image_header");
    let gz = stored_gzip(&fake_image(0xa, 0x50_0000, 300));
    let inspected = springboard(&["inspect", &write(&dir, "Image.gz", &gz)]);
    assert!(inspected.status.success(), "{}", stderr(&inspected));
    let text = stdout(&inspected);
    assert!(text.contains("contains an arm64 Image: image_size 0x500000"), "{text}");
}
