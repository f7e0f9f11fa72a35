//! Bundles written by the builder parse back to what was put in; the builder refuses what the
//! parser would refuse.
#![cfg(feature = "alloc")]

use image_formats::bundle::{
    Bundle, BundleBuilder, BundleErrorKind as K, Entry, EntryField, EntrySpec, NameProblem,
    PayloadKind, Region, PAYLOAD_ALIGN,
};

/// Two entries: "new" (kernel A, gzip, with initrd, dtb, cmdline) falling back to "old"
/// (kernel B alone). Returns the bytes and the payload data in index order.
fn two_entry_bundle() -> (Vec<u8>, Vec<Vec<u8>>) {
    let data: Vec<Vec<u8>> = vec![
        (0..5000u32).map(|i| (i * 7) as u8).collect(),
        b"\x1f\x8b old kernel".to_vec(),
        vec![0x30; 12345],
        vec![0xd0, 0x0d, 0xfe, 0xed, 0, 0, 0, 0x28],
        b"console=ttyAMA0 root=/dev/vda rw".to_vec(),
    ];
    let mut b = BundleBuilder::new();
    let kernel_a = b.add_payload(PayloadKind::Kernel, "vmlinuz-6.12", data[0].clone(), false);
    let kernel_b = b.add_payload(PayloadKind::Kernel, "vmlinuz-6.1.gz", &data[1][..], true);
    let initrd = b.add_payload(PayloadKind::Initrd, "initrd.img", data[2].clone(), false);
    let dtb = b.add_payload(PayloadKind::Dtb, "virt.dtb", data[3].clone(), false);
    let cmdline = b.add_payload(PayloadKind::Cmdline, "cmdline", data[4].clone(), false);
    let new = b.add_entry(EntrySpec {
        initrd: Some(initrd),
        dtb: Some(dtb),
        cmdline: Some(cmdline),
        fallback: Some(1),
        ..EntrySpec::new("new", kernel_a)
    });
    let old = b.add_entry(EntrySpec::new("old", kernel_b));
    assert_eq!((new, old), (0, 1));
    (b.build().unwrap(), data)
}

#[test]
fn round_trips_payloads_and_entries() {
    let (bytes, data) = two_entry_bundle();
    let bundle = Bundle::parse(&bytes).unwrap();
    assert_eq!(bundle.total_size(), bytes.len());
    let kinds = [
        PayloadKind::Kernel,
        PayloadKind::Kernel,
        PayloadKind::Initrd,
        PayloadKind::Dtb,
        PayloadKind::Cmdline,
    ];
    let names = ["vmlinuz-6.12", "vmlinuz-6.1.gz", "initrd.img", "virt.dtb", "cmdline"];
    let payloads: Vec<_> = bundle.payloads().collect();
    assert_eq!(payloads.len(), 5);
    for (i, p) in payloads.iter().enumerate() {
        assert_eq!((p.index, p.kind, p.name, p.data), (i, kinds[i], names[i], &data[i][..]));
        assert_eq!(p.gzip, i == 1);
        assert_eq!(p.crc32, crc32fast::hash(&data[i]));
        assert_eq!(p.offset % PAYLOAD_ALIGN, 0, "payload {i} at {:#x}", p.offset);
        p.verify().unwrap();
    }
    let new = Entry {
        name: "new",
        kernel: 0,
        initrd: Some(2),
        dtb: Some(3),
        cmdline: Some(4),
        fallback: Some(1),
        bootlimit: 1,
    };
    let old = Entry {
        name: "old",
        kernel: 1,
        initrd: None,
        dtb: None,
        cmdline: None,
        fallback: None,
        bootlimit: 1,
    };
    assert_eq!(bundle.entries().collect::<Vec<_>>(), [new, old]);
    assert_eq!(bundle.entry(1), Some(old));
    assert_eq!(bundle.entry(2), None);
    assert_eq!(bundle.entry_by_name("old"), Some((1, old)));
    assert_eq!(bundle.entry_by_name("missing"), None);
    assert_eq!(bundle.payload(4).unwrap().as_cmdline(), Some("console=ttyAMA0 root=/dev/vda rw"));
    assert_eq!(bundle.payload(0).unwrap().as_cmdline(), None);
}

#[test]
fn total_size_is_eight_byte_aligned_and_covers_the_last_payload() {
    let (bytes, data) = two_entry_bundle();
    let bundle = Bundle::parse(&bytes).unwrap();
    let last = bundle.payload(4).unwrap();
    assert_eq!(bundle.total_size() % 8, 0);
    assert_eq!(
        bundle.total_size() as u64,
        (last.offset + data[4].len() as u64).next_multiple_of(8)
    );
}

