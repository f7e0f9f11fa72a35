//! Decoding of the Image header's `flags` field (offset 0x18).
//!
//! booting.rst (Linux 6.12): bit 0 kernel endianness (1 = big-endian); bits 1-2 kernel page
//! size (0 unspecified, 1 = 4K, 2 = 16K, 3 = 64K); bit 3 physical placement (0 = as close to
//! the base of DRAM as possible, 1 = anywhere); bits 4-63 reserved.

use core::fmt;

/// Bit 0: the kernel is big-endian.
pub const BIG_ENDIAN: u64 = 1 << 0;
/// Shift of the two-bit page-size field (bits 1-2).
pub const PAGE_SIZE_SHIFT: u32 = 1;
/// Mask of the page-size field after shifting.
const PAGE_SIZE_MASK: u64 = 0b11;
/// Bit 3: the image may be placed anywhere in DRAM (clear: as close to the base of DRAM as
/// possible).
pub const ANYWHERE: u64 = 1 << 3;

/// The `flags` value of a little-endian kernel with `page_size` pages, placed anywhere when
/// `anywhere` is set: what an image that springboard boots (or springboard itself) writes.
pub const fn little_endian(page_size: PageSize, anywhere: bool) -> u64 {
    page_size.flags() | if anywhere { ANYWHERE } else { 0 }
}

/// Whether `flags` marks a big-endian kernel.
pub(super) fn big_endian(flags: u64) -> bool {
    flags & BIG_ENDIAN != 0
}

/// Whether `flags` allows the image anywhere in DRAM.
pub(super) fn anywhere(flags: u64) -> bool {
    flags & ANYWHERE != 0
}

/// Kernel page size, from flags bits 1-2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageSize {
    /// 0: not specified (pre-3.17 kernels, and images that do not care, such as springboard).
    Unspecified,
    /// 1: 4 KiB pages.
    Size4K,
    /// 2: 16 KiB pages.
    Size16K,
    /// 3: 64 KiB pages.
    Size64K,
}

impl PageSize {
    /// Decodes bits 1-2 of an Image header's `flags`.
    pub fn from_flags(flags: u64) -> Self {
        match (flags >> PAGE_SIZE_SHIFT) & PAGE_SIZE_MASK {
            0 => PageSize::Unspecified,
            1 => PageSize::Size4K,
            2 => PageSize::Size16K,
            _ => PageSize::Size64K,
        }
    }

    /// The page-size field of `flags` (bits 1-2) that says this size; the other bits are 0.
    pub const fn flags(self) -> u64 {
        let code = match self {
            PageSize::Unspecified => 0,
            PageSize::Size4K => 1,
            PageSize::Size16K => 2,
            PageSize::Size64K => 3,
        };
        code << PAGE_SIZE_SHIFT
    }

    /// The page size in bytes, or `None` when unspecified.
    pub fn bytes(self) -> Option<u64> {
        match self {
            PageSize::Unspecified => None,
            PageSize::Size4K => Some(4 << 10),
            PageSize::Size16K => Some(16 << 10),
            PageSize::Size64K => Some(64 << 10),
        }
    }
}

impl fmt::Display for PageSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PageSize::Unspecified => "unspecified",
            PageSize::Size4K => "4K",
            PageSize::Size16K => "16K",
            PageSize::Size64K => "64K",
        })
    }
}
