//! Kexec HandOver (KHO, Linux 6.16+): which memory a kernel started by a KHO kexec may use.
//!
//! A kernel that kexecs with KHO preserves pages anywhere in memory for its successor and
//! tells it, in `/chosen` of the DTB it passes on, two (address, size) pairs in the root's
//! `#address-cells`/`#size-cells` (read into [`Summary`](crate::fdt::Summary)):
//!
//! - `linux,kho-fdt`: the KHO FDT (compatible `"kho-v1"`), which names the preserved memory;
//! - `linux,kho-scratch`: not the scratch ranges themselves but an array of
//!   `struct kho_scratch { phys_addr_t addr; phys_addr_t size; }` in memory, 16 bytes per
//!   entry in the CPU's byte order (little-endian on arm64), `size / 16` entries.
//!
//! The scratch ranges are the only memory the previous kernel guarantees holds nothing
//! preserved: it allocates them at boot (`kho_reserve_scratch`: one in low memory, one global,
//! one per NUMA node with memory, each `CMA_MIN_ALIGNMENT_BYTES` aligned) and loads the next
//! kernel's segments into them (`kho_locate_mem_hole`). The next kernel marks them
//! `MEMBLOCK_KHO_SCRATCH` and allocates only there until it has read the preserved-memory map
//! (`kho_populate`, which also reserves the array itself). Sources: `kernel/kexec_handover.c`
//! and `include/linux/kexec_handover.h` (Linux 6.16; `kernel/liveupdate/` since 6.19, same
//! layout), `drivers/of/fdt.c` `early_init_dt_check_kho`, `drivers/of/kexec.c`
//! `kho_add_chosen`.
//!
//! A boot loader between the two kernels must therefore place everything inside the scratch
//! ranges and keep clear of the KHO FDT and the array. [`locate`] checks where the two
//! properties point; [`scratch_ranges`] reads the array's bytes; [`Scratch::within`] gives the
//! placement's DRAM banks.

use crate::MemRange;
use core::fmt;

/// Bytes per `struct kho_scratch` entry: two 64-bit `phys_addr_t` (arm64).
pub const ENTRY_LEN: u64 = 16;
/// Most scratch ranges springboard reads. Linux writes one per NUMA node with memory plus two
/// (`kho_reserve_scratch`); 66 covers 64 nodes (arm64's `NODES_SHIFT` of 6).
pub const MAX_RANGES: usize = 66;
/// Alignment of the array's address: that of `phys_addr_t` (Linux allocates it page aligned
/// and loads it 64 KiB aligned, `kho_fill_kimage`).
pub const ARRAY_ALIGN: u64 = 8;
/// Alignment of every scratch range's address and size: arm64's smallest page, 4 KiB (Linux
/// aligns them to `CMA_MIN_ALIGNMENT_BYTES`, a page block, which is larger).
pub const RANGE_ALIGN: u64 = 4096;

/// Where the two `/chosen` properties point, after [`locate`] checked both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handover {
    /// The KHO FDT (`linux,kho-fdt`).
    pub fdt: MemRange,
    /// The `struct kho_scratch` array (`linux,kho-scratch`).
    pub array: MemRange,
}

impl Handover {
    /// Number of entries in the array.
    pub const fn count(&self) -> u64 {
        self.array.size / ENTRY_LEN
    }
}

