//! Physical memory as byte slices. springboard runs with the MMU off, so a physical address is
//! the address it uses; these are the only places where the loader turns an address into a
//! slice, and every caller states why the range is springboard's to read or write.

/// The bytes at `[base, base + len)`.
///
/// # Safety
/// The range must be RAM (or ROM) that exists, and nothing may write it while the slice lives.
pub unsafe fn bytes(base: u64, len: u64) -> &'static [u8] {
    // SAFETY: the caller guarantees the range is readable memory that stays unchanged; with
    // the MMU off the physical address is the address, and u8 has no alignment.
    unsafe { core::slice::from_raw_parts(base as usize as *const u8, len as usize) }
}

/// The bytes at `[base, base + len)`, for writing.
///
/// # Safety
/// The range must be RAM that exists, that the placement plan gave to the caller, and that no
/// other live slice overlaps.
pub unsafe fn bytes_mut(base: u64, len: u64) -> &'static mut [u8] {
    // SAFETY: as for `bytes`, and the caller guarantees exclusive use of the range.
    unsafe { core::slice::from_raw_parts_mut(base as usize as *mut u8, len as usize) }
}
