//! Printing an arm64 `Image` header with every field and the flags decoded.

use std::fmt::Write as _;

use anyhow::Result;
use image_formats::image::{
    ImageError, ImageErrorKind, ImageHeader, FLAGS_OFFSET, IMAGE_SIZE_OFFSET, MAGIC_OFFSET,
    RES5_OFFSET, TEXT_OFFSET_OFFSET,
};

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
        ) => (ImageHeader::read_fields(data)?, Some(err)),
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
    writeln!(out, "  {TEXT_OFFSET_OFFSET:#04x} text_offset  {:#x}", header.text_offset)?;
    let note = match header.image_size {
        0 => "  (pre-3.17 kernel: size unknown)".to_string(),
        n if n > data.len() as u64 => {
            format!("  (larger than the file by {:#x}: .bss)", n - data.len() as u64)
        }
        _ => String::new(),
    };
    writeln!(
        out,
        "  {IMAGE_SIZE_OFFSET:#04x} image_size   {}{note}",
        show::size(header.image_size)
    )?;
    writeln!(out, "  {FLAGS_OFFSET:#04x} flags        {:#x}", header.flags)?;
    writeln!(
        out,
        "         bit 0      {} endian",
        if header.big_endian() { "big" } else { "little" }
    )?;
    writeln!(out, "         bits 1-2   page size {}", header.page_size())?;
    let placement = if header.anywhere() { "anywhere in DRAM" } else { "near DRAM base" };
    writeln!(out, "         bit 3      placement: {placement}")?;
    writeln!(out, "  {MAGIC_OFFSET:#04x} magic        \"ARM\\x64\"")?;
    match header.res5_pe_offset {
        0 => writeln!(out, "  {RES5_OFFSET:#04x} PE offset    0 (no EFI stub)")?,
        pe => writeln!(out, "  {RES5_OFFSET:#04x} PE offset    {pe:#x}")?,
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
