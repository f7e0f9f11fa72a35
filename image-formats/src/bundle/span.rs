//! Checked byte ranges of a bundle: inside the bundle, aligned, without overflow, and
//! non-overlapping.

use super::error::{BundleError, BundleErrorKind as K, Region};
use super::layout::OFFSET_ALIGN;
use crate::MemRange;

/// A checked, non-overflowing range of the bundle's bytes, by offset.
#[derive(Clone, Copy)]
pub(super) struct Span {
    /// The part of the bundle the range holds.
    pub(super) region: Region,
    /// The offsets.
    pub(super) range: MemRange,
}

impl Span {
    /// Checks `start..start + size` of `region`: no overflow, aligned, inside `total`. Errors
    /// are reported at `field`, the offset of the field that holds `start`.
    pub(super) fn check(
        region: Region,
        start: u64,
        size: u64,
        total: u64,
        field: u64,
    ) -> Result<Self, BundleError> {
        let err = |kind| BundleError::new(field, kind);
        let end = start.checked_add(size).ok_or(err(K::RangeOverflow { region, start, size }))?;
        if start % OFFSET_ALIGN != 0 {
            return Err(err(K::Misaligned { region, start }));
        }
        if end > total {
            return Err(err(K::RangeOutOfBounds { region, end, total_size: total }));
        }
        Ok(Self { region, range: MemRange::new(start, size) })
    }

    /// Fails when both spans are non-empty and share a byte.
    pub(super) fn must_not_overlap(&self, other: &Span, field: u64) -> Result<(), BundleError> {
        if self.range.overlaps(&other.range) {
            return Err(BundleError::new(
                field,
                K::Overlap {
                    region: self.region,
                    other: other.region,
                    start: self.range.base,
                    other_start: other.range.base,
                },
            ));
        }
        Ok(())
    }

    /// First byte.
    pub(super) fn start(&self) -> u64 {
        self.range.base
    }

    /// One past the last byte (`check` made sure it does not wrap).
    pub(super) fn end(&self) -> u64 {
        self.range.end()
    }

    /// The bytes of `bundle` the span holds; `check` placed them inside it.
    pub(super) fn of<'b>(&self, bundle: &'b [u8]) -> &'b [u8] {
        &bundle[self.start() as usize..self.end() as usize]
    }
}
