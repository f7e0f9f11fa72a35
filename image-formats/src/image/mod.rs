//! The arm64 Linux `Image` header: the 64 bytes at the start of every arm64 kernel `Image`
//! (and of springboard itself).
//!
//! Layout from Linux `Documentation/arch/arm64/booting.rst` (§4 "Call the kernel image", as of
//! Linux 6.12); every field is little-endian:
//!
//! ```text
//! offset  size  field
//! 0x00    4     code0          executable code (a branch, or "MZ" + branch with an EFI stub)
//! 0x04    4     code1          executable code
//! 0x08    8     text_offset    image load offset from a 2 MiB-aligned base
//! 0x10    8     image_size     effective image size (covers .bss: may exceed the file size)
//! 0x18    8     flags          bit 0 endianness, bits 1-2 page size, bit 3 placement
//! 0x20    8     res2           reserved
//! 0x28    8     res3           reserved
//! 0x30    8     res4           reserved
//! 0x38    4     magic          0x644d5241, "ARM\x64"
//! 0x3c    4     res5           offset of the PE header (EFI stub kernels), else reserved
//! ```

mod error;
pub mod flags;

pub use error::{ImageError, ImageErrorKind};
pub use flags::PageSize;

use core::mem::{offset_of, size_of};
use zerocopy::little_endian::{U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// Length of the arm64 Image header in bytes.
pub const HEADER_LEN: usize = 64;

/// The header magic at offset 0x38: the bytes `"ARM\x64"` read as a little-endian `u32`.
pub const MAGIC: u32 = 0x644d_5241;

/// Load offset assumed when `image_size` is zero. booting.rst: kernels before v3.17 wrote
/// `text_offset` in the kernel's own endianness and left `image_size` zero; "where image_size is
/// zero, text_offset can be assumed to be 0x80000".
pub const LEGACY_TEXT_OFFSET: u64 = 0x8_0000;

/// Room kept free after a pre-3.17 image (one with `image_size == 0`), beyond its file length
/// rounded up to 2 MiB. Such images do not say how much `.bss`, initial page tables and early
/// stack they need; booting.rst only asks that as much memory as possible is left free after
/// the image. 16 MiB covers the `.bss` and early allocations of any 3.x arm64 defconfig kernel
/// with a wide margin (U-Boot's `booti` assumes 16 MiB for the whole image in this case, which
/// is too small for a file larger than 16 MiB; we add the margin to the file instead).
pub const LEGACY_FOOTPRINT_MARGIN: u64 = 16 << 20;

/// Granule to which a pre-3.17 image's file length is rounded up before adding the margin:
/// the 2 MiB alignment of the kernel base (booting.rst).
const LEGACY_ROUND: u64 = 2 << 20;

/// Alignment of the kernel's entry point, its first instruction: A64 instructions are 4 bytes
/// and the CPU takes a PC alignment fault on a branch to any other address. The image is
/// entered at its 2 MiB-aligned base plus [`ImageHeader::load_offset`], so that offset must be
/// a multiple of this (booting.rst asks for the image at `text_offset` from the base and for
/// a jump to "the first instruction of the kernel image").
pub const ENTRY_ALIGN: u64 = 4;

/// The header exactly as it sits in the file.
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
struct RawHeader {
    code0: U32,
    code1: U32,
    text_offset: U64,
    image_size: U64,
    flags: U64,
    res2: U64,
    res3: U64,
    res4: U64,
    magic: U32,
    res5: U32,
}

// The offsets of booting.rst, pinned so that a field edit cannot move them silently.
const _: () = assert!(size_of::<RawHeader>() == HEADER_LEN);
const _: () = assert!(offset_of!(RawHeader, text_offset) == TEXT_OFFSET_OFFSET);
const _: () = assert!(offset_of!(RawHeader, image_size) == IMAGE_SIZE_OFFSET);
const _: () = assert!(offset_of!(RawHeader, flags) == FLAGS_OFFSET);
const _: () = assert!(offset_of!(RawHeader, magic) == MAGIC_OFFSET);
const _: () = assert!(offset_of!(RawHeader, res5) == RES5_OFFSET);

/// Offset of the `text_offset` field.
pub const TEXT_OFFSET_OFFSET: usize = 0x08;
/// Offset of the `image_size` field.
pub const IMAGE_SIZE_OFFSET: usize = 0x10;
/// Offset of the `flags` field.
pub const FLAGS_OFFSET: usize = 0x18;
/// Offset of the `magic` field ([`MAGIC`]).
pub const MAGIC_OFFSET: usize = 0x38;
/// Offset of the `res5` field (the PE header's offset in EFI stub kernels).
pub const RES5_OFFSET: usize = 0x3c;

/// A validated arm64 Image header: right magic, little-endian kernel, 4 KiB or unspecified page
/// size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageHeader {
    /// First instruction word (offset 0x00).
    pub code0: u32,
    /// Second instruction word (offset 0x04).
    pub code1: u32,
    /// Image load offset from a 2 MiB-aligned base (offset 0x08), as written in the header.
    /// Use [`ImageHeader::load_offset`] to place the image.
    pub text_offset: u64,
    /// Effective image size (offset 0x10), zero for kernels before v3.17. Use
    /// [`ImageHeader::footprint`] to reserve memory.
    pub image_size: u64,
    /// Informative flags (offset 0x18); decoded by the accessors below.
    pub flags: u64,
    /// `res5` (offset 0x3c): the PE header's offset for kernels with an EFI stub, else 0.
    pub res5_pe_offset: u32,
}

