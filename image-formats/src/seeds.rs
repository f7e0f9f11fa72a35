//! Fresh `/chosen/rng-seed` and `kaslr-seed` values for every hand-off (DESIGN §4).
//!
//! A DTB that `kexec` passes on carries no usable seeds, and without them the next kernel has
//! no KASLR and waits for entropy. When the CPU has `RNDR` the loader uses it; otherwise it
//! derives the seeds from the seed kept in the state page, hashed with the boot counter. At
//! every start the kept seed is first [`mix`]ed with whatever fresh material there is (the
//! incoming DTB's `rng-seed` and `kaslr-seed`, a counter reading), so two starts do not hand
//! over the same seeds even when an OS writes the same state page back before each of them.

use sha2::{Digest, Sha256};

/// The seeds for one hand-off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seeds {
    /// `/chosen/rng-seed` (booting.rst: at least 32 bytes are useful).
    pub rng: [u8; 32],
    /// `/chosen/kaslr-seed`, never zero (zero means "no KASLR").
    pub kaslr: u64,
}

/// The kept seed after this start: the `kept` one hashed with this start's fresh `material`
/// (the incoming DTB's seeds, `RNDR`, a counter reading). Nothing of `kept` can be recovered
/// from the result, and any change of `material` changes it.
pub fn mix(kept: &[u8; 32], material: &[&[u8]]) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(b"springboard seed mix v1");
    hash.update(kept);
    for part in material {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part);
    }
    hash.finalize().into()
}

/// A 32-bit fingerprint of a seed, for the console: two hand-offs with equal fingerprints
/// almost surely had equal seeds, and the fingerprint tells nothing useful about the seed
/// (a separate SHA-256, of which 32 of 256 bits are shown).
pub fn fingerprint(seed: &[u8; 32]) -> u32 {
    let mut hash = Sha256::new();
    hash.update(b"springboard seed fingerprint v1");
    hash.update(seed);
    let d: [u8; 32] = hash.finalize().into();
    u32::from_le_bytes([d[0], d[1], d[2], d[3]])
}

/// The seeds for boot number `counter` from the kept `seed`.
pub fn derive(seed: &[u8; 32], counter: u64) -> Seeds {
    let digest = |label: &[u8]| -> [u8; 32] {
        let mut hash = Sha256::new();
        hash.update(label);
        hash.update(seed);
        hash.update(counter.to_le_bytes());
        hash.finalize().into()
    };
    let rng = digest(b"springboard rng-seed v1");
    let k = digest(b"springboard kaslr-seed v1");
    let kaslr = u64::from_le_bytes([k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7]]);
    Seeds { rng, kaslr: kaslr.max(1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_boot_gets_different_seeds_from_the_same_kept_seed() {
        let seed = mix(&[0; 32], &[b"dtb rng-seed bytes", &42u64.to_le_bytes()]);
        let a = derive(&seed, 1);
        let b = derive(&seed, 2);
        assert_ne!(a.rng, b.rng);
        assert_ne!(a.kaslr, b.kaslr);
        assert_eq!(derive(&seed, 1), a, "deterministic for the same counter");
    }

    #[test]
    fn different_kept_seeds_give_different_seeds_and_kaslr_is_never_zero() {
        let a = derive(&[0; 32], 0);
        let b = derive(&[1; 32], 0);
        assert_ne!(a.rng, b.rng);
        assert!(a.kaslr != 0 && b.kaslr != 0);
    }

    #[test]
    fn mix_separates_its_parts() {
        assert_ne!(mix(&[0; 32], &[b"ab", b"c"]), mix(&[0; 32], &[b"a", b"bc"]));
    }
}
