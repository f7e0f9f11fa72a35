//! gzip members (RFC 1952): the header and trailer read with every offset checked, and the
//! deflate stream inflated by `miniz_oxide`'s core API straight into a caller's buffer — the
//! firmware inflates `Image.gz` kernels into their load address with no heap.

use core::fmt;
use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

/// FLG bit: the header carries a CRC16 of itself (RFC 1952, 2.3.1).
const FHCRC: u8 = 1 << 1;
/// FLG bit: the header carries extra fields.
const FEXTRA: u8 = 1 << 2;
/// FLG bit: the header carries the original file name.
const FNAME: u8 = 1 << 3;
/// FLG bit: the header carries a comment.
const FCOMMENT: u8 = 1 << 4;
/// FLG bits 5 to 7, reserved: "a compliant decompressor must give an error indication if
/// any reserved bit is non-zero" (RFC 1952, 2.3.1.2).
const RESERVED_FLAGS: u8 = 0xe0;
/// Size of the fixed part of the header.
const FIXED_HEADER: usize = 10;
/// Size of the trailer (CRC32, ISIZE).
pub const TRAILER: usize = 8;
/// The only compression method RFC 1952 defines (CM, offset 2).
pub const METHOD_DEFLATE: u8 = 8;
/// ID1 and ID2, the first two bytes of every gzip member (RFC 1952, 2.3.1).
pub const MAGIC: [u8; 2] = [0x1f, 0x8b];

/// A gzip member's header fields, trailer and deflate stream.
#[derive(Clone, Copy, Debug)]
pub struct Member<'a> {
    /// CM: compression method (8 = deflate).
    pub method: u8,
    /// FLG: header flags.
    pub flags: u8,
    /// MTIME: seconds since 1970, 0 when not recorded.
    pub mtime: u32,
    /// XFL: extra flags.
    pub extra_flags: u8,
    /// OS: the operating system that wrote it.
    pub os: u8,
    /// FEXTRA's bytes, when present.
    pub extra: Option<&'a [u8]>,
    /// FNAME (Latin-1, without its NUL), when present.
    pub name: Option<&'a [u8]>,
    /// FCOMMENT (Latin-1, without its NUL), when present.
    pub comment: Option<&'a [u8]>,
    /// Offset of the deflate stream.
    pub data_offset: usize,
    /// The deflate stream (up to the trailer).
    pub deflate: &'a [u8],
    /// CRC32 of the uncompressed data, from the trailer.
    pub crc32: u32,
    /// Uncompressed size modulo 2^32, from the trailer.
    pub isize: u32,
}

/// What was wrong, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GzipError {
    /// Byte offset in the gzip data (for inflate errors: of the deflate stream).
    pub offset: usize,
    /// What was wrong there.
    pub kind: GzipErrorKind,
}

/// The kinds of [`GzipError`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GzipErrorKind {
    /// No `1f 8b` magic, or too short for a header and a trailer.
    NotGzip {
        /// Bytes available.
        len: usize,
    },
    /// FLG has a reserved bit set.
    ReservedFlags {
        /// FLG.
        flags: u8,
    },
    /// A header field runs past the start of the trailer.
    FieldPastEnd,
    /// CM is not deflate.
    NotDeflate {
        /// The method found.
        method: u8,
    },
    /// The header's CRC16 (FHCRC) does not match the header.
    HeaderCrcMismatch {
        /// The CRC16 stored in the header.
        expected: u16,
        /// The low 16 bits of the CRC32 of the header bytes before it.
        actual: u16,
    },
    /// The deflate stream is corrupt or truncated.
    Corrupt,
    /// The deflate stream ends before the trailer: the bytes between are not part of the
    /// member (RFC 1952 puts the trailer right after the compressed blocks).
    DataAfterStream {
        /// Bytes between the end of the deflate stream and the trailer.
        len: usize,
    },
    /// The output buffer is smaller than the data.
    OutputTooSmall {
        /// Its size.
        capacity: usize,
    },
    /// The inflated size differs from the trailer's ISIZE.
    SizeMismatch {
        /// ISIZE.
        expected: u32,
        /// Bytes inflated.
        actual: usize,
    },
    /// The inflated data's CRC32 differs from the trailer's.
    CrcMismatch {
        /// The trailer's CRC32.
        expected: u32,
        /// The data's.
        actual: u32,
    },
}

impl fmt::Display for GzipError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "gzip: offset {:#x}: {}", self.offset, self.kind)
    }
}

impl fmt::Display for GzipErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match *self {
            GzipErrorKind::NotGzip { len } => {
                write!(f, "no gzip magic 1f 8b with a header and trailer ({len} bytes)")
            }
            GzipErrorKind::ReservedFlags { flags } => {
                write!(f, "reserved FLG bits set in {flags:#04x}")
            }
            GzipErrorKind::FieldPastEnd => write!(f, "header field runs into the trailer"),
            GzipErrorKind::NotDeflate { method } => {
                write!(f, "compression method {method} is not deflate (8)")
            }
            GzipErrorKind::HeaderCrcMismatch { expected, actual } => {
                write!(f, "header CRC16 {actual:#06x} != stored {expected:#06x}")
            }
            GzipErrorKind::Corrupt => write!(f, "deflate stream is corrupt or truncated"),
            GzipErrorKind::DataAfterStream { len } => {
                write!(f, "{len} bytes between the deflate stream and the trailer")
            }
            GzipErrorKind::OutputTooSmall { capacity } => {
                write!(f, "inflates to more than {capacity:#x} bytes")
            }
            GzipErrorKind::SizeMismatch { expected, actual } => {
                write!(f, "inflated {actual:#x} bytes, trailer says {expected:#x}")
            }
            GzipErrorKind::CrcMismatch { expected, actual } => {
                write!(f, "inflated data CRC32 {actual:#010x} != trailer {expected:#010x}")
            }
        }
    }
}

