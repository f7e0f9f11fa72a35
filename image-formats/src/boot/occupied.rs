//! The regions a placement plan must keep clear of, collected without a heap.

use crate::fdt::{MemRange, MAX_MEMRESERVE, MAX_RESERVED_MEMORY};
use crate::placement::Region;

/// springboard, its DTB, the bundle, the resident region, the console, a KHO FDT and scratch
/// array, then the reservations of the firmware's DTB and of an entry's own.
const CAPACITY: usize = 7 + 2 * (MAX_MEMRESERVE + MAX_RESERVED_MEMORY);

/// The regions the plan must keep clear of: springboard, the stub, the DTB, the bundle and
/// everything the DTB reserves.
pub struct Occupied {
    regions: [Region; CAPACITY],
    len: usize,
}

impl Default for Occupied {
    fn default() -> Self {
        const NONE: Region = Region { base: 0, size: 0, what: "" };
        Self { regions: [NONE; CAPACITY], len: 0 }
    }
}

impl Occupied {
    /// Adds a region; empty ones are dropped. Past [`CAPACITY`] regions (more than the loader
    /// pushes) the last slot is widened to cover the new one too, so nothing is ever forgotten.
    pub fn push(&mut self, base: u64, size: u64, what: &'static str) {
        if size == 0 {
            return;
        }
        if self.len == self.regions.len() {
            let last = &mut self.regions[self.len - 1];
            let start = last.base.min(base);
            let end = (last.base + last.size).max(base.saturating_add(size));
            *last = Region { base: start, size: end - start, what: "reserved ranges" };
            return;
        }
        self.regions[self.len] = Region { base, size, what };
        self.len += 1;
    }

    /// Adds `range` as `what`.
    pub fn push_range(&mut self, range: MemRange, what: &'static str) {
        self.push(range.base, range.size, what);
    }

    /// The regions, in the order they were added.
    pub fn as_slice(&self) -> &[Region] {
        &self.regions[..self.len]
    }
}
