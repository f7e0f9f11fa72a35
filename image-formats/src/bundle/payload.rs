//! Payloads and boot entries as the parser hands them out, and payload CRC verification.

use core::fmt;

use super::error::{BundleError, BundleErrorKind, NameBytes, NameProblem};
use super::layout::NAME_LEN;

/// What a payload holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PayloadKind {
    /// A Linux arm64 `Image` (possibly gzip-compressed).
    Kernel,
    /// An initial RAM disk, handed to the kernel in place.
    Initrd,
    /// A flattened device tree blob.
    Dtb,
    /// A kernel command line, UTF-8 text.
    Cmdline,
}

impl PayloadKind {
    /// Every kind, in the order of their numbers.
    pub const ALL: [PayloadKind; 4] =
        [PayloadKind::Kernel, PayloadKind::Initrd, PayloadKind::Dtb, PayloadKind::Cmdline];

    /// The number stored in the payload table (4 and 5, once a DTB overlay and an ELF
    /// executable, were never produced nor booted, and are now unknown kinds).
    pub const fn to_raw(self) -> u32 {
        match self {
            PayloadKind::Kernel => 1,
            PayloadKind::Initrd => 2,
            PayloadKind::Dtb => 3,
            PayloadKind::Cmdline => 6,
        }
    }

    /// The kind stored as `raw`, if it is defined.
    pub const fn from_raw(raw: u32) -> Option<Self> {
        Some(match raw {
            1 => PayloadKind::Kernel,
            2 => PayloadKind::Initrd,
            3 => PayloadKind::Dtb,
            6 => PayloadKind::Cmdline,
            _ => return None,
        })
    }

    /// Short lower-case name, as printed by [`fmt::Display`].
    pub const fn as_str(self) -> &'static str {
        match self {
            PayloadKind::Kernel => "kernel",
            PayloadKind::Initrd => "initrd",
            PayloadKind::Dtb => "dtb",
            PayloadKind::Cmdline => "cmdline",
        }
    }
}

impl fmt::Display for PayloadKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One payload of a parsed bundle. Its range has been checked; its CRC32 has not (see
/// [`Payload::verify`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Payload<'a> {
    /// Index in the payload table.
    pub index: usize,
    /// What the payload holds.
    pub kind: PayloadKind,
    /// Its name.
    pub name: &'a str,
    /// Offset of its data from the start of the bundle.
    pub offset: u64,
    /// Its data, as stored (compressed when `gzip`).
    pub data: &'a [u8],
    /// CRC32 of `data` recorded in the payload table.
    pub crc32: u32,
    /// Whether `data` is gzip-compressed.
    pub gzip: bool,
}

impl Payload<'_> {
    /// Checks the data against the recorded CRC32.
    pub fn verify(&self) -> Result<(), BundleError> {
        self.check_crc32(crc32fast::hash(self.data))
    }

    /// Checks a CRC32 (IEEE) that the caller computed over the data (the firmware computes it
    /// with the CPU's CRC32 instructions) against the recorded one.
    pub fn check_crc32(&self, actual: u32) -> Result<(), BundleError> {
        if actual == self.crc32 {
            return Ok(());
        }
        Err(BundleError::new(
            self.offset,
            BundleErrorKind::PayloadCrcMismatch {
                index: self.index,
                name: NameBytes::from_str_lossy(self.name),
                size: self.data.len() as u64,
                expected: self.crc32,
                actual,
            },
        ))
    }

    /// The data as text, for a command-line payload (checked to be UTF-8 by the parser).
    pub fn as_cmdline(&self) -> Option<&str> {
        if self.kind != PayloadKind::Cmdline {
            return None;
        }
        core::str::from_utf8(self.data).ok()
    }
}

/// One boot entry of a parsed bundle. Every index has been checked: payload indices refer to
/// payloads of the right kind, and `fallback` refers to a later entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    /// Its name (unique names are recommended; lookups take the first match).
    pub name: &'a str,
    /// Index of the kernel payload (kind kernel or elf).
    pub kernel: usize,
    /// Index of the initrd payload.
    pub initrd: Option<usize>,
    /// Index of the DTB payload.
    pub dtb: Option<usize>,
    /// Index of the command-line payload.
    pub cmdline: Option<usize>,
    /// Index of the entry to try when this one fails.
    pub fallback: Option<usize>,
    /// Boots without a report before this entry counts as failed (1 to
    /// [`super::MAX_BOOTLIMIT`]; a record's 0 reads as [`super::DEFAULT_BOOTLIMIT`]).
    pub bootlimit: u32,
}

/// Reads a NUL-padded UTF-8 name field: non-empty, valid UTF-8, only NULs after the first NUL.
pub(crate) fn decode_name(field: &[u8; NAME_LEN]) -> Result<&str, NameProblem> {
    let end = field.iter().position(|&b| b == 0).unwrap_or(NAME_LEN);
    if end == 0 {
        return Err(NameProblem::Empty);
    }
    if let Some(stray) = field[end..].iter().position(|&b| b != 0) {
        return Err(NameProblem::BytesAfterNul { at: end + stray });
    }
    core::str::from_utf8(&field[..end]).map_err(|e| NameProblem::NotUtf8 { at: e.valid_up_to() })
}
