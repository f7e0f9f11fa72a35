//! Where the kernel and the DTB go: a pure function from DRAM, what is already occupied and what
//! must be placed, to a [`Plan`] or a [`PlacementError`].
//!
//! Rules from Linux `Documentation/arch/arm64/booting.rst` (Linux 6.12):
//!
//! - The kernel base is 2 MiB aligned; the image starts `load_offset` bytes above it and needs
//!   `footprint` bytes free from there. springboard also keeps the whole
//!   `[base, base + load_offset + footprint)` inside one DRAM bank.
//! - Flags bit 3 clear: "as close as possible to the start of system RAM" — the lowest base in
//!   the lowest DRAM bank, or an error. Set: the lowest base in any bank. Both are first fit from
//!   the bottom.
//! - An initrd must lie, with the kernel image, in one 1 GiB-aligned window of up to 32 GiB.
//! - The DTB is 8-byte aligned, at most 2 MiB, and (springboard's rule, so that one 2 MiB block
//!   maps it) does not cross a 2 MiB boundary. It goes into the lowest 2 MiB-aligned slot above
//!   the kernel, else the lowest 8-byte aligned place that fits.
//!
//! Nothing placed overlaps an occupied region, the initrd, or the other placed range. All
//! arithmetic is checked: a range that would reach past `u64::MAX` does not fit; a DRAM bank or
//! occupied region whose end wraps is taken to extend to the top of the address space, and an
//! initrd whose end wraps is an error.

mod error;
mod search;

pub use error::PlacementError;

use crate::MemRange;
use search::Obstacles;

/// Alignment of the kernel base (booting.rst: "a 2MB aligned base address").
pub const KERNEL_ALIGN: u64 = 2 << 20;
/// Alignment of the DTB (booting.rst: "placed on an 8-byte boundary").
pub const DTB_ALIGN: u64 = 8;
/// Largest DTB (booting.rst: "must not exceed 2 megabytes in size"); no DTB crosses a multiple
/// of it either.
pub const DTB_MAX_SIZE: u64 = 2 << 20;
/// Alignment of the window that must hold the initrd and the kernel image (booting.rst: "a
/// 1 GB aligned physical memory window").
pub const INITRD_WINDOW_ALIGN: u64 = 1 << 30;
/// Size of that window (booting.rst: "of up to 32 GB in size").
pub const INITRD_WINDOW_SIZE: u64 = 32 << 30;

/// A range of memory that must not be overwritten, with what holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InUse {
    /// The bytes.
    pub range: MemRange,
    /// What lives there, for messages: `"springboard"`, `"stub"`, `"dtb"`, `"bundle"`,
    /// `"memreserve"`, `"reserved-memory"`, ...
    pub what: &'static str,
}

/// What the kernel Image needs, from its header ([`ImageHeader`](crate::image::ImageHeader)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KernelRequest {
    /// Offset of the image from its 2 MiB-aligned base
    /// ([`ImageHeader::load_offset`](crate::image::ImageHeader::load_offset)).
    pub load_offset: u64,
    /// Bytes that must be free from the image's start
    /// ([`ImageHeader::footprint`](crate::image::ImageHeader::footprint)).
    pub footprint: u64,
    /// Flags bit 3: the image may be placed anywhere in DRAM
    /// ([`ImageHeader::anywhere`](crate::image::ImageHeader::anywhere)).
    pub anywhere: bool,
}

/// Everything [`plan`] needs.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The DRAM banks, in any order.
    pub dram: &'a [MemRange],
    /// Memory already in use. Zero-sized regions are ignored.
    pub occupied: &'a [InUse],
    /// The kernel to place.
    pub kernel: KernelRequest,
    /// Bytes to reserve for the DTB: the size the patched DTB may grow to.
    pub dtb_size: u64,
    /// An initrd already in memory, handed over where it is. It is never overwritten, and the
    /// kernel image is placed in one 1 GiB-aligned 32 GiB window with it. An empty one
    /// constrains nothing.
    pub initrd: Option<MemRange>,
}

/// Where the kernel and the DTB go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// The kernel's 2 MiB-aligned base.
    pub kernel_base: u64,
    /// Where the image is copied and entered: `kernel_base + load_offset`.
    pub kernel_entry: u64,
    /// End (exclusive) of the kernel's footprint: `kernel_entry + footprint`.
    pub kernel_end: u64,
    /// Where the DTB goes: 8-byte aligned, `dtb_size` bytes, within one 2 MiB block.
    pub dtb: u64,
}

