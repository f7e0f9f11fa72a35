//! The byte-exact layout of bundle format v1: a tiny fixture written field by field (see
//! `bundle_fixture`) must parse to the expected tables, and the builder must produce it exactly.

mod bundle_fixture;

use bundle_fixture::*;
use image_formats::bundle::{Bundle, Entry, PayloadKind, HEADER_SIZE, MAGIC};

#[test]
fn fixture_constants_match_crc32_of_their_bytes() {
    assert_eq!(crc32fast::hash(KERNEL), KERNEL_CRC);
    assert_eq!(crc32fast::hash(CMDLINE), CMDLINE_CRC);
    let mut header_and_tables = tiny()[..TABLES_END].to_vec();
    header_and_tables[0x34..0x38].fill(0);
    assert_eq!(crc32fast::hash(&header_and_tables), HEADER_CRC);
}

#[test]
fn fixture_parses_to_its_tables() {
    let bytes = tiny();
    let bundle = Bundle::parse(&bytes).unwrap();
    assert_eq!(bundle.total_size(), TOTAL);
    assert_eq!((bundle.payload_table_offset(), bundle.entry_table_offset()), (0x50, 0xd0));
    let kernel = bundle.payload(0).unwrap();
    assert_eq!((kernel.kind, kernel.name, kernel.offset), (PayloadKind::Kernel, "kernel", 0x1000));
    assert_eq!((kernel.data, kernel.crc32, kernel.gzip), (&KERNEL[..], KERNEL_CRC, false));
    let cmdline = bundle.payload(1).unwrap();
    assert_eq!(
        (cmdline.kind, cmdline.name, cmdline.offset),
        (PayloadKind::Cmdline, "cmdline", 0x2000)
    );
    assert_eq!(cmdline.as_cmdline(), Some("console=ttyAMA0"));
    assert!(bundle.payload(2).is_none());
    let expected = Entry {
        name: "default",
        kernel: 0,
        initrd: None,
        dtb: None,
        cmdline: Some(1),
        fallback: None,
        bootlimit: 1,
    };
    assert_eq!(bundle.entries().collect::<Vec<_>>(), [expected]);
    assert!(bundle.payloads().all(|p| p.verify().is_ok()));
}

#[test]
fn public_constants_match_the_fixture() {
    assert_eq!(&tiny()[..8], &MAGIC);
    assert_eq!(HEADER_SIZE, 0x50);
}

#[test]
fn accepts_trailing_bytes_after_total_size() {
    let mut bytes = tiny();
    bytes.extend_from_slice(&[0xa5; 100]);
    let bundle = Bundle::parse(&bytes).unwrap();
    assert_eq!(bundle.total_size(), TOTAL);
    assert_eq!(bundle.as_bytes(), &tiny()[..]);
}

#[cfg(feature = "alloc")]
#[test]
fn builder_writes_the_fixture_byte_for_byte() {
    use image_formats::bundle::{BundleBuilder, EntrySpec};
    let mut builder = BundleBuilder::new();
    let kernel = builder.add_payload(PayloadKind::Kernel, "kernel", &KERNEL[..], false);
    let cmdline = builder.add_payload(PayloadKind::Cmdline, "cmdline", &CMDLINE[..], false);
    builder.add_entry(EntrySpec { cmdline: Some(cmdline), ..EntrySpec::new("default", kernel) });
    let built = builder.build().unwrap();
    let fixture = tiny();
    assert_eq!(built.len(), fixture.len());
    if let Some(at) = built.iter().zip(&fixture).position(|(a, b)| a != b) {
        panic!(
            "first difference at {at:#x}: built {:#04x}, fixture {:#04x}",
            built[at], fixture[at]
        );
    }
}
