//! The context that bundle errors carry: which region, which entry field, which name, and
//! what was wrong with a name.

use core::fmt;

use super::layout::NAME_LEN;

/// A part of a bundle, as named in errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Region {
    /// The fixed header at offset 0.
    Header,
    /// The payload table.
    PayloadTable,
    /// The entry table.
    EntryTable,
    /// The (reserved) signature block.
    Signature,
    /// The data of payload `n`.
    Payload(usize),
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Region::Header => f.write_str("header"),
            Region::PayloadTable => f.write_str("payload table"),
            Region::EntryTable => f.write_str("entry table"),
            Region::Signature => f.write_str("signature block"),
            Region::Payload(n) => write!(f, "payload {n}"),
        }
    }
}

/// A field of an entry that refers to another record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryField {
    /// The kernel payload index.
    Kernel,
    /// The initrd payload index.
    Initrd,
    /// The DTB payload index.
    Dtb,
    /// The command-line payload index.
    Cmdline,
    /// The fallback entry index.
    Fallback,
}

impl fmt::Display for EntryField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EntryField::Kernel => "kernel",
            EntryField::Initrd => "initrd",
            EntryField::Dtb => "dtb",
            EntryField::Cmdline => "cmdline",
            EntryField::Fallback => "fallback",
        })
    }
}

/// A copy of a record's name, kept in errors so they need no lifetime.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameBytes(pub [u8; NAME_LEN]);

impl NameBytes {
    /// Copies at most [`NAME_LEN`] bytes of `name`.
    pub fn from_str_lossy(name: &str) -> Self {
        let mut bytes = [0u8; NAME_LEN];
        let n = name.len().min(NAME_LEN);
        bytes[..n].copy_from_slice(&name.as_bytes()[..n]);
        Self(bytes)
    }
}

impl fmt::Display for NameBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = self.0.iter().position(|&b| b == 0).unwrap_or(NAME_LEN);
        for chunk in self.0[..end].utf8_chunks() {
            f.write_str(chunk.valid())?;
            for byte in chunk.invalid() {
                write!(f, "\\x{byte:02x}")?;
            }
        }
        Ok(())
    }
}

/// Why a name field was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameProblem {
    /// The name is empty (its first byte is NUL).
    Empty,
    /// The name is not valid UTF-8; the first bad byte is at this position in the field.
    NotUtf8 {
        /// Position of the first invalid byte inside the name field.
        at: usize,
    },
    /// A non-NUL byte follows the NUL padding, at this position in the field.
    BytesAfterNul {
        /// Position of the stray byte inside the name field.
        at: usize,
    },
    /// The name given to the builder is longer than [`NAME_LEN`] bytes.
    TooLong {
        /// Length of the name in bytes.
        len: usize,
    },
    /// The name given to the builder contains a NUL byte at this position.
    ContainsNul {
        /// Position of the NUL byte.
        at: usize,
    },
    /// Another entry already has this name (builder only).
    Duplicate {
        /// Index of the earlier entry with the same name.
        first: usize,
    },
}

impl fmt::Display for NameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Empty => f.write_str("is empty"),
            Self::NotUtf8 { at } => write!(f, "is not UTF-8 (byte {at})"),
            Self::BytesAfterNul { at } => {
                write!(f, "has a non-NUL byte after its end (byte {at})")
            }
            Self::TooLong { len } => {
                write!(f, "is {len} bytes, longer than {NAME_LEN}")
            }
            Self::ContainsNul { at } => write!(f, "contains a NUL byte (byte {at})"),
            Self::Duplicate { first } => write!(f, "duplicates entry {first}"),
        }
    }
}
