//! Rewrites the CRCs of bundle-shaped bytes so that the fuzzer's mutations get past the CRC
//! checks and reach the rest of the parser.

use image_formats::bundle::layout::{
    ENTRY_RECORD_SIZE, HEADER_CRC_OFFSET, HEADER_SIZE, PAYLOAD_RECORD_SIZE,
};

/// Offset of the `offset` field in a payload record (bundle format v1, module diagram).
const PAYLOAD_OFFSET_FIELD: usize = 0x28;
/// Offset of the `size` field in a payload record.
const PAYLOAD_SIZE_FIELD: usize = 0x30;
/// Offset of the `crc32` field in a payload record.
const PAYLOAD_CRC_FIELD: usize = 0x38;

fn le64(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

fn le32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// `[offset, offset + len)` as a range of `bytes`, when it lies inside.
fn range(bytes: &[u8], offset: u64, len: u64) -> Option<core::ops::Range<usize>> {
    let start = usize::try_from(offset).ok()?;
    let end = start.checked_add(usize::try_from(len).ok()?)?;
    (end <= bytes.len()).then_some(start..end)
}

/// Recomputes, where the fields point inside `bytes`, every payload's CRC32 and then the
/// header CRC32 (header with its CRC field zeroed ‖ payload table ‖ entry table), as
/// `springboard pack` writes them. Leaves anything it cannot locate as it is.
pub fn seal(bytes: &mut [u8]) {
    if bytes.len() < HEADER_SIZE {
        return;
    }
    let (Some(ptable), Some(etable), Some(pcount), Some(ecount)) =
        (le64(bytes, 0x18), le64(bytes, 0x20), le32(bytes, 0x28), le32(bytes, 0x2c))
    else {
        return;
    };
    let ptable = range(bytes, ptable, u64::from(pcount) * PAYLOAD_RECORD_SIZE as u64);
    let etable = range(bytes, etable, u64::from(ecount) * ENTRY_RECORD_SIZE as u64);
    let (Some(ptable), Some(etable)) = (ptable, etable) else {
        return;
    };
    for record in ptable.clone().step_by(PAYLOAD_RECORD_SIZE) {
        let (Some(offset), Some(size)) =
            (le64(bytes, record + PAYLOAD_OFFSET_FIELD), le64(bytes, record + PAYLOAD_SIZE_FIELD))
        else {
            continue;
        };
        if let Some(data) = range(bytes, offset, size) {
            let crc = crc32fast::hash(&bytes[data]);
            let field = record + PAYLOAD_CRC_FIELD;
            bytes[field..field + 4].copy_from_slice(&crc.to_le_bytes());
        }
    }
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&bytes[..HEADER_CRC_OFFSET]);
    hasher.update(&[0; 4]);
    hasher.update(&bytes[HEADER_CRC_OFFSET + 4..HEADER_SIZE]);
    hasher.update(&bytes[ptable]);
    hasher.update(&bytes[etable]);
    let crc = hasher.finalize();
    bytes[HEADER_CRC_OFFSET..HEADER_CRC_OFFSET + 4].copy_from_slice(&crc.to_le_bytes());
}
