//! `springboard pack` refuses what the firmware would refuse at boot: more entries than the
//! state page tracks, a gzip kernel that is not exactly one member, a command line longer than
//! the kernel's buffer, a kernel whose entry would be misaligned, a DTB that springboard's
//! edits could push past 2 MiB, and (`--append-to`) an image whose `image_size` is absurd.

mod common;

use std::path::Path;

use image_formats::cmdline::COMMAND_LINE_SIZE;
use image_formats::placement::DTB_MAX_SIZE;
use image_formats::state::MAX_ENTRIES;

use common::{fake_image, scratch, springboard, stderr, stored_gzip, write, DtbWriter};

/// Runs `springboard pack ARGS -o DIR/out` and returns (success, stderr).
fn pack(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = dir.join("out");
    let mut all = vec!["pack"];
    all.extend_from_slice(args);
    all.extend(["-o", out.to_str().unwrap()]);
    let run = springboard(&all);
    assert!(run.status.code().is_some(), "pack was killed by a signal: {}", stderr(&run));
    (run.status.success(), stderr(&run))
}

/// Asserts `pack` failed and its message holds every one of `needles`.
fn refused(result: (bool, String), needles: &[&str]) {
    let (ok, err) = result;
    assert!(!ok, "pack accepted it");
    for needle in needles {
        assert!(err.contains(needle), "the error lacks {needle:?}:\n{err}");
    }
}

fn accepted(result: (bool, String)) {
    assert!(result.0, "pack refused it:\n{}", result.1);
}

/// A small valid kernel in `dir`.
fn kernel(dir: &Path) -> String {
    write(dir, "Image", &fake_image(0xa, 0x10_0000, 100))
}

/// `--entry e0 --kernel K --entry e1 --kernel K ...`, `count` entries.
fn entries(kernel: &str, count: usize) -> Vec<String> {
    (0..count)
        .flat_map(|i| ["--entry".into(), format!("e{i}"), "--kernel".into(), kernel.into()])
        .collect()
}

#[test]
fn refuses_more_entries_than_the_firmware_tracks() {
    let dir = scratch("refuses_more_entries_than_the_firmware_tracks");
    let kernel = kernel(&dir);
    let args = entries(&kernel, MAX_ENTRIES);
    accepted(pack(&dir, &args.iter().map(String::as_str).collect::<Vec<_>>()));
    let args = entries(&kernel, MAX_ENTRIES + 1);
    refused(
        pack(&dir, &args.iter().map(String::as_str).collect::<Vec<_>>()),
        &[&format!("{} entries", MAX_ENTRIES + 1), &format!("the {MAX_ENTRIES} the firmware")],
    );
}

#[test]
fn refuses_a_multi_member_gzip_kernel() {
    let dir = scratch("refuses_a_multi_member_gzip_kernel");
    let image = fake_image(0xa, 0x10_0000, 3000);
    let (first, second) = image.split_at(1000);
    let one = stored_gzip(first);
    // `cat first.gz second.gz`: gunzip reads both members, the firmware only the first.
    let two = [one.clone(), stored_gzip(second)].concat();
    let path = write(&dir, "Image.gz", &two);
    let at = format!("offset {:#x}", one.len());
    refused(pack(&dir, &["--kernel", &path]), &[&path, &at, "multi-member", "exactly one member"]);

    let trailing = [stored_gzip(&image), b"junk".to_vec()].concat();
    let path = write(&dir, "trailing.gz", &trailing);
    refused(pack(&dir, &["--kernel", &path]), &[&path, "trailing bytes"]);

    accepted(pack(&dir, &["--kernel", &write(&dir, "one.gz", &stored_gzip(&image))]));
}

#[test]
fn refuses_a_gzip_kernel_whose_trailer_does_not_match() {
    let dir = scratch("refuses_a_gzip_kernel_whose_trailer_does_not_match");
    let mut gz = stored_gzip(&fake_image(0xa, 0x10_0000, 3000));
    let crc_at = gz.len() - 8;
    gz[crc_at] ^= 1;
    let path = write(&dir, "Image.gz", &gz);
    refused(pack(&dir, &["--kernel", &path]), &[&path, &format!("offset {crc_at:#x}"), "CRC32"]);
    gz[crc_at] ^= 1;
    gz[crc_at + 4] ^= 1;
    let path = write(&dir, "size.gz", &gz);
    refused(pack(&dir, &["--kernel", &path]), &[&path, "ISIZE"]);
}

