//! The on-disk structures of bundle format v1, as zerocopy views over little-endian bytes.
//!
//! Every field uses an explicit little-endian type, so the structs have alignment 1 and can be
//! read from any offset of any buffer; their sizes are pinned below so that a change of layout
//! fails to compile instead of silently changing the format.

use core::mem::size_of;

use zerocopy::little_endian::{U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// The first eight bytes of every bundle.
pub const MAGIC: [u8; 8] = *b"SPRBNDL\0";

/// The format version this module reads and writes.
pub const VERSION: u32 = 1;

/// Size in bytes of a fixed-size, NUL-padded UTF-8 name (payloads and entries).
pub const NAME_LEN: usize = 32;

/// Alignment that every offset in a bundle must have (header tables, payload data, signature).
pub const OFFSET_ALIGN: u64 = 8;

/// Alignment the builder gives payload data, so the firmware can hand an initrd to Linux in
/// place and copy a kernel with page-sized strides.
pub const PAYLOAD_ALIGN: u64 = 4096;

/// Marks an absent optional payload index or fallback entry index.
pub const NONE: u32 = 0xffff_ffff;

/// Header flag: a signature block is present at `signature_offset` (format reserved; signing
/// is not implemented yet).
pub const FLAG_SIGNED: u32 = 1 << 0;

/// Every header flag that version 1 defines.
pub const KNOWN_HEADER_FLAGS: u32 = FLAG_SIGNED;

/// The boot limit of an entry whose record says 0 (every bundle before the field existed):
/// one boot without a report and the entry counts as failed.
pub const DEFAULT_BOOTLIMIT: u32 = 1;

/// The largest boot limit: the state page counts an entry's attempts in one byte.
pub const MAX_BOOTLIMIT: u32 = 255;

/// Payload flag: the payload data is gzip-compressed.
pub const PAYLOAD_FLAG_GZIP: u32 = 1 << 0;

/// Every payload flag that version 1 defines.
pub const KNOWN_PAYLOAD_FLAGS: u32 = PAYLOAD_FLAG_GZIP;

/// The bundle header, at offset 0.
#[derive(Clone, Copy, Debug, FromBytes, IntoBytes, Immutable, KnownLayout, Unaligned)]
#[repr(C)]
pub struct RawHeader {
    /// 0x00: [`MAGIC`].
    pub magic: [u8; 8],
    /// 0x08: [`VERSION`].
    pub version: U32,
    /// 0x0c: size of this header, [`HEADER_SIZE`] for version 1.
    pub header_size: U32,
    /// 0x10: size of the whole bundle from its first byte; trailing bytes are ignored.
    pub total_size: U64,
    /// 0x18: offset of the payload table.
    pub payload_table_offset: U64,
    /// 0x20: offset of the entry table.
    pub entry_table_offset: U64,
    /// 0x28: number of payload records.
    pub payload_count: U32,
    /// 0x2c: number of entry records.
    pub entry_count: U32,
    /// 0x30: header flags ([`FLAG_SIGNED`]).
    pub flags: U32,
    /// 0x34: CRC32 of header + payload table + entry table, this field taken as zero.
    pub header_crc32: U32,
    /// 0x38: offset of the signature block, 0 unless [`FLAG_SIGNED`].
    pub signature_offset: U64,
    /// 0x40: size of the signature block, 0 unless [`FLAG_SIGNED`].
    pub signature_size: U64,
    /// 0x48: reserved, must be zero.
    pub reserved: U64,
}

/// Size of [`RawHeader`].
pub const HEADER_SIZE: usize = 0x50;
const _: () = assert!(size_of::<RawHeader>() == HEADER_SIZE);

/// Offset of [`RawHeader::header_crc32`], zeroed while the header CRC is computed.
pub const HEADER_CRC_OFFSET: usize = 0x34;

/// One record of the payload table.
#[derive(Clone, Copy, Debug, FromBytes, IntoBytes, Immutable, KnownLayout, Unaligned)]
#[repr(C)]
pub struct RawPayload {
    /// +0x00: payload kind (kernel = 1, initrd = 2, dtb = 3, cmdline = 6;
    /// [`PayloadKind`](super::PayloadKind)).
    pub kind: U32,
    /// +0x04: payload flags ([`PAYLOAD_FLAG_GZIP`]).
    pub flags: U32,
    /// +0x08: name, UTF-8, NUL-padded.
    pub name: [u8; NAME_LEN],
    /// +0x28: offset of the data from the start of the bundle.
    pub offset: U64,
    /// +0x30: size of the data in bytes (compressed size when gzip).
    pub size: U64,
    /// +0x38: CRC32 of the data as stored.
    pub crc32: U32,
    /// +0x3c: reserved, must be zero.
    pub reserved: U32,
}

/// Size of [`RawPayload`].
pub const PAYLOAD_RECORD_SIZE: usize = 0x40;
const _: () = assert!(size_of::<RawPayload>() == PAYLOAD_RECORD_SIZE);

/// Offsets of the [`RawPayload`] fields, used to point errors at the offending bytes.
pub mod payload_field {
    /// Offset of `kind`.
    pub const KIND: u64 = 0x00;
    /// Offset of `flags`.
    pub const FLAGS: u64 = 0x04;
    /// Offset of `name`.
    pub const NAME: u64 = 0x08;
    /// Offset of `offset`.
    pub const OFFSET: u64 = 0x28;
    /// Offset of `reserved`.
    pub const RESERVED: u64 = 0x3c;
}

/// One record of the entry table.
#[derive(Clone, Copy, Debug, FromBytes, IntoBytes, Immutable, KnownLayout, Unaligned)]
#[repr(C)]
pub struct RawEntry {
    /// +0x00: name, UTF-8, NUL-padded.
    pub name: [u8; NAME_LEN],
    /// +0x20: index of the kernel (or ELF) payload.
    pub kernel: U32,
    /// +0x24: index of the initrd payload, or [`NONE`].
    pub initrd: U32,
    /// +0x28: index of the DTB payload, or [`NONE`].
    pub dtb: U32,
    /// +0x2c: index of the command-line payload, or [`NONE`].
    pub cmdline: U32,
    /// +0x30: index of the entry to try when this one fails, or [`NONE`].
    pub fallback: U32,
    /// +0x34: boots without a report before the entry counts as failed, at most
    /// [`MAX_BOOTLIMIT`]; 0 means [`DEFAULT_BOOTLIMIT`] (this field was reserved, and zero,
    /// before boot limits existed, so older bundles read as they always did).
    pub bootlimit: U32,
}

/// Size of [`RawEntry`].
pub const ENTRY_RECORD_SIZE: usize = 0x38;
const _: () = assert!(size_of::<RawEntry>() == ENTRY_RECORD_SIZE);

/// Offsets of the [`RawEntry`] fields, used to point errors at the offending bytes.
pub mod entry_field {
    /// Offset of `name`.
    pub const NAME: u64 = 0x00;
    /// Offset of `kernel`.
    pub const KERNEL: u64 = 0x20;
    /// Offset of `initrd`.
    pub const INITRD: u64 = 0x24;
    /// Offset of `dtb`.
    pub const DTB: u64 = 0x28;
    /// Offset of `cmdline`.
    pub const CMDLINE: u64 = 0x2c;
    /// Offset of `fallback`.
    pub const FALLBACK: u64 = 0x30;
    /// Offset of `bootlimit`.
    pub const BOOTLIMIT: u64 = 0x34;
}

// Records must keep the tables 8-byte aligned when packed back to back.
const _: () = assert!(HEADER_SIZE % 8 == 0);
const _: () = assert!(PAYLOAD_RECORD_SIZE % 8 == 0);
const _: () = assert!(ENTRY_RECORD_SIZE % 8 == 0);
