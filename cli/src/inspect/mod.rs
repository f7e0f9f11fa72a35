//! `springboard inspect`: tell what a file is by its content and print its structure.

pub mod bundle;
mod dtb;
mod gzip;
mod image;

use std::fs;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;

use crate::detect::FileKind;
use crate::show;

/// Arguments of `springboard inspect`.
#[derive(Debug, Args)]
#[command(after_help = "\
Formats are recognised by content, not by file name:
  bundle     \"SPRBNDL\\0\" at offset 0: header, payload table (with CRC32 check), entries
  DTB        d0 0d fe ed at offset 0: compatible, memory, /chosen, reservations
  gzip       1f 8b at offset 0: gzip header and trailer, without inflating
  arm64 Image  \"ARM\\x64\" at offset 0x38: every header field, flags decoded
Exits with status 1 when the file is unreadable, of no known format, malformed, or a bundle
payload fails its CRC32 check.")]
pub struct InspectArgs {
    /// The file to inspect.
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

/// Runs `springboard inspect`.
pub fn run(args: &InspectArgs, out: &mut String) -> Result<()> {
    let path = &args.file;
    let data = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let name = path.display();
    let result = match FileKind::detect(&data) {
        Some(FileKind::Bundle) => bundle::inspect(&data, out),
        Some(FileKind::Dtb) => dtb::inspect(&data, out),
        Some(FileKind::Gzip) => gzip::inspect(&data, out),
        Some(FileKind::Image) => image::inspect(&data, out),
        None => bail!(
            "{name}: not a bundle, DTB, gzip file or arm64 Image ({} bytes); first bytes: {}",
            data.len(),
            if data.is_empty() {
                "none (empty file)".to_string()
            } else {
                show::first_bytes(&data, 16)
            }
        ),
    };
    result.with_context(|| format!("{name}"))
}
