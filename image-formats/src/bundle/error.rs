//! Errors of the bundle parser, verifier and builder: every one names the offset in the bundle
//! and the values that were wrong.

use core::fmt;

pub use super::context::{EntryField, NameBytes, NameProblem, Region};
use super::PayloadKind;

/// An error found in a bundle, at a byte offset from the start of the bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BundleError {
    /// Offset of the offending field or data from the start of the bundle.
    pub offset: u64,
    /// What was wrong.
    pub kind: BundleErrorKind,
}

impl BundleError {
    /// Builds an error at `offset`.
    pub const fn new(offset: u64, kind: BundleErrorKind) -> Self {
        Self { offset, kind }
    }
}

/// What was wrong with a bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BundleErrorKind {
    /// The buffer ends before `needed` bytes.
    Truncated {
        /// Bytes the bundle needs.
        needed: u64,
        /// Bytes the buffer holds.
        available: u64,
    },
    /// The magic is not [`super::MAGIC`].
    BadMagic {
        /// The eight bytes found.
        found: [u8; 8],
    },
    /// The format version is not [`super::VERSION`].
    UnsupportedVersion {
        /// The version found.
        found: u32,
    },
    /// The header size is not [`super::HEADER_SIZE`].
    BadHeaderSize {
        /// The header size found.
        found: u32,
    },
    /// The total size is smaller than the header.
    TotalSizeTooSmall {
        /// The total size found.
        found: u64,
    },
    /// The header CRC32 does not match.
    HeaderCrcMismatch {
        /// CRC32 stored in the header.
        expected: u32,
        /// CRC32 computed over header and tables.
        actual: u32,
    },
    /// Flags that version 1 does not define are set.
    UnknownFlags {
        /// The whole flags word.
        flags: u32,
    },
    /// A reserved field is not zero.
    ReservedNotZero {
        /// The value found.
        value: u64,
    },
    /// The signature block fields are set although the header flag says unsigned.
    UnexpectedSignature {
        /// Signature offset found.
        offset: u64,
        /// Signature size found.
        size: u64,
    },
    /// The signed flag is set, and springboard does not verify signatures yet: a bundle that
    /// asks to be verified is refused rather than booted unverified (fail closed).
    SignatureNotVerified,
    /// `start + size` overflows a `u64`.
    RangeOverflow {
        /// The region.
        region: Region,
        /// Its start.
        start: u64,
        /// Its size.
        size: u64,
    },
    /// A region ends beyond the bundle's total size.
    RangeOutOfBounds {
        /// The region.
        region: Region,
        /// Its end (exclusive).
        end: u64,
        /// The bundle's total size.
        total_size: u64,
    },
    /// A region does not start on an [`super::OFFSET_ALIGN`] boundary.
    Misaligned {
        /// The region.
        region: Region,
        /// Its start.
        start: u64,
    },
    /// Two regions share bytes.
    Overlap {
        /// The region being checked.
        region: Region,
        /// The region it overlaps.
        other: Region,
        /// Start of the checked region.
        start: u64,
        /// Start of the other region.
        other_start: u64,
    },
    /// A payload starts before the end of the previous one (payloads are stored in index order).
    PayloadOutOfOrder {
        /// The payload.
        index: usize,
        /// Its start.
        start: u64,
        /// End of the previous payload.
        previous_end: u64,
    },
    /// The bundle has no boot entry.
    NoEntries,
    /// The builder was given more records than a table can count.
    TooManyRecords {
        /// The table.
        table: Region,
        /// Number of records given.
        count: u64,
    },
    /// The payload kind number is not defined.
    UnknownPayloadKind {
        /// The payload.
        index: usize,
        /// The kind number found.
        kind: u32,
    },
    /// A name field is not a valid name.
    BadName {
        /// The table region holding the record (payload or entry table).
        table: Region,
        /// Index of the record.
        index: usize,
        /// What is wrong with it.
        problem: NameProblem,
    },
    /// An entry field refers to a payload or entry that does not exist.
    BadEntryIndex {
        /// The entry.
        entry: usize,
        /// The field.
        field: EntryField,
        /// The index found.
        value: u32,
        /// Number of payloads (or entries, for the fallback).
        count: u32,
    },
    /// An entry field refers to a payload of the wrong kind.
    WrongPayloadKind {
        /// The entry.
        entry: usize,
        /// The field.
        field: EntryField,
        /// The payload it refers to.
        payload: usize,
        /// That payload's kind.
        found: PayloadKind,
    },
    /// A fallback does not point to a later entry (fallbacks go forward, so chains end).
    FallbackNotForward {
        /// The entry.
        entry: usize,
        /// Its fallback index.
        fallback: u32,
    },
    /// An entry's boot limit is larger than the state page can count.
    BadBootlimit {
        /// The entry.
        entry: usize,
        /// The limit found.
        value: u32,
    },
    /// A command-line payload is compressed or not valid UTF-8.
    BadCmdline {
        /// The payload.
        index: usize,
        /// Position of the first invalid byte in the data, or `None` when it is gzip-flagged.
        invalid_at: Option<usize>,
    },
    /// A payload's data does not match its CRC32.
    PayloadCrcMismatch {
        /// The payload.
        index: usize,
        /// Its name.
        name: NameBytes,
        /// Its size.
        size: u64,
        /// CRC32 in the payload table.
        expected: u32,
        /// CRC32 of the data.
        actual: u32,
    },
}

