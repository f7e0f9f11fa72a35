//! Seeds without RNDR: the kept seed is mixed with fresh material at every start, so a state
//! page written back unchanged (same kept seed, same boot counter) does not give the next
//! kernel the same `rng-seed` and `kaslr-seed` twice.

use image_formats::seeds::{derive, fingerprint, mix};

const KEPT: [u8; 32] = [0x42; 32];
const COUNTER: u64 = 17;

#[test]
fn a_replayed_page_gets_new_seeds_from_a_new_counter_reading() {
    let dtb_seed: &[u8] = &[];
    let first = mix(&KEPT, &[dtb_seed, dtb_seed, &0u64.to_le_bytes(), &1_000u64.to_le_bytes()]);
    let again = mix(&KEPT, &[dtb_seed, dtb_seed, &0u64.to_le_bytes(), &1_001u64.to_le_bytes()]);
    assert_ne!(first, again);
    let (a, b) = (derive(&first, COUNTER), derive(&again, COUNTER));
    assert_ne!(a.rng, b.rng);
    assert_ne!(a.kaslr, b.kaslr);
    assert_ne!(fingerprint(&a.rng), fingerprint(&b.rng));
}

#[test]
fn the_incoming_dtbs_rng_seed_and_kaslr_seed_each_change_the_kept_seed() {
    let counter = 5u64.to_le_bytes();
    let base = mix(&KEPT, &[b"rng", b"kaslr", &counter]);
    assert_ne!(base, mix(&KEPT, &[b"rnG", b"kaslr", &counter]));
    assert_ne!(base, mix(&KEPT, &[b"rng", b"kaslR", &counter]));
    assert_ne!(base, mix(&[0x43; 32], &[b"rng", b"kaslr", &counter]), "the kept seed counts");
    assert_eq!(base, mix(&KEPT, &[b"rng", b"kaslr", &counter]), "deterministic");
}

#[test]
fn mixing_is_not_the_identity_even_without_material() {
    assert_ne!(mix(&KEPT, &[]), KEPT);
    assert_ne!(fingerprint(&KEPT), fingerprint(&[0x43; 32]));
}
