//! Reading a gzip member's header and trailer (RFC 1952), and inflating just the start of it.

use anyhow::{bail, Result};
use miniz_oxide::inflate::TINFLStatus;

/// FLG bit: the header carries a CRC16 of itself (RFC 1952, 2.3.1).
const FHCRC: u8 = 1 << 1;
/// FLG bit: the header carries extra fields.
const FEXTRA: u8 = 1 << 2;
/// FLG bit: the header carries the original file name.
const FNAME: u8 = 1 << 3;
/// FLG bit: the header carries a comment.
const FCOMMENT: u8 = 1 << 4;
/// Size of the fixed part of the header.
const FIXED_HEADER: usize = 10;
/// Size of the trailer (CRC32, ISIZE).
pub const TRAILER: usize = 8;
/// The only compression method RFC 1952 defines.
pub const METHOD_DEFLATE: u8 = 8;

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
    /// Reads the header and trailer of the gzip file `data`.
    pub fn parse(data: &[u8]) -> Result<Self> {
        if data.len() < FIXED_HEADER + TRAILER || !data.starts_with(b"\x1f\x8b") {
            bail!(
                "gzip: not a gzip file of at least {} bytes (header and trailer); {} bytes",
                FIXED_HEADER + TRAILER,
                data.len()
            );
        }
        let flags = data[3];
        let mut at = FIXED_HEADER;
        let mut extra_len = None;
        if flags & FEXTRA != 0 {
            let Some(len) = data.get(at..at + 2) else {
                bail!("gzip: offset {at:#x}: extra field length past the end");
            };
            let len = usize::from(u16::from_le_bytes([len[0], len[1]]));
            extra_len = Some(len);
            at += 2 + len;
        }
        let name = (flags & FNAME != 0).then(|| latin1_string(data, &mut at)).transpose()?;
        let comment = (flags & FCOMMENT != 0).then(|| latin1_string(data, &mut at)).transpose()?;
        if flags & FHCRC != 0 {
            at += 2;
        }
        if at > data.len() - TRAILER {
            bail!(
                "gzip: offset {at:#x}: header runs into the trailer (file of {} bytes)",
                data.len()
            );
        }
        let le32 =
            |at: usize| u32::from_le_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]]);
        Ok(Self {
            method: data[2],
            flags,
            mtime: le32(4),
            extra_flags: data[8],
            os: data[9],
            extra_len,
            name,
            comment,
            data_offset: at,
            crc32: le32(data.len() - TRAILER),
            isize: le32(data.len() - 4),
        })
    }

    /// Inflates the first (up to) `n` bytes of the uncompressed data.
    pub fn inflate_prefix(&self, data: &[u8], n: usize) -> Result<Vec<u8>> {
        if self.method != METHOD_DEFLATE {
            bail!("gzip: offset 0x2: compression method {} is not deflate (8)", self.method);
        }
        let stream = &data[self.data_offset..data.len() - TRAILER];
        match miniz_oxide::inflate::decompress_to_vec_with_limit(stream, n) {
            Ok(all) => Ok(all),
            // The limit was reached: the first `n` bytes are what was asked for.
            Err(err) if err.status == TINFLStatus::HasMoreOutput => Ok(err.output),
            Err(err) => {
                bail!("gzip: offset {:#x}: deflate stream is corrupt: {err}", self.data_offset)
            }
        }
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

/// A NUL-terminated Latin-1 string at `*at`; moves `*at` past its NUL.
fn latin1_string(data: &[u8], at: &mut usize) -> Result<String> {
    let start = *at;
    let rest = data.get(start..).unwrap_or(&[]);
    let Some(len) = rest.iter().position(|&b| b == 0) else {
        bail!("gzip: offset {start:#x}: string field has no terminating NUL");
    };
    *at = start + len + 1;
    Ok(rest[..len].iter().map(|&b| char::from(b)).collect())
}
