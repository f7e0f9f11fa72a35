//! The springboard bundle, format version 1: what to boot, in one framed file.
//!
//! A bundle is built on the host by `springboard pack` and read by the firmware, which finds it
//! appended to its own image, in the initrd range of `/chosen`, or resident from an earlier
//! run. Everything is little-endian. Every offset is from the first byte of the bundle and is
//! 8-byte aligned; the builder aligns payload data to 4 KiB so the firmware can hand an initrd
//! to Linux in place.
//!
//! ```text
//!  offset  size  header (RawHeader, 0x50 bytes)
//!  0x00    8     magic             "SPRBNDL\0"
//!  0x08    4     version           1
//!  0x0c    4     header_size       0x50
//!  0x10    8     total_size        bundle size in bytes; bytes after it are ignored
//!  0x18    8     payload_table_offset ──────┐
//!  0x20    8     entry_table_offset   ──────┼──┐
//!  0x28    4     payload_count  (P)         │  │
//!  0x2c    4     entry_count    (E, ≥ 1)    │  │
//!  0x30    4     flags          bit 0 SIGNED (refused: signatures not verified yet)
//!  0x34    4     header_crc32   CRC32 of header (this field as 0) ‖ payload table
//!                               ‖ entry table
//!  0x38    8     signature_offset  0 unless SIGNED
//!  0x40    8     signature_size    0 unless SIGNED
//!  0x48    8     reserved          0
//!                                           │  │
//!  payload table: P records of 0x40 bytes ◄─┘  │     entry table: E records of 0x38 ◄─┘
//!  +0x00   4     kind     1 kernel, 2 initrd,        +0x00  32  name (UTF-8, NUL-padded)
//!                         3 dtb, 6 cmdline           +0x20   4  kernel  payload index
//!                         (4, 5: none)               +0x24   4  initrd  payload index or NONE
//!  +0x04   4     flags    bit 0 GZIP                 +0x28   4  dtb     payload index or NONE
//!  +0x08  32     name     UTF-8, NUL-padded          +0x2c   4  cmdline payload index or NONE
//!  +0x28   8     offset   of the data ─────┐         +0x30   4  fallback entry index or NONE
//!  +0x30   8     size     of the data      │         +0x34   4  bootlimit: boots without a
//!  +0x38   4     crc32    of the data      │                    report before the entry has
//!  +0x3c   4     reserved 0                │                    failed, ≤ 255; 0 = default 1
//!                                          │         NONE = 0xffff_ffff
//!                                          ▼
//!  payload data: in payload-table order, each range 8-byte aligned (4 KiB from the builder)
//! ```
//!
//! Rules that [`Bundle::parse`] enforces, so that nothing later has to: the header, the two
//! tables, the signature block (when flagged) and every payload lie inside `total_size`, do not
//! overlap, and start 8-byte aligned; payloads are stored in index order without sharing bytes;
//! names are non-empty UTF-8 with only NULs after the first NUL; unknown kinds, unknown flags and
//! non-zero reserved fields are errors; a boot limit is at most 255 (the state page counts an
//! entry's attempts in one byte); an entry's kernel refers to a kernel payload, its
//! initrd, dtb and cmdline to payloads of that kind; a fallback refers to a *later* entry, so
//! fallback chains always end; command lines are uncompressed UTF-8. Payload CRCs are checked
//! by [`Payload::verify`], one payload at a time.

#[cfg(feature = "alloc")]
mod build;
mod context;
mod error;
pub mod layout;
mod parse;
mod payload;
mod records;
mod span;

#[cfg(feature = "alloc")]
pub use build::{BundleBuilder, EntrySpec};
pub use error::{BundleError, BundleErrorKind, EntryField, NameBytes, NameProblem, Region};
pub use layout::{
    DEFAULT_BOOTLIMIT, HEADER_SIZE, MAGIC, MAX_BOOTLIMIT, NAME_LEN, NONE, OFFSET_ALIGN,
    PAYLOAD_ALIGN, VERSION,
};
pub use payload::{Entry, Payload, PayloadKind};

