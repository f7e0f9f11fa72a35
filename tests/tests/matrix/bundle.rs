//! Hostile bundles given with `-initrd`: each is a well-formed small bundle with one field
//! changed, its header CRC recomputed where the test is about something past the CRC, so the
//! check under test is the one that must refuse it.

use crate::common::{
    get_u32, get_u64, image, line_says, put_u32, put_u64, refuses, tiny_bundle, virt, write,
    GOOD_FLAGS,
};
use core::mem::offset_of;
use image_formats::bundle::layout::{
    entry_field, RawHeader, RawPayload, ENTRY_RECORD_SIZE, HEADER_CRC_OFFSET, HEADER_SIZE,
    PAYLOAD_RECORD_SIZE,
};
use image_formats::bundle::{BundleBuilder, EntrySpec, PayloadKind};

/// Header fields (bundle format v1, `RawHeader`).
const VERSION: usize = offset_of!(RawHeader, version);
const TOTAL_SIZE: usize = offset_of!(RawHeader, total_size);
const PAYLOAD_TABLE: usize = offset_of!(RawHeader, payload_table_offset);
const ENTRY_TABLE: usize = offset_of!(RawHeader, entry_table_offset);
const PAYLOAD_COUNT: usize = offset_of!(RawHeader, payload_count);
const ENTRY_COUNT: usize = offset_of!(RawHeader, entry_count);
const FLAGS: usize = offset_of!(RawHeader, flags);
const SIGNATURE_OFFSET: usize = offset_of!(RawHeader, signature_offset);
const SIGNATURE_SIZE: usize = offset_of!(RawHeader, signature_size);
/// Payload record fields (`RawPayload`).
const P_KIND: usize = offset_of!(RawPayload, kind);
const P_OFFSET: usize = offset_of!(RawPayload, offset);
const P_SIZE: usize = offset_of!(RawPayload, size);
/// Entry record fields.
const E_NAME: usize = entry_field::NAME as usize;
const E_KERNEL: usize = entry_field::KERNEL as usize;
const E_FALLBACK: usize = entry_field::FALLBACK as usize;
/// The tiny bundle's payloads: the kernel, then the initrd.
const INITRD: usize = 1;

/// Offset of payload record `index`.
fn payload(bytes: &[u8], index: usize) -> usize {
    get_u64(bytes, PAYLOAD_TABLE) as usize + index * PAYLOAD_RECORD_SIZE
}

/// Offset of entry record `index`.
fn entry(bytes: &[u8], index: usize) -> usize {
    get_u64(bytes, ENTRY_TABLE) as usize + index * ENTRY_RECORD_SIZE
}

/// Recomputes the header CRC32 over the header (CRC field as zero), the payload table and the
/// entry table, as the header's counts and offsets now say.
fn reseal(bytes: &mut [u8]) {
    let ptable = get_u64(bytes, PAYLOAD_TABLE) as usize;
    let etable = get_u64(bytes, ENTRY_TABLE) as usize;
    let pcount = get_u32(bytes, PAYLOAD_COUNT) as usize;
    let ecount = get_u32(bytes, ENTRY_COUNT) as usize;
    let mut h = crc32fast::Hasher::new();
    h.update(&bytes[..HEADER_CRC_OFFSET]);
    h.update(&[0; 4]);
    h.update(&bytes[HEADER_CRC_OFFSET + 4..HEADER_SIZE]);
    h.update(&bytes[ptable..ptable + pcount * PAYLOAD_RECORD_SIZE]);
    h.update(&bytes[etable..etable + ecount * ENTRY_RECORD_SIZE]);
    put_u32(bytes, HEADER_CRC_OFFSET, h.finalize());
}

/// The tiny bundle with `edit` applied (and resealed when `seal`), refused with `bundle`;
/// the error line must contain each of `words`.
fn refuses_edited(name: &str, seal: bool, edit: impl FnOnce(&mut Vec<u8>), words: &[&str]) {
    let mut bytes = tiny_bundle().to_vec();
    edit(&mut bytes);
    if seal {
        reseal(&mut bytes);
    }
    let path = write(&format!("{name}.bundle"), &bytes);
    let run = refuses(virt(name).initrd(&path), "bundle");
    line_says(&run, "springboard: error: bundle:", words);
}

#[test]
fn bundle_with_bad_magic_is_refused() {
    refuses_edited("bundle-magic", false, |b| b[0..8].copy_from_slice(b"SPRBNDL1"), &["magic"]);
}

#[test]
fn bundle_of_an_unknown_format_version_is_refused() {
    refuses_edited(
        "bundle-version",
        true,
        |b| put_u32(b, VERSION, 2),
        &["offset 0x8:", "version 2"],
    );
}

#[test]
fn bundle_whose_stored_header_crc_is_wrong_is_refused() {
    let edit = |b: &mut Vec<u8>| b[HEADER_CRC_OFFSET] ^= 0x01;
    refuses_edited("bundle-header-crc", false, edit, &["offset 0x34:", "CRC32"]);
}

#[test]
fn bundle_whose_entry_table_changed_after_sealing_is_refused_by_the_header_crc() {
    // The entry's name "default" becomes "eefault": still a valid name, so only the CRC that
    // covers the tables can notice.
    let edit = |b: &mut Vec<u8>| {
        let at = entry(b, 0) + E_NAME;
        b[at] = b'e';
    };
    refuses_edited("bundle-table-crc", false, edit, &["offset 0x34:", "CRC32"]);
}

