//! `Bundle::parse` on arbitrary bytes, and on the same bytes with every CRC recomputed (so the
//! mutations reach the table and entry checks). On success every accessor stays inside the
//! bundle, every index an entry holds is usable and of the right kind, payloads are aligned
//! and disjoint, and parsing the bundle's own bytes again gives the same bundle.
#![no_main]

use image_formats::bundle::layout::{ENTRY_RECORD_SIZE, PAYLOAD_RECORD_SIZE};
use image_formats::bundle::{Bundle, PayloadKind, HEADER_SIZE, OFFSET_ALIGN};
use libfuzzer_sys::fuzz_target;
use springboard_fuzz::bundle_seal::seal;

fuzz_target!(|data: &[u8]| {
    check(data, false);
    let mut sealed = data.to_vec();
    seal(&mut sealed);
    check(&sealed, true);
});

fn check(bytes: &[u8], sealed: bool) {
    let Ok(bundle) = Bundle::parse(bytes) else {
        return;
    };
    let total = bundle.total_size();
    assert!(total <= bytes.len());
    assert_eq!(bundle.as_bytes(), &bytes[..total]);
    assert!(bundle.entry_count() >= 1);

    let mut previous_end = 0u64;
    for index in 0..bundle.payload_count() {
        let payload = bundle.payload(index).expect("every payload of a parsed bundle is readable");
        assert_eq!(payload.index, index);
        let end = payload.offset + payload.data.len() as u64;
        assert!(end <= total as u64, "payload {index} ends at {end:#x} past {total:#x}");
        assert_eq!(payload.offset % OFFSET_ALIGN, 0, "payload {index} at {:#x}", payload.offset);
        assert!(
            payload.offset >= previous_end || payload.data.is_empty(),
            "payload {index} overlaps"
        );
        previous_end = previous_end.max(end);
        let stored = &bundle.as_bytes()[payload.offset as usize..end as usize];
        assert!(core::ptr::eq(stored, payload.data), "payload {index} data is not its range");
        let tables = [
            (bundle.payload_table_offset(), bundle.payload_count() * PAYLOAD_RECORD_SIZE),
            (bundle.entry_table_offset(), bundle.entry_count() * ENTRY_RECORD_SIZE),
            (0, HEADER_SIZE),
        ];
        for (start, len) in tables {
            let overlaps = start < end && payload.offset < start + len as u64;
            assert!(!overlaps || payload.data.is_empty(), "payload {index} overlaps {start:#x}");
        }
        if payload.kind == PayloadKind::Cmdline {
            assert!(payload.as_cmdline().is_some() && !payload.gzip);
        }
        if sealed {
            assert_eq!(payload.verify(), Ok(()), "payload {index} CRC after sealing");
        }
    }
    assert!(bundle.payload(bundle.payload_count()).is_none());
    assert_eq!(bundle.payloads().count(), bundle.payload_count());

    for index in 0..bundle.entry_count() {
        let entry = bundle.entry(index).expect("every entry of a parsed bundle is readable");
        let kind = |i: usize| bundle.payload(i).map(|p| p.kind);
        assert!(matches!(kind(entry.kernel), Some(PayloadKind::Kernel)));
        let typed = [
            (entry.initrd, PayloadKind::Initrd),
            (entry.dtb, PayloadKind::Dtb),
            (entry.cmdline, PayloadKind::Cmdline),
        ];
        for (payload, want) in typed {
            if let Some(i) = payload {
                assert_eq!(kind(i), Some(want), "entry {index}");
            }
        }
        if let Some(fallback) = entry.fallback {
            assert!(fallback > index && fallback < bundle.entry_count(), "entry {index}");
        }
        let (found, _) = bundle.entry_by_name(entry.name).expect("its own name finds an entry");
        assert!(found <= index);
    }
    assert!(bundle.entry(bundle.entry_count()).is_none());
    assert_eq!(bundle.entries().count(), bundle.entry_count());

    let again = Bundle::parse(bundle.as_bytes()).expect("a bundle's own bytes parse again");
    assert_eq!(again.as_bytes(), bundle.as_bytes());
    assert!(again.payloads().eq(bundle.payloads()));
    assert!(again.entries().eq(bundle.entries()));
}