/// Chooses the kernel's base and the DTB's address, or says why no placement exists.
pub fn plan(req: &Request) -> Result<Plan, PlacementError> {
    let kernel = req.kernel;
    if kernel.footprint == 0 {
        return Err(PlacementError::EmptyKernel { load_offset: kernel.load_offset });
    }
    if req.dtb_size == 0 {
        return Err(PlacementError::DtbEmpty);
    }
    if req.dtb_size > DTB_MAX_SIZE {
        return Err(PlacementError::DtbTooLarge { size: req.dtb_size });
    }
    let initrd = match req.initrd {
        Some(r) if r.size != 0 => match r.base.checked_add(r.size) {
            Some(end) => Some(MemRange::from_bounds(r.base, end)),
            None => {
                return Err(PlacementError::InitrdOverflow {
                    initrd_base: r.base,
                    initrd_size: r.size,
                })
            }
        },
        _ => None,
    };

    let obstacles = Obstacles::new(req.occupied, initrd);
    let kernel_base = place_kernel(req, initrd, &obstacles)?;
    // Both additions were checked by the search.
    let kernel_entry = kernel_base + kernel.load_offset;
    let kernel_end = kernel_entry + kernel.footprint;

    let obstacles = obstacles.with(MemRange::from_bounds(kernel_entry, kernel_end));
    let dtb = place_dtb(req.dram, req.dtb_size, kernel_end, &obstacles)?;
    Ok(Plan { kernel_base, kernel_entry, kernel_end, dtb })
}

/// The lowest kernel base allowed by the request's placement flag.
fn place_kernel(
    req: &Request,
    initrd: Option<MemRange>,
    obstacles: &Obstacles,
) -> Result<u64, PlacementError> {
    let kernel = req.kernel;
    let banks = req.dram.iter().filter(|b| b.size != 0);
    let first_bank = banks.clone().min_by_key(|b| b.base);
    let mut best: Option<u64> = None;
    let mut window_missed = false;
    for bank in banks.filter(|b| kernel.anywhere || Some(*b) == first_bank) {
        let bank = MemRange::new(bank.base, bank.size);
        match search::lowest_kernel_base(bank, &kernel, obstacles, initrd) {
            Ok(base) => best = Some(best.map_or(base, |b| b.min(base))),
            Err(search::KernelMiss { window }) => window_missed |= window,
        }
    }
    match (best, initrd) {
        (Some(base), _) => Ok(base),
        (None, Some(initrd)) if window_missed => Err(PlacementError::InitrdOutOfWindow {
            initrd_base: initrd.base,
            initrd_size: initrd.end() - initrd.base,
            footprint: kernel.footprint,
        }),
        (None, _) => Err(PlacementError::NoRoomForKernel {
            load_offset: kernel.load_offset,
            footprint: kernel.footprint,
            anywhere: kernel.anywhere,
        }),
    }
}

/// Alignment of an initrd copy: a page.
pub const INITRD_COPY_ALIGN: u64 = 4096;

/// Where to copy an initrd of `size` bytes that the kernel must not be given in place (a
/// bundle kept resident holds it: Linux frees its initrd after unpacking, and refuses a
/// `no-map` reservation that overlaps it): the lowest 4 KiB-aligned address in DRAM clear of
/// everything `req` names as occupied, the in-place initrd, and `plan`'s kernel image and DTB
/// (`req.dtb_size` bytes), in one 1 GiB-aligned 32 GiB window with the kernel image.
pub fn place_initrd_copy(req: &Request, plan: &Plan, size: u64) -> Result<u64, PlacementError> {
    let kernel = MemRange::from_bounds(plan.kernel_entry, plan.kernel_end);
    let dtb_end = plan.dtb.saturating_add(req.dtb_size);
    let in_place =
        req.initrd.and_then(|r| Some(MemRange::from_bounds(r.base, r.base.checked_add(r.size)?)));
    let obstacles = Obstacles::new(req.occupied, in_place)
        .with(kernel)
        .with(MemRange::from_bounds(plan.dtb, dtb_end));
    let fail = PlacementError::NoRoomForInitrdCopy { size };
    if size == 0 {
        return Err(fail);
    }
    req.dram
        .iter()
        .filter(|b| b.size != 0)
        .filter_map(|b| {
            let bank = MemRange::new(b.base, b.size);
            search::lowest_copy(bank, INITRD_COPY_ALIGN, size, &obstacles, kernel)
        })
        .min()
        .ok_or(fail)
}

/// The lowest 2 MiB-aligned slot above the kernel, else the lowest place that fits.
fn place_dtb(
    dram: &[MemRange],
    size: u64,
    kernel_end: u64,
    obstacles: &Obstacles,
) -> Result<u64, PlacementError> {
    let lowest = |from: u64, align: u64| {
        dram.iter()
            .filter(|b| b.size != 0)
            .filter_map(|b| {
                let bank = MemRange::new(b.base, b.size);
                search::lowest_dtb(bank, from, align, size, obstacles)
            })
            .min()
    };
    lowest(kernel_end, DTB_MAX_SIZE)
        .or_else(|| lowest(0, DTB_ALIGN))
        .ok_or(PlacementError::NoRoomForDtb { size })
}