impl<'a> Member<'a> {
    /// Reads the header and trailer of the single gzip member `data`.
    pub fn parse(data: &'a [u8]) -> Result<Self, GzipError> {
        let err = |offset, kind| GzipError { offset, kind };
        if data.len() < FIXED_HEADER + TRAILER || !data.starts_with(&MAGIC) {
            return Err(err(0, GzipErrorKind::NotGzip { len: data.len() }));
        }
        if data[2] != METHOD_DEFLATE {
            return Err(err(2, GzipErrorKind::NotDeflate { method: data[2] }));
        }
        let end = data.len() - TRAILER;
        let flags = data[3];
        if flags & RESERVED_FLAGS != 0 {
            return Err(err(3, GzipErrorKind::ReservedFlags { flags }));
        }
        let mut at = FIXED_HEADER;
        let field =
            |at: usize, len: usize| data.get(at..at.checked_add(len)?).filter(|_| at + len <= end);
        let mut extra = None;
        if flags & FEXTRA != 0 {
            let len = field(at, 2).ok_or(err(at, GzipErrorKind::FieldPastEnd))?;
            let len = usize::from(u16::from_le_bytes([len[0], len[1]]));
            extra = Some(field(at + 2, len).ok_or(err(at, GzipErrorKind::FieldPastEnd))?);
            at += 2 + len;
        }
        let string = |present: bool, at: &mut usize| -> Result<Option<&'a [u8]>, GzipError> {
            if !present {
                return Ok(None);
            }
            let rest = data.get(*at..end).unwrap_or(&[]);
            let len = rest.iter().position(|&b| b == 0);
            let len = len.ok_or(err(*at, GzipErrorKind::FieldPastEnd))?;
            let text = &rest[..len];
            *at += len + 1;
            Ok(Some(text))
        };
        let name = string(flags & FNAME != 0, &mut at)?;
        let comment = string(flags & FCOMMENT != 0, &mut at)?;
        if flags & FHCRC != 0 {
            // RFC 1952, 2.3.1: the two low bytes of the CRC32 of the header before it.
            let stored = field(at, 2).ok_or(err(at, GzipErrorKind::FieldPastEnd))?;
            let expected = u16::from_le_bytes([stored[0], stored[1]]);
            let actual = crc32fast::hash(&data[..at]) as u16;
            if expected != actual {
                return Err(err(at, GzipErrorKind::HeaderCrcMismatch { expected, actual }));
            }
            at += 2;
        }
        if at > end {
            return Err(err(at, GzipErrorKind::FieldPastEnd));
        }
        let le32 =
            |at: usize| u32::from_le_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]]);
        Ok(Member {
            method: data[2],
            flags,
            mtime: le32(4),
            extra_flags: data[8],
            os: data[9],
            extra,
            name,
            comment,
            data_offset: at,
            deflate: &data[at..end],
            crc32: le32(end),
            isize: le32(end + 4),
        })
    }

    /// Inflates the first `out.len()` bytes (or all, if fewer); returns how many were written.
    pub fn inflate_prefix(&self, out: &mut [u8]) -> Result<usize, GzipError> {
        match self.inflate(out) {
            Ok(n) => Ok(n),
            Err((TINFLStatus::HasMoreOutput, n)) => Ok(n),
            Err((TINFLStatus::Done, len)) => {
                Err(self.error(GzipErrorKind::DataAfterStream { len }))
            }
            Err(_) => Err(self.error(GzipErrorKind::Corrupt)),
        }
    }

    /// Inflates the whole member into `out` and checks its size and CRC32 against the
    /// trailer; returns the size.
    pub fn inflate_into(&self, out: &mut [u8]) -> Result<usize, GzipError> {
        let n = match self.inflate(out) {
            Ok(n) => n,
            Err((TINFLStatus::HasMoreOutput, _)) => {
                return Err(self.error(GzipErrorKind::OutputTooSmall { capacity: out.len() }))
            }
            Err((TINFLStatus::Done, len)) => {
                return Err(self.error(GzipErrorKind::DataAfterStream { len }))
            }
            Err(_) => return Err(self.error(GzipErrorKind::Corrupt)),
        };
        if n as u32 != self.isize {
            return Err(self.error(GzipErrorKind::SizeMismatch { expected: self.isize, actual: n }));
        }
        let actual = crc32fast::hash(&out[..n]);
        if actual != self.crc32 {
            return Err(self.error(GzipErrorKind::CrcMismatch { expected: self.crc32, actual }));
        }
        Ok(n)
    }

    fn error(&self, kind: GzipErrorKind) -> GzipError {
        GzipError { offset: self.data_offset, kind }
    }

    /// One call of the core inflater over the whole stream into `out`, which is the entire
    /// output (no wrapping window): `Ok(written)` when the stream ended exactly at the trailer;
    /// `Err((Done, unread))` when it ended `unread` bytes before it; else `Err((status,
    /// written))`.
    fn inflate(&self, out: &mut [u8]) -> Result<usize, (TINFLStatus, usize)> {
        let mut inflater = DecompressorOxide::new();
        let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
        let (status, read, written) = decompress(&mut inflater, self.deflate, out, 0, flags);
        match status {
            TINFLStatus::Done if read < self.deflate.len() => {
                Err((TINFLStatus::Done, self.deflate.len() - read))
            }
            TINFLStatus::Done => Ok(written),
            other => Err((other, written)),
        }
    }
}

impl core::error::Error for GzipError {}
