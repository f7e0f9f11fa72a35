//! Damaged real DTBs never make the reader or the patcher panic; whatever the reader accepts,
//! the patcher turns into a blob the reader accepts again, within the size bound.

mod fdt_support;

use fdt_support::*;
use image_formats::fdt::{
    patch, patched_size_bound, summarize, u64_cells, Edits, Fdt, Node, Reservation,
};
use image_formats::MemRange;
use proptest::prelude::*;

/// Visits every node, property and `reg` of an accepted blob.
fn read_everything(fdt: &Fdt) {
    let _ = fdt.memreserve().count();
    let Ok(root) = fdt.root() else { return };
    let mut stack: Vec<Node> = vec![root];
    while let Some(node) = stack.pop() {
        let _ = node.properties().count();
        let _ = node.reg().map(|r| r.count());
        let _ = node.is_compatible("arm,pl011");
        let _ = node.str_property("status");
        stack.extend(node.children().filter_map(Result::ok));
    }
    for path in ["/chosen", "/memory", "/reserved-memory/secmon", "/soc/serial", "/"] {
        let _ = fdt.find_node(path);
    }
}

/// Patches with the edits of a hand-off; checks the bound and re-reads the output.
fn patch_and_reread(fdt: &Fdt) {
    let start = u64_cells(0x4800_0000);
    let set: [(&str, &[u8]); 2] = [("bootargs", b"quiet\0"), ("linux,initrd-start", &start)];
    let range = MemRange { base: 0x7fff_0000, size: 0x1_0000 };
    let reserve = [Reservation { name: "springboard", range, no_map: true }];
    let edits = Edits {
        chosen_set: &set,
        chosen_remove: &["kaslr-seed"],
        reserve: &reserve,
        ..Edits::default()
    };
    let bound = patched_size_bound(fdt, &edits);
    let mut out = vec![0; bound];
    if let Ok(len) = patch(fdt, &edits, &mut out) {
        assert!(len <= bound);
        let again = Fdt::new(&out[..len]).expect("the patcher's output is readable");
        read_everything(&again);
    }
}

/// Everything the firmware does with a blob it was handed.
fn exercise(blob: &[u8]) {
    let _ = Fdt::totalsize_of(blob);
    if let Ok(fdt) = Fdt::new(blob) {
        let _ = summarize(&fdt);
        read_everything(&fdt);
        patch_and_reread(&fdt);
    }
}

/// The real blobs, cut to their used bytes (QEMU pads to 1 MiB).
fn sources() -> [Vec<u8>; 3] {
    let used = |b: &[u8]| {
        let word = |at: usize| u32::from_be_bytes(b[at..at + 4].try_into().unwrap()) as usize;
        let mut v = b[..word(0x0c) + word(0x20)].to_vec();
        let len = v.len() as u32;
        v[4..8].copy_from_slice(&len.to_be_bytes());
        v
    };
    [used(QEMU_VIRT_NOPS), used(QEMU_VIRT_INITRD), BOARD.to_vec()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn flipped_bytes_never_panic(
        which in 0usize..3,
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
    ) {
        let mut blob = sources()[which].clone();
        for (at, xor) in flips {
            let i = at.index(blob.len());
            blob[i] ^= xor;
        }
        exercise(&blob);
    }

    #[test]
    fn overwritten_words_never_panic(
        which in 0usize..3,
        at in any::<prop::sample::Index>(),
        value in prop_oneof![0u32..16, any::<u32>(), Just(u32::MAX)],
    ) {
        let mut blob = sources()[which].clone();
        let i = at.index(blob.len() / 4) * 4;
        put(&mut blob, i, value);
        exercise(&blob);
    }

    #[test]
    fn truncations_never_panic(
        which in 0usize..3,
        cut in any::<prop::sample::Index>(),
        fix_totalsize in any::<bool>(),
    ) {
        let mut blob = sources()[which].clone();
        let len = cut.index(blob.len() + 1);
        blob.truncate(len);
        if fix_totalsize && len >= 8 {
            put(&mut blob, 4, len as u32);
        }
        exercise(&blob);
    }
}

#[test]
fn the_sources_are_accepted_untouched() {
    for blob in sources() {
        let fdt = Fdt::new(&blob).unwrap();
        summarize(&fdt).unwrap();
        patch_and_reread(&fdt);
    }
}
