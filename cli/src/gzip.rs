//! Reading a gzip member's header and trailer (RFC 1952), and inflating just the start of it.

use anyhow::Result;
use image_formats::gzip::Member;

pub use image_formats::gzip::TRAILER;

/// What a gzip file's header and trailer say.
#[derive(Debug)]
pub struct GzipInfo {
    /// CM: compression method (8 = deflate).
    pub method: u8,
    /// FLG: header flags.
    pub flags: u8,
    /// MTIME: modification time in seconds since 1970, 0 when not recorded.
    pub mtime: u32,
    /// XFL: extra flags (compression level hints).
    pub extra_flags: u8,
    /// OS: the operating system that wrote the file.
    pub os: u8,
    /// Length of the FEXTRA field, when present.
    pub extra_len: Option<usize>,
    /// FNAME: the original file name (Latin-1), when present.
    pub name: Option<String>,
    /// FCOMMENT: the comment (Latin-1), when present.
    pub comment: Option<String>,
    /// Offset of the deflate stream.
    pub data_offset: usize,
    /// CRC32 of the uncompressed data, from the trailer.
    pub crc32: u32,
    /// Uncompressed size modulo 2^32, from the trailer (of the last member).
    pub isize: u32,
}

impl GzipInfo {
    /// Reads the header and trailer of the gzip file `data` (`image_formats::gzip`, the same
    /// reader the firmware uses).
    pub fn parse(data: &[u8]) -> Result<Self> {
        let m = Member::parse(data)?;
        Ok(Self {
            method: m.method,
            flags: m.flags,
            mtime: m.mtime,
            extra_flags: m.extra_flags,
            os: m.os,
            extra_len: m.extra.map(<[u8]>::len),
            name: m.name.map(latin1),
            comment: m.comment.map(latin1),
            data_offset: m.data_offset,
            crc32: m.crc32,
            isize: m.isize,
        })
    }

    /// Inflates the first (up to) `n` bytes of the uncompressed data.
    pub fn inflate_prefix(&self, data: &[u8], n: usize) -> Result<Vec<u8>> {
        let mut head = vec![0; n];
        let written = Member::parse(data)?.inflate_prefix(&mut head)?;
        head.truncate(written);
        Ok(head)
    }

    /// The name of the operating system in the OS byte (RFC 1952, 2.3.1).
    pub fn os_name(&self) -> &'static str {
        match self.os {
            0 => "FAT",
            3 => "Unix",
            7 => "Macintosh",
            11 => "NTFS",
            255 => "unknown",
            _ => "other",
        }
    }
}

/// A Latin-1 string field as text.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}
