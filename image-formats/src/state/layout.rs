//! The state page's bytes: a little-endian record at the start of the page after the resident
//! stub, protected by a CRC32, that survives soft restarts, `kexec` and QEMU's system reset
//! (which keeps RAM).
//!
//! ```text
//! 0x00  magic "SPRSTATE"          0x28  current entry (u32, NONE)
//! 0x08  version (u32) = 2         0x2c  mode (u32: 0 single, 1 sequence)
//! 0x0c  CRC32 of 0x00..0xc8,      0x30  bundle id: header CRC32 (u32)
//!       this field as 0           0x34  reserved (u32) = 0
//! 0x10  boot counter (u64,        0x38  seed (32 bytes)
//!       saturating)               0x58  outcome per entry (56 bytes:
//! 0x18  resident bundle base            0 untried, 1 booting, 2 passed, 3 failed)
//! 0x20  resident bundle size      0x90  attempts per entry (56 bytes, saturating at 255)
//! ```
//!
//! Version 2 added the attempt counts (for the bundle's per-entry `bootlimit`). A version 1
//! record is not read: the start that finds one begins with a fresh record, as on a cold boot.

use zerocopy::little_endian::{U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// The first eight bytes of a valid state record.
pub const MAGIC: [u8; 8] = *b"SPRSTATE";
/// The record version this module reads and writes.
pub const VERSION: u32 = 2;
/// Entries whose outcome the record keeps.
pub const MAX_ENTRIES: usize = 56;
/// Marks "no entry".
pub const NONE: u32 = u32::MAX;

/// The state record as stored.
#[derive(Clone, Copy, FromBytes, IntoBytes, Immutable, KnownLayout, Unaligned)]
#[repr(C)]
pub struct RawState {
    /// 0x00: [`MAGIC`].
    pub magic: [u8; 8],
    /// 0x08: [`VERSION`].
    pub version: U32,
    /// 0x0c: CRC32 (IEEE) of the record with this field zero.
    pub crc32: U32,
    /// 0x10: springboard starts that found this record valid (stops at `u64::MAX`).
    pub boot_counter: U64,
    /// 0x18: physical address of the bundle kept resident (0: none).
    pub bundle_base: U64,
    /// 0x20: its size.
    pub bundle_size: U64,
    /// 0x28: the entry being tried, or [`NONE`].
    pub current: U32,
    /// 0x2c: 0 = single entry (with fallbacks), 1 = sequence (every entry in turn).
    pub mode: U32,
    /// 0x30: the bundle's header CRC32, to notice a different bundle.
    pub bundle_id: U32,
    /// 0x34: zero.
    pub reserved: U32,
    /// 0x38: the kept seed, mixed with fresh material at every start, for `rng-seed` and
    /// `kaslr-seed` without RNDR.
    pub seed: [u8; 32],
    /// 0x58: per-entry outcome codes.
    pub outcome: [u8; MAX_ENTRIES],
    /// 0x90: per-entry boots since its last pass report (saturating at 255).
    pub attempts: [u8; MAX_ENTRIES],
}

/// Size of the record in bytes.
pub const STATE_SIZE: usize = 0xc8;
const _: () = assert!(core::mem::size_of::<RawState>() == STATE_SIZE);