impl ImageHeader {
    /// Parses and validates the first [`HEADER_LEN`] bytes of `bytes`; later bytes are ignored.
    ///
    /// Rejects a short slice, a wrong magic, a big-endian kernel, a kernel built for 16 KiB
    /// or 64 KiB pages (springboard hands over with 4 KiB granule assumptions only) and a
    /// kernel whose entry would not be [`ENTRY_ALIGN`]-aligned.
    pub fn parse(bytes: &[u8]) -> Result<Self, ImageError> {
        let header = Self::read_fields(bytes)?;
        if header.big_endian() {
            return Err(ImageError {
                offset: FLAGS_OFFSET,
                kind: ImageErrorKind::BigEndian { flags: header.flags },
            });
        }
        let page_size = header.page_size();
        if !matches!(page_size, PageSize::Unspecified | PageSize::Size4K) {
            return Err(ImageError {
                offset: FLAGS_OFFSET,
                kind: ImageErrorKind::UnsupportedPageSize { page_size, flags: header.flags },
            });
        }
        let load_offset = header.load_offset();
        if load_offset % ENTRY_ALIGN != 0 {
            return Err(ImageError {
                offset: TEXT_OFFSET_OFFSET,
                kind: ImageErrorKind::MisalignedEntry { text_offset: load_offset },
            });
        }
        Ok(header)
    }

    /// Reads the fields of an Image header with the right magic without judging them: a
    /// big-endian or 16K-page kernel is read as it is. For printing a header that
    /// [`ImageHeader::parse`] refuses; anything that places or boots an image uses `parse`.
    pub fn read_fields(bytes: &[u8]) -> Result<Self, ImageError> {
        let raw = raw_prefix(bytes)?;
        Ok(ImageHeader {
            code0: raw.code0.get(),
            code1: raw.code1.get(),
            text_offset: raw.text_offset.get(),
            image_size: raw.image_size.get(),
            flags: raw.flags.get(),
            res5_pe_offset: raw.res5.get(),
        })
    }

    /// Writes this header as booting.rst lays it out: every field, [`MAGIC`] at
    /// [`MAGIC_OFFSET`], and the reserved `res2`..`res4` as zero. [`ImageHeader::read_fields`]
    /// reads back exactly `self`, and so does [`ImageHeader::parse`] when the header is one it
    /// accepts.
    pub fn write(&self, out: &mut [u8; HEADER_LEN]) {
        let raw = RawHeader {
            code0: self.code0.into(),
            code1: self.code1.into(),
            text_offset: self.text_offset.into(),
            image_size: self.image_size.into(),
            flags: self.flags.into(),
            res2: 0.into(),
            res3: 0.into(),
            res4: 0.into(),
            magic: MAGIC.into(),
            res5: self.res5_pe_offset.into(),
        };
        out.copy_from_slice(raw.as_bytes());
    }

    /// Flags bit 0: the kernel is big-endian. Always false for a header that
    /// [`ImageHeader::parse`] accepted.
    pub fn big_endian(&self) -> bool {
        flags::big_endian(self.flags)
    }

    /// Flags bits 1-2: the kernel's page size.
    pub fn page_size(&self) -> PageSize {
        PageSize::from_flags(self.flags)
    }

    /// Flags bit 3: the image may be placed anywhere in DRAM. When false, booting.rst asks for
    /// a base "as close as possible to the start of system RAM" (kernels before v4.6 cannot use
    /// memory below their image).
    pub fn anywhere(&self) -> bool {
        flags::anywhere(self.flags)
    }

    /// Offset of the image from its 2 MiB-aligned base: `text_offset`, or
    /// [`LEGACY_TEXT_OFFSET`] for a pre-3.17 image, whose `text_offset` endianness is unknown.
    pub fn load_offset(&self) -> u64 {
        if self.image_size == 0 {
            LEGACY_TEXT_OFFSET
        } else {
            self.text_offset
        }
    }

    /// Bytes that must be free from the image's load address, for an image file of `file_len`
    /// bytes.
    ///
    /// Normally `image_size` (it covers `.bss`, so it is larger than the file). It is never
    /// less than `file_len`, because a loader writes the whole file and must stay inside what
    /// it reserved. For a pre-3.17 image (`image_size == 0`): `file_len` rounded up to 2 MiB,
    /// plus [`LEGACY_FOOTPRINT_MARGIN`]. Saturates instead of wrapping.
    pub fn footprint(&self, file_len: u64) -> u64 {
        if self.image_size != 0 {
            return self.image_size.max(file_len);
        }
        file_len
            .checked_next_multiple_of(LEGACY_ROUND)
            .unwrap_or(u64::MAX)
            .saturating_add(LEGACY_FOOTPRINT_MARGIN)
    }
}

/// Rewrites the `image_size` field of the Image header at the start of `image` in place,
/// leaving every other byte as it was (reserved fields included). Refuses, changing nothing,
/// a slice shorter than the header or without [`MAGIC`].
pub fn set_image_size(image: &mut [u8], image_size: u64) -> Result<(), ImageError> {
    raw_prefix(image)?;
    let len = image.len();
    let (raw, _) = RawHeader::mut_from_prefix(image).map_err(|_| truncated(len))?;
    raw.image_size.set(image_size);
    Ok(())
}

/// The header at the start of `bytes`, once its length and magic are checked.
fn raw_prefix(bytes: &[u8]) -> Result<&RawHeader, ImageError> {
    let (raw, _) = RawHeader::ref_from_prefix(bytes).map_err(|_| truncated(bytes.len()))?;
    let magic = raw.magic.get();
    if magic != MAGIC {
        return Err(ImageError {
            offset: MAGIC_OFFSET,
            kind: ImageErrorKind::BadMagic { found: magic },
        });
    }
    Ok(raw)
}

/// The error for a header cut short after `len` bytes.
fn truncated(len: usize) -> ImageError {
    ImageError { offset: len, kind: ImageErrorKind::Truncated { len } }
}
