//! Checked byte ranges of a bundle: inside the bundle, aligned, without overflow, and
//! non-overlapping.

use super::error::{BundleError, BundleErrorKind as K, Region};
use super::layout::OFFSET_ALIGN;

/// A checked, non-overflowing byte range `[start, end)` of the bundle.
#[derive(Clone, Copy)]
pub(super) struct Span {
    /// The part of the bundle the range holds.
    pub(super) region: Region,
    /// First byte.
    pub(super) start: u64,
    /// One past the last byte.
    pub(super) end: u64,
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
        Ok(Self { region, start, end })
    }

    /// Fails when both spans are non-empty and share a byte.
    pub(super) fn must_not_overlap(&self, other: &Span, field: u64) -> Result<(), BundleError> {
        let shared = self.start < other.end && other.start < self.end;
        if shared && self.start != self.end && other.start != other.end {
            return Err(BundleError::new(
                field,
                K::Overlap {
                    region: self.region,
                    other: other.region,
                    start: self.start,
                    other_start: other.start,
                },
            ));
        }
        Ok(())
    }
}
