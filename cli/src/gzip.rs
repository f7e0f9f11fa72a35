//! What the CLI adds to `image_formats::gzip::Member` (RFC 1952, read by the same code the
//! firmware uses): inflating just the start of a member, and naming its OS byte and its
//! Latin-1 text fields.

use anyhow::Result;
use image_formats::gzip::Member;

pub use image_formats::gzip::TRAILER;

/// Inflates the first (up to) `n` bytes of `member`'s uncompressed data.
pub fn inflate_prefix(member: &Member, n: usize) -> Result<Vec<u8>> {
    let mut head = vec![0; n];
    let written = member.inflate_prefix(&mut head)?;
    head.truncate(written);
    Ok(head)
}

/// The name of the operating system in a member's OS byte (RFC 1952, 2.3.1).
pub fn os_name(os: u8) -> &'static str {
    match os {
        0 => "FAT",
        3 => "Unix",
        7 => "Macintosh",
        11 => "NTFS",
        255 => "unknown",
        _ => "other",
    }
}

/// A Latin-1 string field (FNAME, FCOMMENT) as text.
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}
