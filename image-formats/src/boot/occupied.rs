//! The regions a placement plan must keep clear of, collected without a heap.

use crate::fdt::{Summary, MAX_MEMRESERVE, MAX_RESERVED_MEMORY};
use crate::placement::InUse;
use crate::MemRange;

/// How many regions springboard names itself: springboard, its DTB, the bundle, the resident
/// region, the console, a KHO FDT and a KHO scratch array.
const NAMED: usize = 7;

/// Every region a plan can be told of: the named ones, then the reservations of the firmware's
/// DTB and of an entry's own (each bounded by what a [`Summary`] holds).
const CAPACITY: usize = NAMED + 2 * (MAX_MEMRESERVE + MAX_RESERVED_MEMORY);

/// The regions the plan must keep clear of.
pub struct Occupied {
    regions: [InUse; CAPACITY],
    len: usize,
}

impl Occupied {
    /// The non-empty `named` regions, then the `/memreserve/` entries and `/reserved-memory`
    /// ranges of `firmware` and of `own`. Every source is bounded, so all of them fit.
    pub fn new(
        named: [(Option<MemRange>, &'static str); NAMED],
        firmware: &Summary,
        own: Option<&Summary>,
    ) -> Self {
        let named = named.into_iter().filter_map(|(range, what)| Some((range?, what)));
        let reserved = core::iter::once(firmware).chain(own).flat_map(|s| {
            let memreserve = s.memreserve.iter().map(|r| (*r, "memreserve"));
            memreserve.chain(s.reserved_memory.iter().map(|r| (*r, "reserved-memory")))
        });
        const NONE: InUse = InUse { range: MemRange::new(0, 0), what: "" };
        let mut occupied = Occupied { regions: [NONE; CAPACITY], len: 0 };
        let all = named.chain(reserved).filter(|(range, _)| !range.is_empty());
        for (slot, (range, what)) in occupied.regions.iter_mut().zip(all) {
            *slot = InUse { range, what };
            occupied.len += 1;
        }
        occupied
    }

    /// The regions, in the order they were added.
    pub fn as_slice(&self) -> &[InUse] {
        &self.regions[..self.len]
    }
}
