//! A fixed-capacity list of memory ranges (the firmware has no heap) and the checked reading of
//! one range.

use super::{FdtError, FdtErrorKind};
use crate::MemRange;

/// `Ok(range)` when `base + size` does not wrap, else [`FdtErrorKind::RangeOverflow`] at `offset`.
pub(crate) fn checked(base: u64, size: u64, offset: usize) -> Result<MemRange, FdtError> {
    match base.checked_add(size) {
        Some(_) => Ok(MemRange { base, size }),
        None => Err(FdtError::new(offset, FdtErrorKind::RangeOverflow { base, size })),
    }
}

/// Up to `N` ranges, in the order they were pushed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RangeList<const N: usize> {
    items: [MemRange; N],
    len: usize,
}

impl<const N: usize> RangeList<N> {
    /// An empty list.
    pub const fn new() -> Self {
        RangeList { items: [MemRange { base: 0, size: 0 }; N], len: 0 }
    }

    /// Appends `range`; `Err(range)` when the list is full.
    pub fn push(&mut self, range: MemRange) -> Result<(), MemRange> {
        let slot = self.items.get_mut(self.len).ok_or(range)?;
        *slot = range;
        self.len += 1;
        Ok(())
    }

    /// Appends `range`, or fails with [`FdtErrorKind::TooManyRanges`] at `offset`.
    pub(crate) fn push_at(&mut self, range: MemRange, offset: usize) -> Result<(), FdtError> {
        self.push(range)
            .map_err(|_| FdtError::new(offset, FdtErrorKind::TooManyRanges { capacity: N }))
    }

    /// The ranges pushed so far.
    pub fn as_slice(&self) -> &[MemRange] {
        &self.items[..self.len]
    }

    /// Iterates over the ranges in push order.
    pub fn iter(&self) -> core::slice::Iter<'_, MemRange> {
        self.as_slice().iter()
    }

    /// Number of ranges.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether the list holds no range.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The list's capacity, `N`.
    pub const fn capacity(&self) -> usize {
        N
    }
}

impl<const N: usize> Default for RangeList<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'l, const N: usize> IntoIterator for &'l RangeList<N> {
    type Item = &'l MemRange;
    type IntoIter = core::slice::Iter<'l, MemRange>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}
