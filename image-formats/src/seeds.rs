//! Fresh `/chosen/rng-seed` and `kaslr-seed` values for every hand-off (DESIGN §4).
//!
//! A DTB that `kexec` passes on carries no usable seeds, and without them the next kernel has
//! no KASLR and waits for entropy. When the CPU has `RNDR` the loader uses it; otherwise it
//! derives the seeds from the seed kept in the state page since the first boot, hashed with
//! the boot counter, so no two boots get the same values.

use sha2::{Digest, Sha256};

/// The seeds for one hand-off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seeds {
    /// `/chosen/rng-seed` (booting.rst: at least 32 bytes are useful).
    pub rng: [u8; 32],
    /// `/chosen/kaslr-seed`, never zero (zero means "no KASLR").
    pub kaslr: u64,
}

/// Condenses whatever entropy the first boot has (the incoming DTB's seeds, `RNDR` values,
/// the counter) into the seed kept in the state page.
pub fn condense(material: &[&[u8]]) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(b"springboard seed v1");
    for part in material {
        hash.update((part.len() as u64).to_le_bytes());
        hash.update(part);
    }
    hash.finalize().into()
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
        let seed = condense(&[b"dtb rng-seed bytes", &42u64.to_le_bytes()]);
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
    fn condense_separates_its_parts() {
        assert_ne!(condense(&[b"ab", b"c"]), condense(&[b"a", b"bc"]));
    }
}
