//! Errors from parsing an arm64 Image header.

use core::fmt;

use super::{PageSize, ENTRY_ALIGN, HEADER_LEN, MAGIC};

/// Why an Image header was rejected, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageError {
    /// Byte offset in the image of the offending field (for [`ImageErrorKind::Truncated`], the
    /// offset where the data ended).
    pub offset: usize,
    /// What was wrong, with the value found.
    pub kind: ImageErrorKind,
}

/// The kinds of [`ImageError`], each carrying the value that was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageErrorKind {
    /// Fewer than [`HEADER_LEN`] bytes were given.
    Truncated {
        /// Number of bytes available.
        len: usize,
    },
    /// The magic at offset 0x38 is not [`MAGIC`] (`"ARM\x64"`).
    BadMagic {
        /// The magic found, read as a little-endian `u32`.
        found: u32,
    },
    /// Flags bit 0 says the kernel is big-endian; springboard boots little-endian kernels only.
    BigEndian {
        /// The whole `flags` field.
        flags: u64,
    },
    /// The kernel was built for 16 KiB or 64 KiB pages; only 4 KiB and unspecified are
    /// accepted.
    UnsupportedPageSize {
        /// The page size decoded from flags bits 1-2.
        page_size: PageSize,
        /// The whole `flags` field.
        flags: u64,
    },
    /// `text_offset` (offset 0x08) is not a multiple of [`ENTRY_ALIGN`]: the kernel would be
    /// entered at a misaligned address, where the CPU faults on its first instruction.
    MisalignedEntry {
        /// The load offset the header asks for.
        text_offset: u64,
    },
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "image header at offset {:#x}: ", self.offset)?;
        match self.kind {
            ImageErrorKind::Truncated { len } => {
                write!(f, "truncated: {len} bytes, the header needs {HEADER_LEN}")
            }
            ImageErrorKind::BadMagic { found } => {
                write!(f, "bad magic {found:#010x}, expected {MAGIC:#010x} (\"ARM\\x64\")")
            }
            ImageErrorKind::BigEndian { flags } => {
                write!(
                    f,
                    "big-endian kernel (flags {flags:#x}, bit 0 set); only little-endian \
                    kernels boot"
                )
            }
            ImageErrorKind::UnsupportedPageSize { page_size, flags } => write!(
                f,
                "kernel built for {page_size} pages (flags {flags:#x}); only 4K or unspecified boot"
            ),
            ImageErrorKind::MisalignedEntry { text_offset } => write!(
                f,
                "text_offset {text_offset:#x} is not a multiple of {ENTRY_ALIGN}: \
                 the kernel would be entered at a misaligned address"
            ),
        }
    }
}

impl core::error::Error for ImageError {}
