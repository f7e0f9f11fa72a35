//! Printing an arm64 `Image` header with every field and the flags decoded.

use std::fmt::Write as _;

use anyhow::Result;
use image_formats::image::{ImageError, ImageErrorKind, ImageHeader};

use crate::show;

/// Prints the Image header of `data`. A header that springboard would refuse (big-endian,
/// 16K/64K pages) is still printed, with the reason it would be refused.
pub fn inspect(data: &[u8], out: &mut String) -> Result<()> {
    let (header, verdict) = match ImageHeader::parse(data) {
        Ok(header) => (header, None),
        Err(
            err @ ImageError {
                kind: ImageErrorKind::BigEndian { .. } | ImageErrorKind::UnsupportedPageSize { .. },
                ..
            },
        ) => (raw_header(data), Some(err)),
        Err(err) => return Err(err.into()),
    };
    writeln!(out, "arm64 Image, {} file", show::size(data.len() as u64))?;
    let efi = if header.code0 & 0xffff == u32::from_le_bytes([b'M', b'Z', 0, 0]) {
        "  (\"MZ\": EFI stub)"
    } else {
        ""
    };
    writeln!(out, "  0x00 code0        {:#010x}{efi}", header.code0)?;
    writeln!(out, "  0x04 code1        {:#010x}", header.code1)?;
    writeln!(out, "  0x08 text_offset  {:#x}", header.text_offset)?;
    let note = match header.image_size {
        0 => "  (pre-3.17 kernel: size unknown)".to_string(),
        n if n > data.len() as u64 => {
            format!("  (larger than the file by {:#x}: .bss)", n - data.len() as u64)
        }
        _ => String::new(),
    };
    writeln!(out, "  0x10 image_size   {}{note}", show::size(header.image_size))?;
    writeln!(out, "  0x18 flags        {:#x}", header.flags)?;
    writeln!(
        out,
        "         bit 0      {} endian",
        if header.big_endian() { "big" } else { "little" }
    )?;
    writeln!(out, "         bits 1-2   page size {}", header.page_size())?;
    let placement = if header.anywhere() { "anywhere in DRAM" } else { "near DRAM base" };
    writeln!(out, "         bit 3      placement: {placement}")?;
    writeln!(out, "  0x38 magic        \"ARM\\x64\"")?;
    match header.res5_pe_offset {
        0 => writeln!(out, "  0x3c PE offset    0 (no EFI stub)")?,
        pe => writeln!(out, "  0x3c PE offset    {pe:#x}")?,
    }
    writeln!(
        out,
        "  footprint         {} from the load address",
        show::size(header.footprint(data.len() as u64))
    )?;
    match verdict {
        None => writeln!(out, "springboard: bootable")?,
        Some(err) => writeln!(out, "springboard: would refuse it: {err}")?,
    }
    Ok(())
}

/// The header fields read without validation, for printing a header that `parse` refused.
fn raw_header(data: &[u8]) -> ImageHeader {
    let u32_at = |at: usize| {
        data.get(at..at + 4).map_or(0, |b| u32::from_le_bytes(b.try_into().unwrap_or([0; 4])))
    };
    let u64_at = |at: usize| {
        data.get(at..at + 8).map_or(0, |b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
    };
    ImageHeader {
        code0: u32_at(0x00),
        code1: u32_at(0x04),
        text_offset: u64_at(0x08),
        image_size: u64_at(0x10),
        flags: u64_at(0x18),
        res5_pe_offset: u32_at(0x3c),
    }
}
