//! Inputs the `fdt_read` fuzz target (fuzz/fuzz_targets/fdt_read.rs) found, kept as regression
//! tests.

use image_formats::fdt::{Fdt, FdtErrorKind};

/// Found by the fuzzer, cut down to 72 bytes: header, an empty `/memreserve/` list, then
/// `FDT_BEGIN_NODE "="` (at 0x38), `FDT_END_NODE`, `FDT_END`. The root node must have an empty
/// name (devicetree specification 0.4, 5.4.1); springboard read this as a tree whose root was
/// called "=".
const NAMED_ROOT: &str = "d00dfeed00000048000000380000004800000028000000110000001000000000\
                          000000000000001000000000000000000000000000000000000000013d000000\
                          0000000200000009";

fn bytes(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

#[test]
fn refuses_a_root_node_with_a_name() {
    let blob = bytes(NAMED_ROOT);
    assert_eq!(blob.len(), 72);
    let err = Fdt::new(&blob).unwrap_err();
    assert_eq!((err.offset, err.kind), (0x38, FdtErrorKind::NamedRoot));
}