/// Why a KHO description is refused, with the values that were wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KhoError {
    /// One of `linux,kho-fdt` and `linux,kho-scratch` without the other: the scratch ranges
    /// (or what is preserved) are unknown.
    Incomplete {
        /// The property that is present.
        present: &'static str,
        /// The one that is missing.
        missing: &'static str,
    },
    /// The KHO FDT is empty or not inside DRAM.
    FdtOutsideDram {
        /// Its address.
        base: u64,
        /// Its size.
        size: u64,
    },
    /// The array's address is not 8-byte aligned.
    ArrayMisaligned {
        /// Its address.
        base: u64,
    },
    /// The array's size is zero or not a multiple of 16 bytes.
    ArrayLength {
        /// Its size.
        size: u64,
    },
    /// The array has more entries than springboard reads.
    TooManyRanges {
        /// Entries in the array.
        count: u64,
        /// [`MAX_RANGES`].
        max: usize,
    },
    /// The array is not inside DRAM.
    ArrayOutsideDram {
        /// Its address.
        base: u64,
        /// Its size.
        size: u64,
    },
    /// A scratch range's address or size is not a multiple of 4 KiB.
    RangeMisaligned {
        /// Offset of the entry in the array.
        offset: usize,
        /// Its `addr`.
        base: u64,
        /// Its `size`.
        size: u64,
    },
    /// A scratch range's end is past the top of the 64-bit address space.
    RangeOverflow {
        /// Offset of the entry in the array.
        offset: usize,
        /// Its `addr`.
        base: u64,
        /// Its `size`.
        size: u64,
    },
    /// A scratch range is not inside DRAM.
    RangeOutsideDram {
        /// Offset of the entry in the array.
        offset: usize,
        /// Its `addr`.
        base: u64,
        /// Its `size`.
        size: u64,
    },
}

impl fmt::Display for KhoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            KhoError::Incomplete { present, missing } => {
                write!(f, "/chosen has {present} but no {missing}")
            }
            KhoError::FdtOutsideDram { base, size } => {
                write!(f, "linux,kho-fdt {base:#x}+{size:#x} is not inside DRAM")
            }
            KhoError::ArrayMisaligned { base } => {
                write!(f, "linux,kho-scratch array at {base:#x} is not 8-byte aligned")
            }
            KhoError::ArrayLength { size } => write!(
                f,
                "linux,kho-scratch array size {size:#x} is not a non-zero multiple of {ENTRY_LEN}"
            ),
            KhoError::TooManyRanges { count, max } => {
                write!(f, "linux,kho-scratch array has {count} entries, more than {max}")
            }
            KhoError::ArrayOutsideDram { base, size } => {
                write!(f, "linux,kho-scratch array {base:#x}+{size:#x} is not inside DRAM")
            }
            KhoError::RangeMisaligned { offset, base, size } => write!(
                f,
                "scratch array offset {offset:#x}: range {base:#x}+{size:#x} is not 4 KiB aligned"
            ),
            KhoError::RangeOverflow { offset, base, size } => write!(
                f,
                "scratch array offset {offset:#x}: range {base:#x}+{size:#x} wraps past the top \
                of memory"
            ),
            KhoError::RangeOutsideDram { offset, base, size } => write!(
                f,
                "scratch array offset {offset:#x}: range {base:#x}+{size:#x} is not inside DRAM"
            ),
        }
    }
}

/// Checks where `linux,kho-fdt` and `linux,kho-scratch` point (both as the summary read
/// them): `Ok(None)` when neither is present, else both inside `dram`, the array 8-byte
/// aligned with 1 to [`MAX_RANGES`] whole entries. The array's bytes can then be read and
/// given to [`scratch_ranges`].
pub fn locate(
    fdt: Option<MemRange>,
    scratch: Option<MemRange>,
    dram: &[MemRange],
) -> Result<Option<Handover>, KhoError> {
    let (fdt, array) = match (fdt, scratch) {
        (None, None) => return Ok(None),
        (Some(fdt), Some(array)) => (fdt, array),
        (Some(_), None) => {
            let (present, missing) = ("linux,kho-fdt", "linux,kho-scratch");
            return Err(KhoError::Incomplete { present, missing });
        }
        (None, Some(_)) => {
            let (present, missing) = ("linux,kho-scratch", "linux,kho-fdt");
            return Err(KhoError::Incomplete { present, missing });
        }
    };
    if fdt.size == 0 || !in_dram(fdt.base, fdt.size, dram) {
        return Err(KhoError::FdtOutsideDram { base: fdt.base, size: fdt.size });
    }
    if array.base % ARRAY_ALIGN != 0 {
        return Err(KhoError::ArrayMisaligned { base: array.base });
    }
    if array.size == 0 || array.size % ENTRY_LEN != 0 {
        return Err(KhoError::ArrayLength { size: array.size });
    }
    let count = array.size / ENTRY_LEN;
    if count > MAX_RANGES as u64 {
        return Err(KhoError::TooManyRanges { count, max: MAX_RANGES });
    }
    if !in_dram(array.base, array.size, dram) {
        return Err(KhoError::ArrayOutsideDram { base: array.base, size: array.size });
    }
    Ok(Some(Handover { fdt, array }))
}

