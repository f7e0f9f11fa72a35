//! Hostile arm64 Image headers (Linux `Documentation/arch/arm64/booting.rst`) in well-formed
//! bundles: the bundle's CRCs are right, so the Image header check or the placement must
//! refuse them. A missing magic is covered by `bad_input.rs`.

use crate::common::{bundle_of, image, line_says, refuses, virt, write, GOOD_FLAGS};
use image_formats::image::flags::{ANYWHERE, BIG_ENDIAN};
use image_formats::image::PageSize;

/// Flags bits 1-2 for 16K and 64K pages.
const PAGE_16K: u64 = PageSize::Size16K.flags();
const PAGE_64K: u64 = PageSize::Size64K.flags();

/// Boots a bundle whose kernel is `kernel` and expects error `code` whose line says `words`.
fn refuses_kernel(name: &str, kernel: Vec<u8>, code: &str, words: &[&str]) {
    let path = write(&format!("{name}.bundle"), &bundle_of(kernel, false));
    let run = refuses(virt(name).initrd(&path), code);
    line_says(&run, &format!("springboard: error: {code}:"), words);
}

#[test]
fn big_endian_kernel_is_refused() {
    let kernel = image(0, 1 << 20, BIG_ENDIAN | GOOD_FLAGS, 64 << 10);
    refuses_kernel("kernel-big-endian", kernel, "kernel", &["big-endian"]);
}

#[test]
fn kernel_built_for_16k_pages_is_refused() {
    let kernel = image(0, 1 << 20, PAGE_16K | ANYWHERE, 64 << 10);
    refuses_kernel("kernel-16k", kernel, "kernel", &["16"]);
}

#[test]
fn kernel_built_for_64k_pages_is_refused() {
    let kernel = image(0, 1 << 20, PAGE_64K | ANYWHERE, 64 << 10);
    refuses_kernel("kernel-64k", kernel, "kernel", &["64"]);
}

#[test]
fn kernel_whose_image_size_exceeds_dram_is_refused_by_placement() {
    // 2 GiB of image_size on a 1 GiB machine.
    let kernel = image(0, 2 << 30, GOOD_FLAGS, 64 << 10);
    refuses_kernel("kernel-huge", kernel, "placement", &["0x80000000"]);
}

#[test]
fn kernel_shorter_than_its_64_byte_header_is_refused() {
    let mut kernel = image(0, 1 << 20, GOOD_FLAGS, 64);
    kernel.truncate(40);
    refuses_kernel("kernel-short", kernel, "kernel", &["40 bytes"]);
}

#[test]
fn kernel_whose_text_offset_is_not_a_multiple_of_4_is_refused() {
    // booting.rst: the entry is `base + text_offset`, and instructions are 4-byte aligned.
    let kernel = image(0x8_0002, 1 << 20, GOOD_FLAGS, 64 << 10);
    refuses_kernel("kernel-text-offset", kernel, "kernel", &["0x80002"]);
}
