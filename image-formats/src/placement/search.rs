//! First-fit searches inside one DRAM bank, with checked arithmetic.
//!
//! Each search starts at the lowest aligned candidate and, when the candidate collides with
//! something, jumps to the lowest aligned candidate past the end of everything it collided
//! with. The candidate only grows, and each obstacle can stop it at most once, so a search
//! takes at most one step per obstacle (plus one per 2 MiB boundary for the DTB, which is
//! bounded the same way because each such step is followed by a fit or an obstacle).

use super::{InUse, KernelRequest, INITRD_WINDOW_ALIGN, INITRD_WINDOW_SIZE, KERNEL_ALIGN};
use super::{DTB_ALIGN, DTB_MAX_SIZE};
use crate::MemRange;

/// What a placement must avoid: the occupied regions plus up to two more spans (the initrd,
/// then the kernel once it is placed).
pub(super) struct Obstacles<'a> {
    occupied: &'a [InUse],
    /// The initrd and up to two placed ranges.
    extra: [Option<MemRange>; 3],
}

impl<'a> Obstacles<'a> {
    /// The occupied regions and the initrd.
    pub(super) fn new(occupied: &'a [InUse], initrd: Option<MemRange>) -> Self {
        Obstacles { occupied, extra: [initrd, None, None] }
    }

    /// The same obstacles plus `span`.
    pub(super) fn with(&self, span: MemRange) -> Self {
        let mut extra = self.extra;
        let free = extra.iter_mut().skip(1).find(|e| e.is_none());
        *free.expect("at most two placed ranges are added") = Some(span);
        Obstacles { occupied: self.occupied, extra }
    }

    /// The highest end among the obstacles that overlap `span`, or `None` when it is free.
    fn blocking(&self, span: MemRange) -> Option<u64> {
        let occupied = self.occupied.iter().map(|r| r.range);
        occupied
            .chain(self.extra.iter().flatten().copied())
            .filter(|o| o.overlaps(&span))
            .map(|o| o.end())
            .max()
    }
}

/// Rounds `x` up to a multiple of the power of two `align`; `None` when that exceeds `u64`.
fn align_up(x: u64, align: u64) -> Option<u64> {
    debug_assert!(align.is_power_of_two());
    x.checked_next_multiple_of(align)
}

/// Whether `a` and `b` fit in one `INITRD_WINDOW_ALIGN`-aligned window of
/// `INITRD_WINDOW_SIZE` bytes.
pub(super) fn same_window(a: MemRange, b: MemRange) -> bool {
    let window_start = a.base.min(b.base) & !(INITRD_WINDOW_ALIGN - 1);
    a.end().max(b.end()) - window_start <= INITRD_WINDOW_SIZE
}

/// Why a bank holds no kernel.
#[derive(Debug, Clone, Copy)]
pub(super) struct KernelMiss {
    /// Some base avoided every obstacle but failed the initrd window.
    pub(super) window: bool,
}

/// The lowest 2 MiB-aligned base in `bank` whose image avoids `obstacles` and shares a window
/// with `initrd`.
pub(super) fn lowest_kernel_base(
    bank: MemRange,
    kernel: &KernelRequest,
    obstacles: &Obstacles,
    initrd: Option<MemRange>,
) -> Result<u64, KernelMiss> {
    let mut miss = KernelMiss { window: false };
    let mut base = align_up(bank.base, KERNEL_ALIGN).ok_or(miss)?;
    loop {
        let start = base.checked_add(kernel.load_offset).ok_or(miss)?;
        let end = start.checked_add(kernel.footprint).ok_or(miss)?;
        if end > bank.end() {
            return Err(miss);
        }
        let image = MemRange::from_bounds(start, end);
        let next = if let Some(past) = obstacles.blocking(image) {
            // The image must start at `past` or later; `past > start >= load_offset`.
            past - kernel.load_offset
        } else {
            match initrd {
                Some(initrd) if !same_window(image, initrd) => {
                    miss.window = true;
                    if image.base >= initrd.base {
                        // Above the initrd: moving up only widens the gap.
                        return Err(miss);
                    }
                    // Below it: the window starts at the image's 1 GiB block, so the image
                    // must start no lower than the 1 GiB block that ends the window.
                    let lowest = initrd.end().saturating_sub(INITRD_WINDOW_SIZE);
                    let lowest = align_up(lowest, INITRD_WINDOW_ALIGN).ok_or(miss)?;
                    lowest.saturating_sub(kernel.load_offset).max(base + 1)
                }
                _ => return Ok(base),
            }
        };
        base = align_up(next, KERNEL_ALIGN).ok_or(miss)?;
    }
}

/// The lowest `align`-aligned address at or above `from` in `bank` where `size` bytes avoid
/// `obstacles` and stay inside one `DTB_MAX_SIZE` block.
pub(super) fn lowest_dtb(
    bank: MemRange,
    from: u64,
    align: u64,
    size: u64,
    obstacles: &Obstacles,
) -> Option<u64> {
    debug_assert!(align >= DTB_ALIGN && size <= DTB_MAX_SIZE && size != 0);
    let mut at = align_up(bank.base.max(from), align)?;
    loop {
        let end = at.checked_add(size)?;
        if end > bank.end() {
            return None;
        }
        let span = MemRange::from_bounds(at, end);
        at = if at / DTB_MAX_SIZE != (end - 1) / DTB_MAX_SIZE {
            // Crosses a 2 MiB boundary, so `at` is not 2 MiB aligned: the next block is higher.
            align_up(at, DTB_MAX_SIZE)?
        } else if let Some(past) = obstacles.blocking(span) {
            align_up(past, align)?
        } else {
            return Some(at);
        };
    }
}

/// The lowest `align`-aligned address in `bank` where `size` bytes avoid `obstacles` and share
/// a window with `kernel`.
pub(super) fn lowest_copy(
    bank: MemRange,
    align: u64,
    size: u64,
    obstacles: &Obstacles,
    kernel: MemRange,
) -> Option<u64> {
    let mut at = align_up(bank.base, align)?;
    loop {
        let end = at.checked_add(size)?;
        if end > bank.end() {
            return None;
        }
        let span = MemRange::from_bounds(at, end);
        let next = if let Some(past) = obstacles.blocking(span) {
            past
        } else if same_window(span, kernel) {
            return Some(at);
        } else if span.base >= kernel.base {
            // Above the kernel: moving up only widens the gap.
            return None;
        } else {
            // Below it: start no lower than the 1 GiB block that begins the kernel's window.
            let lowest = kernel.end().saturating_sub(INITRD_WINDOW_SIZE);
            align_up(lowest, INITRD_WINDOW_ALIGN)?.max(at + 1)
        };
        at = align_up(next, align)?;
    }
}