#[test]
fn bundle_whose_initrd_payload_has_one_flipped_byte_is_refused_before_any_jump() {
    let edit = |b: &mut Vec<u8>| {
        let at = get_u64(b, payload(b, INITRD) + P_OFFSET) as usize + 100;
        b[at] ^= 0x80;
    };
    refuses_edited("bundle-initrd-crc", false, edit, &["CRC32", "'initrd'"]);
}

#[test]
fn bundle_truncated_inside_its_header_is_refused() {
    refuses_edited(
        "bundle-short-header",
        false,
        |b| b.truncate(0x30),
        &["offset 0x0:", "truncated"],
    );
}

#[test]
fn bundle_whose_total_size_is_larger_than_the_range_given_is_refused() {
    let edit = |b: &mut Vec<u8>| {
        let total = get_u64(b, TOTAL_SIZE);
        put_u64(b, TOTAL_SIZE, total + 0x1000);
    };
    refuses_edited("bundle-total-size", true, edit, &["offset 0x10:", "truncated"]);
}

#[test]
fn bundle_whose_payload_offset_lies_beyond_its_end_is_refused() {
    let edit = |b: &mut Vec<u8>| {
        let total = get_u64(b, TOTAL_SIZE);
        let at = payload(b, INITRD) + P_OFFSET;
        put_u64(b, at, total + 0x10_0000);
    };
    refuses_edited("bundle-payload-offset", true, edit, &["payload 1", "past total size"]);
}

#[test]
fn bundle_whose_payload_size_wraps_the_address_space_is_refused() {
    let edit = |b: &mut Vec<u8>| {
        let at = payload(b, INITRD) + P_SIZE;
        put_u64(b, at, u64::MAX - 0xfff);
    };
    refuses_edited("bundle-payload-size", true, edit, &["payload 1", "overflows"]);
}

#[test]
fn bundle_whose_entry_names_a_payload_index_out_of_range_is_refused() {
    let edit = |b: &mut Vec<u8>| {
        let at = entry(b, 0) + E_KERNEL;
        put_u32(b, at, 7);
    };
    refuses_edited("bundle-entry-index", true, edit, &["index 0x7 out of range"]);
}

#[test]
fn bundle_whose_entry_boots_its_initrd_as_the_kernel_is_refused() {
    let edit = |b: &mut Vec<u8>| {
        let at = entry(b, 0) + E_KERNEL;
        put_u32(b, at, INITRD as u32);
    };
    refuses_edited("bundle-entry-kind", true, edit, &["of kind initrd"]);
}

#[test]
fn bundle_with_an_unknown_payload_kind_is_refused() {
    let edit = |b: &mut Vec<u8>| {
        let at = payload(b, INITRD) + P_KIND;
        put_u32(b, at, 99);
    };
    refuses_edited("bundle-payload-kind", true, edit, &["unknown kind 99"]);
}

#[test]
fn bundle_with_an_unknown_header_flag_is_refused() {
    refuses_edited(
        "bundle-flags",
        true,
        |b| put_u32(b, FLAGS, 0x8000_0000),
        &["unknown flags in 0x80000000"],
    );
}

#[test]
fn bundle_whose_entry_falls_back_to_itself_is_refused() {
    let edit = |b: &mut Vec<u8>| {
        let at = entry(b, 0) + E_FALLBACK;
        put_u32(b, at, 0);
    };
    refuses_edited("bundle-fallback-self", true, edit, &["entry 0: fallback 0"]);
}

#[test]
fn bundle_whose_fallbacks_form_a_cycle_is_refused() {
    let mut builder = BundleBuilder::new();
    let kernel = image(0, 1 << 20, GOOD_FLAGS, 4096);
    let kernel = builder.add_payload(PayloadKind::Kernel, "k", kernel, false);
    let a = builder.add_entry(EntrySpec::new("a", kernel));
    let b = builder.add_entry(EntrySpec::new("b", kernel));
    let mut bytes = builder.build().expect("building two entries");
    // a -> b is legal; b -> a closes the cycle.
    let at = entry(&bytes, a) + E_FALLBACK;
    put_u32(&mut bytes, at, b as u32);
    let at = entry(&bytes, b) + E_FALLBACK;
    put_u32(&mut bytes, at, a as u32);
    reseal(&mut bytes);
    let path = write("bundle-fallback-cycle.bundle", &bytes);
    let run = refuses(virt("bundle-fallback-cycle").initrd(&path), "bundle");
    line_says(&run, "springboard: error: bundle:", &["entry 1: fallback 0"]);
}

#[test]
fn bundle_with_the_signed_flag_is_refused_until_signatures_are_verified() {
    // A signature block in the gap between the tables and the first payload (payloads start
    // page-aligned), so the framing is sound and only the flag itself is left to refuse.
    let edit = |b: &mut Vec<u8>| {
        let tables_end = entry(b, 1) as u64;
        put_u32(b, FLAGS, 1);
        put_u64(b, SIGNATURE_OFFSET, tables_end.next_multiple_of(8));
        put_u64(b, SIGNATURE_SIZE, 64);
    };
    refuses_edited("bundle-signed", true, edit, &["signed"]);
}

#[test]
fn bundle_with_an_empty_entry_table_is_refused() {
    refuses_edited("bundle-no-entries", true, |b| put_u32(b, ENTRY_COUNT, 0), &["no boot entry"]);
}