impl fmt::Display for BundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bundle: offset {:#x}: ", self.offset)?;
        fmt::Display::fmt(&self.kind, f)
    }
}

impl fmt::Display for BundleErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use BundleErrorKind as K;
        match *self {
            K::Truncated { needed, available } => {
                write!(f, "truncated: needs {needed:#x} bytes, buffer has {available:#x}")
            }
            K::BadMagic { found } => {
                write!(f, "bad magic {found:02x?}, expected {:02x?}", super::MAGIC)
            }
            K::UnsupportedVersion { found } => {
                write!(f, "unsupported format version {found}, expected {}", super::VERSION)
            }
            K::BadHeaderSize { found } => {
                write!(f, "header size {found:#x}, expected {:#x}", super::HEADER_SIZE)
            }
            K::TotalSizeTooSmall { found } => {
                write!(f, "total size {found:#x} is smaller than the header")
            }
            K::HeaderCrcMismatch { expected, actual } => {
                write!(f, "header CRC32 {actual:#010x} != expected {expected:#010x}")
            }
            K::UnknownFlags { flags } => write!(f, "unknown flags in {flags:#x}"),
            K::ReservedNotZero { value } => write!(f, "reserved field is {value:#x}, must be 0"),
            K::UnexpectedSignature { offset, size } => write!(
                f,
                "signature offset {offset:#x} size {size:#x} set but the signed flag is clear"
            ),
            K::SignatureNotVerified => write!(
                f,
                "the signed flag is set, but this springboard cannot verify signatures: refused"
            ),
            K::RangeOverflow { region, start, size } => {
                write!(f, "{region}: start {start:#x} + size {size:#x} overflows")
            }
            K::RangeOutOfBounds { region, end, total_size } => {
                write!(f, "{region}: ends at {end:#x}, past total size {total_size:#x}")
            }
            K::Misaligned { region, start } => {
                write!(f, "{region}: start {start:#x} is not {}-byte aligned", super::OFFSET_ALIGN)
            }
            K::Overlap { region, other, start, other_start } => {
                write!(f, "{region} at {start:#x} overlaps {other} at {other_start:#x}")
            }
            K::PayloadOutOfOrder { index, start, previous_end } => write!(
                f,
                "payload {index}: starts at {start:#x}, before the previous payload's end \
                {previous_end:#x}"
            ),
            K::NoEntries => f.write_str("bundle has no boot entry"),
            K::TooManyRecords { table, count } => write!(f, "{table}: {count} records do not fit"),
            K::UnknownPayloadKind { index, kind } => {
                write!(f, "payload {index}: unknown kind {kind}")
            }
            K::BadName { table, index, problem } => {
                let what = if table == Region::EntryTable { "entry" } else { "payload" };
                write!(f, "{what} {index}: name {problem}")
            }
            K::BadEntryIndex { entry, field, value, count } => {
                write!(f, "entry {entry}: {field} index {value:#x} out of range (count {count})")
            }
            K::WrongPayloadKind { entry, field, payload, found } => {
                write!(f, "entry {entry}: {field} refers to payload {payload} of kind {found}")
            }
            K::FallbackNotForward { entry, fallback } => {
                write!(f, "entry {entry}: fallback {fallback} must be a later entry")
            }
            K::BadBootlimit { entry, value } => write!(
                f,
                "entry {entry}: boot limit {value} is more than {}",
                super::layout::MAX_BOOTLIMIT
            ),
            K::BadCmdline { index, invalid_at: Some(at) } => {
                write!(f, "payload {index}: cmdline is not UTF-8 (byte {at})")
            }
            K::BadCmdline { index, invalid_at: None } => {
                write!(f, "payload {index}: cmdline must not be gzip-compressed")
            }
            K::PayloadCrcMismatch { index, name, size, expected, actual } => write!(
                f,
                "payload {index} '{name}' ({size:#x} bytes): CRC32 {actual:#010x} != expected \
                {expected:#010x}"
            ),
        }
    }
}

impl core::error::Error for BundleError {}