use core::fmt;

use layout::{RawEntry, RawPayload, NONE as RAW_NONE, PAYLOAD_FLAG_GZIP};
use payload::decode_name;

/// A parsed, checked bundle borrowing its bytes.
#[derive(Clone, Copy)]
pub struct Bundle<'a> {
    /// The bundle's bytes, exactly `total_size` long.
    bytes: &'a [u8],
    /// The payload table.
    payloads: &'a [RawPayload],
    /// The entry table.
    entries: &'a [RawEntry],
    /// Offset of the payload table.
    payload_table_offset: u64,
    /// Offset of the entry table.
    entry_table_offset: u64,
}

impl fmt::Debug for Bundle<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bundle")
            .field("total_size", &self.bytes.len())
            .field("payload_count", &self.payloads.len())
            .field("entry_count", &self.entries.len())
            .finish_non_exhaustive()
    }
}

impl<'a> Bundle<'a> {
    /// Parses the bundle at the start of `bytes`, which may be longer than the bundle.
    ///
    /// Checks the magic, version, header CRC, every table and payload range and every entry
    /// index (see the module documentation), but not the payload CRCs.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, BundleError> {
        parse::parse(bytes)
    }

    /// Size of the bundle in bytes, from its header.
    pub fn total_size(&self) -> usize {
        self.bytes.len()
    }

    /// The bundle's bytes, exactly [`Bundle::total_size`] long.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Number of boot entries (at least one).
    pub fn entry_count(&self) -> usize {
        self.entries.len()
    }

    /// Number of payloads.
    pub fn payload_count(&self) -> usize {
        self.payloads.len()
    }

    /// Offset of the payload table from the start of the bundle.
    pub fn payload_table_offset(&self) -> u64 {
        self.payload_table_offset
    }

    /// Offset of the entry table from the start of the bundle.
    pub fn entry_table_offset(&self) -> u64 {
        self.entry_table_offset
    }

    /// The boot entries, in table order.
    pub fn entries(&self) -> impl Iterator<Item = Entry<'a>> + '_ {
        (0..self.entries.len()).filter_map(|index| self.entry(index))
    }

    /// Entry `index`, if it exists.
    pub fn entry(&self, index: usize) -> Option<Entry<'a>> {
        let raw: &'a RawEntry = self.entries.get(index)?;
        let optional = |value: u32| (value != RAW_NONE).then_some(value as usize);
        Some(Entry {
            name: decode_name(&raw.name).ok()?,
            kernel: raw.kernel.get() as usize,
            initrd: optional(raw.initrd.get()),
            dtb: optional(raw.dtb.get()),
            cmdline: optional(raw.cmdline.get()),
            fallback: optional(raw.fallback.get()),
            bootlimit: match raw.bootlimit.get() {
                0 => DEFAULT_BOOTLIMIT,
                limit => limit,
            },
        })
    }

    /// The first entry called `name`, with its index.
    pub fn entry_by_name(&self, name: &str) -> Option<(usize, Entry<'a>)> {
        self.entries().enumerate().find(|(_, entry)| entry.name == name)
    }

    /// Payload `index`, if it exists. Its CRC is not checked: call [`Payload::verify`].
    pub fn payload(&self, index: usize) -> Option<Payload<'a>> {
        let raw: &'a RawPayload = self.payloads.get(index)?;
        let offset = raw.offset.get();
        let start = usize::try_from(offset).ok()?;
        let end = start.checked_add(usize::try_from(raw.size.get()).ok()?)?;
        Some(Payload {
            index,
            kind: PayloadKind::from_raw(raw.kind.get())?,
            name: decode_name(&raw.name).ok()?,
            offset,
            data: self.bytes.get(start..end)?,
            crc32: raw.crc32.get(),
            gzip: raw.flags.get() & PAYLOAD_FLAG_GZIP != 0,
        })
    }

    /// The payloads, in table order.
    pub fn payloads(&self) -> impl Iterator<Item = Payload<'a>> + '_ {
        (0..self.payloads.len()).filter_map(|index| self.payload(index))
    }
}
