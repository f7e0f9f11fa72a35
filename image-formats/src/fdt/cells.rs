//! Big-endian cell encoding of property values (Devicetree Specification v0.4, 2.2.4).

/// `v` as one big-endian cell, ready to be a property value.
pub const fn u32_cells(v: u32) -> [u8; 4] {
    v.to_be_bytes()
}

/// `v` as two big-endian cells (high then low), ready to be a property value such as
/// `linux,initrd-start`.
pub const fn u64_cells(v: u64) -> [u8; 8] {
    v.to_be_bytes()
}

/// The value of a one-cell property.
pub(crate) fn be_u32(value: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(value.try_into().ok()?))
}

/// A 32- or 64-bit big-endian number (an initrd address may be either).
pub(crate) fn be_u32_or_u64(value: &[u8]) -> Option<u64> {
    match value.len() {
        4 => be_u32(value).map(u64::from),
        8 => Some(u64::from_be_bytes(value.try_into().ok()?)),
        _ => None,
    }
}

/// A number of `cells` (0, 1 or 2) from the front of `data`, and the rest of `data`.
pub(crate) fn read_cells(data: &[u8], cells: u32) -> Option<(u64, &[u8])> {
    let len = cells as usize * 4;
    if data.len() < len || cells > 2 {
        return None;
    }
    let (head, rest) = data.split_at(len);
    let value =
        head.chunks_exact(4).fold(0u64, |acc, c| (acc << 32) | u64::from(be_u32(c).unwrap_or(0)));
    Some((value, rest))
}

/// Writes `value` as `cells` big-endian cells into the front of `out`; `None` when it does not
/// fit in that many cells (or `out` is too short). Returns the bytes written.
pub(crate) fn write_cells(out: &mut [u8], value: u64, cells: u32) -> Option<usize> {
    let len = cells as usize * 4;
    if cells > 2 || out.len() < len || (cells < 2 && value >> (32 * cells) != 0) {
        return None;
    }
    let bytes = value.to_be_bytes();
    out[..len].copy_from_slice(&bytes[8 - len..]);
    Some(len)
}
