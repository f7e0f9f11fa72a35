//! The regions a placement plan must keep clear of, collected without a heap.

use image_formats::fdt::MemRange;
use image_formats::placement::Region;

/// The regions the plan must keep clear of: springboard, the stub, the DTB, the bundle and
/// everything the DTB reserves.
pub struct Occupied {
    regions: [Region; 40],
    len: usize,
}

impl Default for Occupied {
    fn default() -> Self {
        const NONE: Region = Region { base: 0, size: 0, what: "" };
        Self { regions: [NONE; 40], len: 0 }
    }
}

impl Occupied {
    /// Adds a region; empty ones are dropped. Past 40 regions the last slot is widened to
    /// cover the new one too, so nothing is ever forgotten (only the plan gets stricter).
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

    pub fn as_slice(&self) -> &[Region] {
        &self.regions[..self.len]
    }

    /// The first region that overlaps `r`.
    pub fn overlapping(&self, r: MemRange) -> Option<&'static str> {
        self.as_slice()
            .iter()
            .find(|o| o.base < r.end() && r.base < o.base.saturating_add(o.size))
            .map(|o| o.what)
    }
}
