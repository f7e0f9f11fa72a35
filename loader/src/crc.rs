//! CRC32 (IEEE 802.3, the bundle's checksum) with the ARMv8 `crc32x` instruction over aligned
//! 64-bit words.
//!
//! `crc32fast` reads bytes one at a time on this strict-alignment target (2.4 instructions a
//! byte under QEMU); aligned `ldr` + `crc32x` pairs cost a fraction of that (DESIGN §6's
//! measurements), which matters for a 30 MB kernel checked at every boot.

use core::arch::aarch64::{__crc32b, __crc32d};

/// The CRC32 of `data`, as `crc32fast::hash` computes it.
pub fn crc32(data: &[u8]) -> u32 {
    // SAFETY: the firmware is built with `+crc` for every crate (.cargo/config.toml), so the
    // CRC32 instructions are there wherever springboard runs (crc32fast relies on the same).
    unsafe { crc32_words(data) }
}

/// The unaligned head and tail bytewise, the aligned middle as 64-bit words.
#[target_feature(enable = "crc")]
fn crc32_words(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    let head = ((8 - data.as_ptr() as usize % 8) % 8).min(data.len());
    let words = (data.len() - head) / 8;
    for &byte in &data[..head] {
        crc = __crc32b(crc, byte);
    }
    // SAFETY: `[head, head + 8 * words)` lies inside `data`, starts on an 8-byte boundary
    // (`head` is the distance to it) and holds `words` whole u64s, which have no invalid bit
    // patterns; the slice is only read while `data` is borrowed.
    let middle =
        unsafe { core::slice::from_raw_parts(data.as_ptr().add(head).cast::<u64>(), words) };
    for block in middle.chunks(8) {
        for &word in block {
            crc = __crc32d(crc, word);
        }
    }
    for &byte in &data[head + words * 8..] {
        crc = __crc32b(crc, byte);
    }
    !crc
}
