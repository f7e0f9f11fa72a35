//! Why [`plan`](super::plan) found no placement.

use core::fmt;

use super::{DTB_MAX_SIZE, INITRD_WINDOW_ALIGN, INITRD_WINDOW_SIZE};

/// Why no placement exists, with the values that made it impossible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlacementError {
    /// The kernel's footprint is zero: there is nothing to place.
    EmptyKernel {
        /// The requested load offset.
        load_offset: u64,
    },
    /// No 2 MiB-aligned base in DRAM (in the lowest bank only, when the image may not be
    /// placed anywhere) leaves the image's footprint free and inside one bank.
    NoRoomForKernel {
        /// Offset of the image from its base.
        load_offset: u64,
        /// Bytes needed from the image's start.
        footprint: u64,
        /// Whether every bank was searched (flags bit 3), or only the lowest.
        anywhere: bool,
    },
    /// The kernel fits somewhere, but nowhere in one 1 GiB-aligned 32 GiB window with the
    /// initrd.
    InitrdOutOfWindow {
        /// Where the initrd is.
        initrd_base: u64,
        /// Its size.
        initrd_size: u64,
        /// Bytes the kernel image needs.
        footprint: u64,
    },
    /// The initrd's end is past the top of the 64-bit address space.
    InitrdOverflow {
        /// Where the initrd is.
        initrd_base: u64,
        /// Its size.
        initrd_size: u64,
    },
    /// The DTB size is zero.
    DtbEmpty,
    /// The DTB is larger than booting.rst's 2 MiB limit.
    DtbTooLarge {
        /// The requested size.
        size: u64,
    },
    /// No 8-byte aligned place in DRAM holds the DTB inside one 2 MiB block, clear of the
    /// kernel and every occupied region.
    NoRoomForDtb {
        /// The requested size.
        size: u64,
    },
    /// No 4 KiB-aligned place in DRAM holds a copy of the initrd, clear of the planned kernel
    /// and DTB and every occupied region, in one window with the kernel.
    NoRoomForInitrdCopy {
        /// The initrd's size.
        size: u64,
    },
}

impl fmt::Display for PlacementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PlacementError::EmptyKernel { load_offset } => {
                write!(f, "kernel footprint is 0 (load offset {load_offset:#x}): nothing to place")
            }
            PlacementError::NoRoomForKernel { load_offset, footprint, anywhere } => write!(
                f,
                "no room for the kernel: {footprint:#x} bytes at {load_offset:#x} above a \
                2 MiB-aligned base, {}",
                if anywhere {
                    "in any DRAM bank"
                } else {
                    "in the lowest DRAM bank (image flags bit 3 clear)"
                }
            ),
            PlacementError::InitrdOutOfWindow { initrd_base, initrd_size, footprint } => write!(
                f,
                "initrd at {initrd_base:#x} ({initrd_size:#x} bytes) and a kernel of \
                {footprint:#x} bytes fit in no {:#x}-aligned window of {:#x} bytes",
                INITRD_WINDOW_ALIGN, INITRD_WINDOW_SIZE
            ),
            PlacementError::InitrdOverflow { initrd_base, initrd_size } => write!(
                f,
                "initrd at {initrd_base:#x} ({initrd_size:#x} bytes) ends past the top of the \
                address space"
            ),
            PlacementError::DtbEmpty => f.write_str("DTB size is 0"),
            PlacementError::DtbTooLarge { size } => {
                write!(f, "DTB of {size:#x} bytes is larger than the {DTB_MAX_SIZE:#x}-byte limit")
            }
            PlacementError::NoRoomForDtb { size } => write!(
                f,
                "no room for a DTB of {size:#x} bytes: no free 8-byte aligned place in DRAM \
                inside one 2 MiB block"
            ),
            PlacementError::NoRoomForInitrdCopy { size } => write!(
                f,
                "no room for a copy of the initrd ({size:#x} bytes): no free 4 KiB-aligned place \
                in DRAM in the kernel's {:#x}-byte window",
                INITRD_WINDOW_SIZE
            ),
        }
    }
}

impl core::error::Error for PlacementError {}