/// The scratch ranges, in array order, without empty ones (Linux's `memblock_add` of an empty
/// range adds nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scratch {
    ranges: [MemRange; MAX_RANGES],
    len: usize,
}

/// Reads the `struct kho_scratch` array `bytes` (as [`locate`] found it): every range 4 KiB
/// aligned, not wrapping, and inside `dram`.
pub fn scratch_ranges(bytes: &[u8], dram: &[MemRange]) -> Result<Scratch, KhoError> {
    let size = bytes.len() as u64;
    if size == 0 || size % ENTRY_LEN != 0 {
        return Err(KhoError::ArrayLength { size });
    }
    let count = size / ENTRY_LEN;
    if count > MAX_RANGES as u64 {
        return Err(KhoError::TooManyRanges { count, max: MAX_RANGES });
    }
    let mut scratch = Scratch { ranges: [MemRange::default(); MAX_RANGES], len: 0 };
    for (i, entry) in bytes.chunks_exact(ENTRY_LEN as usize).enumerate() {
        let offset = i * ENTRY_LEN as usize;
        let (addr, len) = entry.split_at(8);
        let base = u64::from_le_bytes(addr.try_into().unwrap_or_default());
        let size = u64::from_le_bytes(len.try_into().unwrap_or_default());
        if base % RANGE_ALIGN != 0 || size % RANGE_ALIGN != 0 {
            return Err(KhoError::RangeMisaligned { offset, base, size });
        }
        if base.checked_add(size).is_none() {
            return Err(KhoError::RangeOverflow { offset, base, size });
        }
        if size == 0 {
            continue;
        }
        if !in_dram(base, size, dram) {
            return Err(KhoError::RangeOutsideDram { offset, base, size });
        }
        // `count <= MAX_RANGES`, so there is a slot.
        scratch.ranges[scratch.len] = MemRange { base, size };
        scratch.len += 1;
    }
    Ok(scratch)
}

impl Scratch {
    /// The non-empty ranges, in array order.
    pub fn as_slice(&self) -> &[MemRange] {
        &self.ranges[..self.len]
    }

    /// Whether `range` lies inside one scratch range (a range whose end wraps lies in none).
    pub fn contains(&self, range: MemRange) -> bool {
        range.checked_end().is_some() && self.as_slice().iter().any(|r| r.contains(&range))
    }

    /// The parts of the scratch ranges inside `banks`: the DRAM banks a placement may use.
    /// At most [`MAX_RANGES`] parts are kept; any more are left out, which only narrows the
    /// search.
    pub fn within(&self, banks: &[MemRange]) -> Banks {
        let mut out = Banks { banks: [MemRange::default(); MAX_RANGES], len: 0 };
        for r in self.as_slice() {
            for part in banks.iter().filter_map(|b| r.intersect(b)) {
                if out.len < MAX_RANGES {
                    out.banks[out.len] = part;
                    out.len += 1;
                }
            }
        }
        out
    }
}

/// Placement banks from [`Scratch::within`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Banks {
    banks: [MemRange; MAX_RANGES],
    len: usize,
}

impl Banks {
    /// The banks, for [`Request::dram`](crate::placement::Request::dram).
    pub fn as_slice(&self) -> &[MemRange] {
        &self.banks[..self.len]
    }
}

/// Whether every byte of `[base, base + size)` lies in one of `dram`'s ranges (adjacent
/// ranges may share the job). An empty range or one that wraps is not.
fn in_dram(base: u64, size: u64, dram: &[MemRange]) -> bool {
    let Some(end) = base.checked_add(size) else { return false };
    if size == 0 {
        return false;
    }
    let mut at = base;
    while at < end {
        match dram.iter().find(|d| d.base <= at && at < d.end()) {
            Some(d) => at = d.end(),
            None => return false,
        }
    }
    true
}
