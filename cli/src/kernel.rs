//! Checking that a file is a bootable arm64 kernel `Image` (plain or gzip-compressed) before it
//! goes into a bundle.

use anyhow::{bail, Context, Result};
use image_formats::gzip::Member;
use image_formats::image::{ImageHeader, HEADER_LEN, MAGIC_OFFSET};

use crate::detect::{has_image_magic, GZIP_MAGIC};
use crate::gzip;
use crate::show;

/// A kernel that passed the checks.
#[derive(Debug)]
pub struct Kernel {
    /// Its Image header.
    pub header: ImageHeader,
    /// Whether the file is gzip-compressed (`Image.gz`); the header was read by inflating the
    /// first 64 bytes.
    pub gzip: bool,
}

/// Checks that `data` is an arm64 Image (or a gzip-compressed one) that springboard can boot.
pub fn check(data: &[u8]) -> Result<Kernel> {
    if data.starts_with(GZIP_MAGIC) {
        let head = gzip::inflate_prefix(&Member::parse(data)?, HEADER_LEN)?;
        let header = check_image(&head).context("inside the gzip stream")?;
        return Ok(Kernel { header, gzip: true });
    }
    Ok(Kernel { header: check_image(data)?, gzip: false })
}

/// Checks the arm64 Image header at the start of `data`.
fn check_image(data: &[u8]) -> Result<ImageHeader> {
    if !has_image_magic(data) {
        let found = match data.get(MAGIC_OFFSET..) {
            Some(rest) if !rest.is_empty() => show::first_bytes(rest, 4),
            _ => "nothing".to_string(),
        };
        bail!(
            "not an arm64 Image: expected magic \"ARM\\x64\" (41 52 4d 64) at offset \
             {MAGIC_OFFSET:#x}, found {found} in {} bytes",
            data.len()
        );
    }
    ImageHeader::parse(data).context("arm64 Image header rejected")
}
