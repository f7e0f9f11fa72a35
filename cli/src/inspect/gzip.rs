//! Printing what a gzip file says about itself, inflating at most the 64 bytes of a possible
//! arm64 Image header.

use std::fmt::Write as _;

use anyhow::Result;
use image_formats::gzip::{Member, METHOD_DEFLATE};
use image_formats::image::{ImageHeader, HEADER_LEN};

use crate::detect::has_image_magic;
use crate::gzip::{inflate_prefix, latin1, os_name, TRAILER};
use crate::show;

/// Prints the gzip header fields and the trailer of `data`.
pub fn inspect(data: &[u8], out: &mut String) -> Result<()> {
    let info = Member::parse(data)?;
    writeln!(out, "gzip file, {} compressed", show::size(data.len() as u64))?;
    let method = if info.method == METHOD_DEFLATE { "deflate" } else { "unknown" };
    writeln!(out, "  0x0002 method         {} ({method})", info.method)?;
    writeln!(out, "  0x0003 flags          {:#04x}", info.flags)?;
    let mtime = if info.mtime == 0 { "not recorded" } else { "seconds since 1970" };
    writeln!(out, "  0x0004 mtime          {} ({mtime})", info.mtime)?;
    writeln!(out, "  0x0008 extra flags    {:#04x}", info.extra_flags)?;
    writeln!(out, "  0x0009 OS             {} ({})", info.os, os_name(info.os))?;
    if let Some(extra) = info.extra {
        writeln!(out, "         extra field    {} bytes", extra.len())?;
    }
    if let Some(name) = info.name {
        writeln!(out, "         name           {}", latin1(name))?;
    }
    if let Some(comment) = info.comment {
        writeln!(out, "         comment        {}", latin1(comment))?;
    }
    let stream = (data.len() - TRAILER - info.data_offset) as u64;
    writeln!(out, "  {:#06x} deflate data   {}", info.data_offset, show::size(stream))?;
    writeln!(out, "  trailer CRC32         {:#010x} (of the uncompressed data)", info.crc32)?;
    let isize = show::size(u64::from(info.isize));
    writeln!(out, "  trailer ISIZE         {isize} (uncompressed size mod 2^32, last member)")?;
    match inflate_prefix(&info, HEADER_LEN) {
        Ok(head) if has_image_magic(&head) => match ImageHeader::parse(&head) {
            Ok(h) => writeln!(
                out,
                "contains an arm64 Image: image_size {}, flags {:#x}",
                show::size(h.image_size),
                h.flags
            )?,
            Err(err) => {
                writeln!(out, "contains an arm64 Image that springboard would refuse: {err}")?
            }
        },
        Ok(head) => writeln!(out, "content starts with {}", show::first_bytes(&head, 16))?,
        Err(err) => writeln!(out, "content unreadable: {err:#}")?,
    }
    Ok(())
}
