//! The 40-byte DTB header (Devicetree Specification v0.4, 5.2): reading it with every block
//! checked against `totalsize`, and writing one for a patched blob.

use core::mem::{offset_of, size_of};
use zerocopy::big_endian::U32;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::{Block, FdtError, FdtErrorKind};

/// Length of the version-17 header in bytes.
pub const HEADER_LEN: usize = 40;

/// The header magic, `0xd00dfeed` (5.2).
pub const MAGIC: u32 = 0xd00d_feed;
/// Offset in the header of `totalsize`, the blob's size in bytes (5.2).
pub const TOTALSIZE_OFFSET: usize = offset_of!(RawHeader, totalsize);

/// The version this module reads and writes (5.2: "version 17").
pub(crate) const VERSION: u32 = 17;

/// The oldest version a version-17 blob is compatible with (5.2: "shall contain 16").
pub(crate) const LAST_COMP_VERSION: u32 = 16;

/// The header exactly as it sits in the blob.
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub(crate) struct RawHeader {
    pub magic: U32,
    pub totalsize: U32,
    pub off_dt_struct: U32,
    pub off_dt_strings: U32,
    pub off_mem_rsvmap: U32,
    pub version: U32,
    pub last_comp_version: U32,
    pub boot_cpuid_phys: U32,
    pub size_dt_strings: U32,
    pub size_dt_struct: U32,
}

// The offsets of 5.2, pinned so that a field edit cannot move them silently.
const _: () = assert!(size_of::<RawHeader>() == HEADER_LEN);
const _: () = assert!(offset_of!(RawHeader, totalsize) == 0x04);
const _: () = assert!(offset_of!(RawHeader, off_dt_struct) == 0x08);
const _: () = assert!(offset_of!(RawHeader, off_dt_strings) == 0x0c);
const _: () = assert!(offset_of!(RawHeader, off_mem_rsvmap) == 0x10);
const _: () = assert!(offset_of!(RawHeader, version) == 0x14);
const _: () = assert!(offset_of!(RawHeader, boot_cpuid_phys) == 0x1c);
const _: () = assert!(offset_of!(RawHeader, size_dt_strings) == 0x20);
const _: () = assert!(offset_of!(RawHeader, size_dt_struct) == 0x24);

/// Where the blocks are, every one checked to lie inside `totalsize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    pub totalsize: usize,
    pub struct_start: usize,
    pub struct_end: usize,
    pub strings_start: usize,
    pub strings_end: usize,
    pub rsv_start: usize,
    pub boot_cpuid_phys: u32,
}

/// Reads the header's fixed fields: magic, version and `totalsize` (not checked against any
/// buffer length here).
pub(crate) fn read(bytes: &[u8]) -> Result<&RawHeader, FdtError> {
    let (header, _) = RawHeader::ref_from_prefix(bytes).map_err(|_| {
        FdtError::new(bytes.len(), FdtErrorKind::TruncatedHeader { len: bytes.len() })
    })?;
    let magic = header.magic.get();
    if magic != MAGIC {
        return Err(FdtError::new(0, FdtErrorKind::BadMagic { found: magic }));
    }
    let (version, last_comp_version) = (header.version.get(), header.last_comp_version.get());
    if version < VERSION || last_comp_version > VERSION {
        let kind = FdtErrorKind::UnsupportedVersion { version, last_comp_version };
        return Err(FdtError::new(offset_of!(RawHeader, version), kind));
    }
    let totalsize = header.totalsize.get();
    if (totalsize as usize) < HEADER_LEN {
        let kind = FdtErrorKind::BadTotalSize { totalsize, available: bytes.len() };
        return Err(FdtError::new(offset_of!(RawHeader, totalsize), kind));
    }
    Ok(header)
}

/// Checks the whole header against the `bytes` given.
pub(crate) fn layout(bytes: &[u8]) -> Result<Layout, FdtError> {
    let h = read(bytes)?;
    let totalsize = h.totalsize.get();
    if totalsize as usize > bytes.len() {
        let kind = FdtErrorKind::BadTotalSize { totalsize, available: bytes.len() };
        return Err(FdtError::new(offset_of!(RawHeader, totalsize), kind));
    }
    let rsv = h.off_mem_rsvmap.get();
    let (rsv_start, _) = block(Block::MemReserve, rsv, 0, totalsize, 8, 0x10)?;
    let (st, ss) = (h.off_dt_struct.get(), h.size_dt_struct.get());
    let (struct_start, struct_end) = block(Block::Struct, st, ss, totalsize, 4, 0x08)?;
    let (gt, gs) = (h.off_dt_strings.get(), h.size_dt_strings.get());
    let (strings_start, strings_end) = block(Block::Strings, gt, gs, totalsize, 1, 0x0c)?;
    Ok(Layout {
        totalsize: totalsize as usize,
        struct_start,
        struct_end,
        strings_start,
        strings_end,
        rsv_start,
        boot_cpuid_phys: h.boot_cpuid_phys.get(),
    })
}

/// `[start, start + size)` as byte offsets, when it lies after the header and inside
/// `totalsize` and `start` is a multiple of `align`; else an error at the header field
/// `field`.
fn block(
    block: Block,
    start: u32,
    size: u32,
    totalsize: u32,
    align: u32,
    field: usize,
) -> Result<(usize, usize), FdtError> {
    let end = u64::from(start) + u64::from(size);
    if (start as usize) < HEADER_LEN || end > u64::from(totalsize) {
        let kind = FdtErrorKind::BlockOutOfRange { block, start, size, totalsize };
        return Err(FdtError::new(field, kind));
    }
    if start % align != 0 {
        return Err(FdtError::new(field, FdtErrorKind::MisalignedBlock { block, start }));
    }
    Ok((start as usize, end as usize))
}

/// A version-17 header for a blob whose blocks sit at the given offsets.
pub(crate) fn build(layout: &Layout) -> RawHeader {
    let be = |v: usize| U32::new(v as u32);
    RawHeader {
        magic: U32::new(MAGIC),
        totalsize: be(layout.totalsize),
        off_dt_struct: be(layout.struct_start),
        off_dt_strings: be(layout.strings_start),
        off_mem_rsvmap: be(layout.rsv_start),
        version: U32::new(VERSION),
        last_comp_version: U32::new(LAST_COMP_VERSION),
        boot_cpuid_phys: U32::new(layout.boot_cpuid_phys),
        size_dt_strings: be(layout.strings_end - layout.strings_start),
        size_dt_struct: be(layout.struct_end - layout.struct_start),
    }
}
