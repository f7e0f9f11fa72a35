//! The payloads of a bundle being packed: a file that several entries use in the same role
//! (the same kernel, the same initrd, the same command line) is stored once.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use image_formats::bundle::{BundleBuilder, PayloadKind};

/// Payloads stored under one (kind, content hash) key: index and bytes.
type SameKey = Vec<(usize, Vec<u8>)>;

/// A [`BundleBuilder`] whose payloads are deduplicated by kind and content.
#[derive(Default)]
pub struct Payloads {
    builder: BundleBuilder,
    /// (kind, content hash) → the payloads stored with that key.
    stored: HashMap<(PayloadKind, u64), SameKey>,
    /// How many additions reused a stored payload.
    reused: usize,
}

impl Payloads {
    /// No payloads yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The index of a payload of `kind` holding `data`: an earlier one with the same bytes, or
    /// a new one named `name`.
    pub fn add(&mut self, kind: PayloadKind, name: &str, data: Vec<u8>, gzip: bool) -> usize {
        let mut hasher = DefaultHasher::new();
        data.hash(&mut hasher);
        let same_key = self.stored.entry((kind, hasher.finish())).or_default();
        if let Some((index, _)) = same_key.iter().find(|(_, stored)| *stored == data) {
            self.reused += 1;
            return *index;
        }
        let index = self.builder.add_payload(kind, name, data.clone(), gzip);
        same_key.push((index, data));
        index
    }

    /// The bytes of payload `index` (empty when there is none).
    pub fn data(&self, index: usize) -> &[u8] {
        let mut all = self.stored.values().flatten();
        all.find(|(i, _)| *i == index).map_or(&[], |(_, data)| data)
    }

    /// How many additions were served by a payload already stored.
    pub fn reused(&self) -> usize {
        self.reused
    }

    /// The builder, to add the entries to.
    pub fn builder(&mut self) -> &mut BundleBuilder {
        &mut self.builder
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_content_and_kind_is_stored_once() {
        let mut p = Payloads::new();
        let a = p.add(PayloadKind::Kernel, "a", vec![1, 2, 3], false);
        let b = p.add(PayloadKind::Kernel, "b", vec![1, 2, 3], false);
        let c = p.add(PayloadKind::Kernel, "c", vec![1, 2, 4], false);
        let d = p.add(PayloadKind::Initrd, "d", vec![1, 2, 3], false);
        assert_eq!((a, b, c, d), (0, 0, 1, 2));
        assert_eq!(p.reused(), 1);
    }
}
