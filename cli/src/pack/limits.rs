//! What the firmware would refuse at boot, refused by `pack` before a bundle exists: more
//! entries than the state page tracks, a gzip kernel of more than one member, a command line
//! longer than the kernel's buffer, a DTB that springboard's edits would push past 2 MiB. (A
//! kernel whose entry would be misaligned is refused by the Image header check itself.)

use image_formats::MemRange;
use std::path::Path;

use anyhow::{bail, ensure, Result};
use image_formats::cmdline::{self, COMMAND_LINE_SIZE};
use image_formats::fdt::{self, Edits, Fdt, Reservation};
use image_formats::gzip::{Member, TRAILER};
use image_formats::placement::DTB_MAX_SIZE;
use image_formats::state::MAX_ENTRIES;
use miniz_oxide::inflate::stream::{inflate, InflateState};
use miniz_oxide::{DataFormat, MZFlush, MZStatus};

/// Refuses more entries than the firmware's state page has outcome slots for
/// ([`MAX_ENTRIES`]): entries past them could never be chosen.
pub fn entry_count(count: usize) -> Result<()> {
    ensure!(
        count <= MAX_ENTRIES,
        "{count} entries, more than the {MAX_ENTRIES} the firmware's state page tracks: \
         springboard could never choose the entries past the {MAX_ENTRIES}th"
    );
    Ok(())
}

/// Refuses a command line whose kernel words (springboard's own `springboard.*` words
/// removed, as the firmware does it) do not fit the kernel's [`COMMAND_LINE_SIZE`] with their
/// NUL.
pub fn command_line(text: &str) -> Result<()> {
    // The firmware's reading of a command line payload (loader `Cmdline::from_payload`).
    let text = text.trim_end_matches(['\0', '\n', '\r']);
    let mut buf = vec![0; COMMAND_LINE_SIZE - 1];
    if let Err(too_long) = cmdline::kernel_words(text, &mut buf) {
        bail!(
            "--cmdline: the kernel's words are {} bytes, plus the NUL more than Linux arm64's \
             COMMAND_LINE_SIZE of {COMMAND_LINE_SIZE} bytes",
            too_long.needed
        );
    }
    Ok(())
}

/// Refuses a DTB whose size after springboard's hand-off edits could exceed booting.rst's
/// [`DTB_MAX_SIZE`] (the firmware's placement refuses it then).
pub fn dtb_size(path: &Path, fdt: &Fdt) -> Result<()> {
    let bound = worst_case_patched_size(fdt) as u64;
    ensure!(
        bound <= DTB_MAX_SIZE,
        "dtb {}: {:#x} bytes, and up to {bound:#x} once springboard sets /chosen and \
         /reserved-memory: more than booting.rst's {DTB_MAX_SIZE:#x}-byte (2 MiB) DTB limit",
        path.display(),
        fdt.totalsize()
    );
    Ok(())
}

/// [`fdt::patched_size_bound`] for the edits the loader's hand-off (`loader/src/handoff.rs`)
/// makes, each at its largest: the longest command line, the seeds, an initrd, the stub's and
/// a kept bundle's reservations at 16-digit addresses, and `/psci/method`.
fn worst_case_patched_size(fdt: &Fdt) -> usize {
    let bootargs = [b'x'; COMMAND_LINE_SIZE];
    let rng_seed = [0; 32];
    let cells = fdt::u64_cells(u64::MAX);
    let set: [(&str, &[u8]); 5] = [
        ("bootargs", &bootargs),
        ("rng-seed", &rng_seed),
        ("kaslr-seed", &cells),
        ("linux,initrd-start", &cells),
        ("linux,initrd-end", &cells),
    ];
    let range = MemRange { base: 0xffff_ffff_ffff_0000, size: 0x1_0000 };
    let reserve = [
        Reservation { name: "springboard", range, no_map: true },
        Reservation { name: "springboard-bundle", range, no_map: true },
    ];
    let replace: [(&str, &str, &[u8]); 1] = [("psci", "method", b"hvc\0")];
    let edits =
        Edits { chosen_set: &set, reserve: &reserve, replace: &replace, ..Edits::default() };
    fdt::patched_size_bound(fdt, &edits)
}

/// Refuses a gzip kernel the firmware would not inflate whole: data after the first member
/// (a second member, as `cat a.gz b.gz` or parallel compressors write, or trailing bytes), or
/// a member whose size or CRC32 differs from its trailer. The firmware inflates exactly one
/// member, from the header to the last 8 bytes of the payload, and checks that trailer.
pub fn gzip_kernel(data: &[u8]) -> Result<()> {
    let member = Member::parse(data)?;
    let start = member.data_offset;
    let (consumed, size, crc32) = inflate_first_member(&data[start..], start)?;
    let member_end = start + consumed + TRAILER;
    if member_end < data.len() {
        let what = if data[member_end..].starts_with(crate::detect::GZIP_MAGIC) {
            "a second gzip member starts there (a multi-member gzip)"
        } else {
            "trailing bytes follow it"
        };
        bail!(
            "gzip: the first member ends at offset {member_end:#x} of {:#x} bytes and {what}; \
             the firmware inflates exactly one member: compress the Image in one piece \
             (gzip -c Image > Image.gz)",
            data.len()
        );
    }
    ensure!(
        member_end == data.len(),
        "gzip: the deflate stream ends at {:#x}, inside the 8-byte trailer at {:#x}",
        start + consumed,
        data.len() - TRAILER
    );
    ensure!(
        size as u32 == member.isize,
        "gzip: offset {:#x}: ISIZE {:#x} but the member inflates to {size:#x} bytes",
        data.len() - 4,
        member.isize
    );
    ensure!(
        crc32 == member.crc32,
        "gzip: offset {:#x}: CRC32 {:#010x} but the inflated data's is {crc32:#010x}",
        data.len() - TRAILER,
        member.crc32
    );
    Ok(())
}

/// Inflates the raw deflate stream at the start of `deflate` (at `offset` in the file) up to
/// its final block: `(bytes consumed, bytes inflated, CRC32 of them)`.
fn inflate_first_member(deflate: &[u8], offset: usize) -> Result<(usize, u64, u32)> {
    let mut state = InflateState::new_boxed(DataFormat::Raw);
    let mut chunk = vec![0; 1 << 20];
    let mut hasher = crc32fast::Hasher::new();
    let (mut consumed, mut size) = (0usize, 0u64);
    loop {
        let result = inflate(&mut state, &deflate[consumed..], &mut chunk, MZFlush::None);
        consumed += result.bytes_consumed;
        size += result.bytes_written as u64;
        hasher.update(&chunk[..result.bytes_written]);
        match result.status {
            Ok(MZStatus::StreamEnd) => return Ok((consumed, size, hasher.finalize())),
            Ok(_) if result.bytes_consumed + result.bytes_written > 0 => {}
            _ => bail!(
                "gzip: the deflate stream at offset {offset:#x} is corrupt or truncated \
                 ({consumed:#x} bytes read, {size:#x} inflated)"
            ),
        }
    }
}