#[test]
fn refuses_a_command_line_longer_than_the_kernel_takes() {
    let dir = scratch("refuses_a_command_line_longer_than_the_kernel_takes");
    let kernel = kernel(&dir);
    // COMMAND_LINE_SIZE holds the NUL: 2047 bytes of text fit, 2048 do not.
    let longest = "x".repeat(COMMAND_LINE_SIZE - 1);
    accepted(pack(&dir, &["--kernel", &kernel, "--cmdline", &longest]));
    // springboard's own words are not the kernel's: they do not count.
    let with_own = format!("springboard.entry=default {longest} springboard.handoff=el1");
    accepted(pack(&dir, &["--kernel", &kernel, "--cmdline", &with_own]));
    let too_long = format!("{longest} y");
    refused(
        pack(&dir, &["--kernel", &kernel, "--cmdline", &too_long]),
        &["--cmdline", &format!("{} bytes", COMMAND_LINE_SIZE + 1), "COMMAND_LINE_SIZE of 2048"],
    );
}

#[test]
fn refuses_a_kernel_whose_entry_would_be_misaligned() {
    let dir = scratch("refuses_a_kernel_whose_entry_would_be_misaligned");
    let mut image = fake_image(0xa, 0x10_0000, 100);
    image[0x08..0x10].copy_from_slice(&0x8_0002u64.to_le_bytes());
    let path = write(&dir, "Image", &image);
    refused(pack(&dir, &["--kernel", &path]), &[&path, "offset 0x8", "text_offset 0x80002"]);
    // Inside a gzip kernel too.
    let path = write(&dir, "Image.gz", &stored_gzip(&image));
    refused(pack(&dir, &["--kernel", &path]), &[&path, "text_offset 0x80002"]);
}

/// A DTB of `total` bytes (up to 3 fewer): a root whose `filler` property makes up the size.
fn dtb_of_size(total: usize) -> Vec<u8> {
    let build = |filler: usize| {
        let mut w = DtbWriter::default();
        w.begin("").prop_str("compatible", "test,board").prop_cells("#address-cells", &[2]);
        w.prop_cells("#size-cells", &[2]).prop("filler", &vec![0xfe; filler]).end();
        w.finish()
    };
    let blob = build((total - build(0).len()) & !3);
    assert!(blob.len() <= total && total - blob.len() < 4, "{} bytes", blob.len());
    blob
}

#[test]
fn refuses_a_dtb_that_springboards_edits_could_push_past_2_mib() {
    let dir = scratch("refuses_a_dtb_that_springboards_edits_could_push_past_2_mib");
    let kernel = kernel(&dir);
    let max = DTB_MAX_SIZE as usize;
    // Room for the edits (a 2 KiB command line, seeds, initrd, two reservations): accepted.
    let fits = write(&dir, "fits.dtb", &dtb_of_size(max - 16 * 1024));
    accepted(pack(&dir, &["--kernel", &kernel, "--dtb", &fits]));
    // Under 2 MiB itself, but not once the command line is set.
    let big = dtb_of_size(max - 1024);
    let (size, path) = (big.len(), write(&dir, "big.dtb", &big));
    refused(
        pack(&dir, &["--kernel", &kernel, "--dtb", &path]),
        &[&path, &format!("{size:#x} bytes"), "0x200000-byte (2 MiB)"],
    );
}

#[test]
fn append_to_refuses_a_hostile_image_size() {
    let dir = scratch("append_to_refuses_a_hostile_image_size");
    let kernel = kernel(&dir);
    for image_size in [0xffff_ffff_ffff_f000u64, 0xffff_ffff_ffff_0000, 1 << 40] {
        let image = write(&dir, "springboard.bin", &fake_image(0xa, image_size, 0x2000));
        refused(
            pack(&dir, &["--kernel", &kernel, "--append-to", &image]),
            &[&image, &format!("image_size {image_size:#x} at offset 0x10"), "not a springboard"],
        );
    }
}
