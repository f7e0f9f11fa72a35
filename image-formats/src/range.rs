//! A physical memory range: the one type every part of springboard uses for DRAM banks,
//! reservations, UARTs, payloads and the ranges the boot plan places.

/// A range of addresses `[base, base + size)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MemRange {
    /// First byte.
    pub base: u64,
    /// Length in bytes.
    pub size: u64,
}

impl MemRange {
    /// `[base, base + size)`.
    pub const fn new(base: u64, size: u64) -> Self {
        MemRange { base, size }
    }

    /// `[start, end)`; empty when `end <= start`.
    pub const fn from_bounds(start: u64, end: u64) -> Self {
        MemRange { base: start, size: end.saturating_sub(start) }
    }

    /// One past the last byte. Ranges read from a DTB or a bundle never wrap (their readers
    /// reject them); for ranges built otherwise the end saturates at `u64::MAX`.
    pub const fn end(&self) -> u64 {
        self.base.saturating_add(self.size)
    }

    /// `Some(end)` when `base + size` does not wrap.
    pub const fn checked_end(&self) -> Option<u64> {
        self.base.checked_add(self.size)
    }

    /// Whether the range holds no byte.
    pub const fn is_empty(&self) -> bool {
        self.size == 0
    }

    /// Whether the two ranges share at least one byte (an empty range shares none).
    pub const fn overlaps(&self, other: &MemRange) -> bool {
        self.size != 0 && other.size != 0 && self.base < other.end() && other.base < self.end()
    }

    /// The bytes both ranges hold, `None` when they share none.
    pub const fn intersect(&self, other: &MemRange) -> Option<MemRange> {
        let start = if self.base > other.base { self.base } else { other.base };
        let (a, b) = (self.end(), other.end());
        let end = if a < b { a } else { b };
        if start < end {
            Some(MemRange::from_bounds(start, end))
        } else {
            None
        }
    }

    /// Whether every byte of `inner` lies in this range (an empty `inner` lies in any range
    /// whose bounds hold its base).
    pub const fn contains(&self, inner: &MemRange) -> bool {
        self.base <= inner.base && inner.end() <= self.end()
    }
}

#[cfg(test)]
mod tests {
    use super::MemRange;

    #[test]
    fn end_saturates_and_checked_end_does_not_wrap() {
        assert_eq!(MemRange::new(u64::MAX - 1, 4).end(), u64::MAX);
        assert_eq!(MemRange::new(u64::MAX - 1, 4).checked_end(), None);
        assert_eq!(MemRange::new(0x1000, 0x10).checked_end(), Some(0x1010));
    }

    #[test]
    fn overlap_needs_a_shared_byte() {
        let a = MemRange::new(0x1000, 0x1000);
        assert!(a.overlaps(&MemRange::new(0x1fff, 1)));
        assert!(!a.overlaps(&MemRange::new(0x2000, 1)));
        assert!(!a.overlaps(&MemRange::new(0x1800, 0)));
    }

    #[test]
    fn from_bounds_and_contains() {
        let a = MemRange::from_bounds(0x1000, 0x3000);
        assert_eq!(a, MemRange::new(0x1000, 0x2000));
        assert!(a.contains(&MemRange::new(0x2000, 0x1000)));
        assert!(!a.contains(&MemRange::new(0x2000, 0x1001)));
        assert!(MemRange::from_bounds(5, 3).is_empty());
    }

    #[test]
    fn intersect_keeps_the_shared_bytes() {
        let a = MemRange::new(0x1000, 0x2000);
        assert_eq!(a.intersect(&MemRange::new(0x2800, 0x1000)), Some(MemRange::new(0x2800, 0x800)));
        assert_eq!(a.intersect(&MemRange::new(0x3000, 0x1000)), None);
        assert_eq!(a.intersect(&MemRange::new(0x1800, 0)), None);
    }
}
