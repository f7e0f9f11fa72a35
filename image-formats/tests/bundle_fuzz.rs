//! No input makes the bundle parser, the accessors or `verify` panic: random bytes, random
//! bundle-shaped headers, and a valid bundle with random flips and truncation.

mod bundle_fixture;

use image_formats::bundle::{Bundle, MAGIC};
use proptest::prelude::*;

/// Touches everything a caller can reach from a parsed bundle.
fn exercise(bytes: &[u8]) {
    let Ok(bundle) = Bundle::parse(bytes) else {
        return;
    };
    assert!(bundle.total_size() <= bytes.len());
    for index in 0..bundle.payload_count() + 2 {
        if let Some(payload) = bundle.payload(index) {
            let _ = payload.verify();
            let _ = payload.as_cmdline();
        }
    }
    for entry in bundle.entries() {
        // Every index a parsed entry holds is usable.
        assert!(bundle.payload(entry.kernel).is_some());
        for index in [entry.initrd, entry.dtb, entry.cmdline].into_iter().flatten() {
            assert!(bundle.payload(index).is_some());
        }
        if let Some(fallback) = entry.fallback {
            assert!(bundle.entry(fallback).is_some());
        }
        let _ = bundle.entry_by_name(entry.name);
    }
    let _ = bundle.entry(usize::MAX);
    let _ = bundle.payload(usize::MAX);
    assert_eq!(bundle.payloads().count(), bundle.payload_count());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        exercise(&bytes);
    }

    #[test]
    fn random_headers_with_magic_and_good_crc_never_panic(
        fields in proptest::collection::vec(any::<u8>(), 0x48),
        tail in proptest::collection::vec(any::<u8>(), 0..0x300),
        small in any::<bool>(),
    ) {
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&fields);
        bytes.extend_from_slice(&tail);
        bytes[8..12].copy_from_slice(&1u32.to_le_bytes());
        bytes[12..16].copy_from_slice(&0x50u32.to_le_bytes());
        if small {
            // Keep sizes, offsets and counts small so the deeper checks are reached.
            let len = bytes.len() as u64;
            for at in [0x10, 0x18, 0x20] {
                let v = u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) % (len + 1);
                bytes[at..at + 8].copy_from_slice(&v.to_le_bytes());
            }
            for at in [0x28, 0x2c] {
                bytes[at + 1..at + 4].fill(0);
                bytes[at] %= 8;
            }
        }
        if fix_crc_if_tables_fit(&mut bytes) {
            exercise(&bytes);
        }
        exercise(&bytes);
    }

    #[test]
    fn flipped_valid_bundle_never_panics(
        flips in proptest::collection::vec((0..bundle_fixture::TOTAL, any::<u8>()), 1..8),
        cut in 0..=bundle_fixture::TOTAL + 16,
        fix_crc in any::<bool>(),
    ) {
        let mut bytes = bundle_fixture::tiny();
        bytes.resize(bundle_fixture::TOTAL + 16, 0);
        for (at, value) in flips {
            bytes[at] ^= value;
        }
        if fix_crc {
            fix_crc_if_tables_fit(&mut bytes);
        }
        exercise(&bytes[..cut]);
        exercise(&bytes);
    }
}

/// Fixes the header CRC when the tables the header names lie inside the buffer.
fn fix_crc_if_tables_fit(bytes: &mut [u8]) -> bool {
    let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
    let u32_at = |at: usize| u64::from(u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()));
    let len = bytes.len() as u64;
    let ptable_end = u64_at(0x18).checked_add(u32_at(0x28) * 0x40);
    let etable_end = u64_at(0x20).checked_add(u32_at(0x2c) * 0x38);
    match (ptable_end, etable_end) {
        (Some(p), Some(e)) if p <= len && e <= len => {
            bundle_fixture::fix_crc(bytes);
            true
        }
        _ => false,
    }
}