#[test]
fn round_trips_empty_payload_and_32_byte_names() {
    let mut b = BundleBuilder::new();
    let name = "a-name-that-is-exactly-32-bytes!";
    assert_eq!(name.len(), 32);
    let kernel = b.add_payload(PayloadKind::Kernel, name, Vec::new(), false);
    b.add_payload(PayloadKind::Dtb, "überlay", vec![1, 2, 3], false);
    b.add_entry(EntrySpec::new(name, kernel));
    let bytes = b.build().unwrap();
    let bundle = Bundle::parse(&bytes).unwrap();
    let p = bundle.payload(0).unwrap();
    assert_eq!((p.name, p.kind, p.data.len()), (name, PayloadKind::Kernel, 0));
    assert_eq!(bundle.payload(1).unwrap().name, "überlay");
    assert_eq!(bundle.entry_by_name(name).unwrap().1.kernel, 0);
}

#[test]
fn builder_rejects_long_name() {
    let mut b = BundleBuilder::new();
    b.add_payload(PayloadKind::Kernel, &"k".repeat(33), vec![0], false);
    b.add_entry(EntrySpec::new("default", 0));
    let err = b.build().unwrap_err();
    let kind = K::BadName {
        table: Region::PayloadTable,
        index: 0,
        problem: NameProblem::TooLong { len: 33 },
    };
    assert_eq!((err.offset, err.kind), (0x58, kind));
}

#[test]
fn builder_rejects_empty_and_nul_names() {
    let mut b = BundleBuilder::new();
    b.add_payload(PayloadKind::Kernel, "k", vec![0], false);
    b.add_entry(EntrySpec::new("", 0));
    assert!(matches!(b.build().unwrap_err().kind, K::BadName { problem: NameProblem::Empty, .. }));
    let mut b = BundleBuilder::new();
    b.add_payload(PayloadKind::Kernel, "k\0x", vec![0], false);
    b.add_entry(EntrySpec::new("e", 0));
    assert!(matches!(
        b.build().unwrap_err().kind,
        K::BadName { problem: NameProblem::ContainsNul { at: 1 }, .. }
    ));
}

#[test]
fn builder_rejects_duplicate_entry_names() {
    let mut b = BundleBuilder::new();
    b.add_payload(PayloadKind::Kernel, "k", vec![0], false);
    b.add_entry(EntrySpec::new("same", 0));
    b.add_entry(EntrySpec::new("same", 0));
    let err = b.build().unwrap_err();
    let kind = K::BadName {
        table: Region::EntryTable,
        index: 1,
        problem: NameProblem::Duplicate { first: 0 },
    };
    assert_eq!(err.kind, kind);
}

#[test]
fn builder_rejects_bad_indices_and_kinds() {
    let mut b = BundleBuilder::new();
    b.add_payload(PayloadKind::Kernel, "k", vec![0], false);
    b.add_entry(EntrySpec { dtb: Some(3), ..EntrySpec::new("e", 0) });
    let kind = K::BadEntryIndex { entry: 0, field: EntryField::Dtb, value: 3, count: 1 };
    assert_eq!(b.build().unwrap_err().kind, kind);

    let mut b = BundleBuilder::new();
    b.add_payload(PayloadKind::Initrd, "i", vec![0], false);
    b.add_entry(EntrySpec::new("e", 0));
    let kind = K::WrongPayloadKind {
        entry: 0,
        field: EntryField::Kernel,
        payload: 0,
        found: PayloadKind::Initrd,
    };
    assert_eq!(b.build().unwrap_err().kind, kind);
}

#[test]
fn builder_rejects_backward_fallback_and_bad_cmdline() {
    let mut b = BundleBuilder::new();
    b.add_payload(PayloadKind::Kernel, "k", vec![0], false);
    b.add_entry(EntrySpec::new("a", 0));
    b.add_entry(EntrySpec { fallback: Some(0), ..EntrySpec::new("b", 0) });
    assert_eq!(b.build().unwrap_err().kind, K::FallbackNotForward { entry: 1, fallback: 0 });

    let mut b = BundleBuilder::new();
    b.add_payload(PayloadKind::Kernel, "k", vec![0], false);
    b.add_payload(PayloadKind::Cmdline, "c", vec![b'a', 0xff], false);
    b.add_entry(EntrySpec { cmdline: Some(1), ..EntrySpec::new("a", 0) });
    assert_eq!(b.build().unwrap_err().kind, K::BadCmdline { index: 1, invalid_at: Some(1) });
}

#[test]
fn builder_rejects_bundle_without_entries() {
    let mut b = BundleBuilder::new();
    b.add_payload(PayloadKind::Kernel, "k", vec![0], false);
    assert_eq!(b.build().unwrap_err().kind, K::NoEntries);
}
