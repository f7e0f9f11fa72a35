//! `ImageHeader::parse` on the first 64 bytes, then `placement::plan` (and
//! `place_initrd_copy`) with DRAM banks, occupied regions, an initrd and a DTB size chosen by
//! the rest of the data. Every region of a returned plan lies in one DRAM bank, is aligned as
//! booting.rst asks, and overlaps nothing occupied, the initrd, nor the other placed regions.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use image_formats::image::{ImageHeader, HEADER_LEN};
use image_formats::placement::{
    place_initrd_copy, plan, InUse, KernelRequest, Plan, Request, DTB_ALIGN, DTB_MAX_SIZE,
    INITRD_COPY_ALIGN, INITRD_WINDOW_ALIGN, INITRD_WINDOW_SIZE, KERNEL_ALIGN,
};
use image_formats::MemRange;
use libfuzzer_sys::fuzz_target;

/// An address or size at one of the scales that matter: raw, pages, 2 MiB blocks, GiB.
fn scaled(u: &mut Unstructured) -> arbitrary::Result<u64> {
    Ok(match u.int_in_range(0..=3)? {
        0 => u64::arbitrary(u)?,
        1 => u64::from(u32::arbitrary(u)?) << 12,
        2 => u64::from(u16::arbitrary(u)?) << 21,
        _ => u64::from(u8::arbitrary(u)?) << 30,
    })
}

fn range(u: &mut Unstructured) -> arbitrary::Result<MemRange> {
    Ok(MemRange { base: scaled(u)?, size: scaled(u)? })
}

fn overlaps(a: (u64, u64), b: (u64, u64)) -> bool {
    a.0 < b.1 && b.0 < a.1 && a.0 < a.1 && b.0 < b.1
}

/// `[start, end)` of a range whose end saturates (the planner's reading of a wrapping end).
fn span(base: u64, size: u64) -> (u64, u64) {
    (base, base.saturating_add(size))
}

fn in_one_bank(dram: &[MemRange], start: u64, end: u64) -> bool {
    dram.iter().any(|b| {
        let (bs, be) = span(b.base, b.size);
        b.size != 0 && bs <= start && end <= be
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((header, rest)) = data.split_at_checked(HEADER_LEN) else {
        return;
    };
    let mut u = Unstructured::new(rest);
    let file_len = scaled(&mut u).unwrap_or(0);
    let kernel = match ImageHeader::parse(header) {
        Ok(h) => {
            assert!(!h.big_endian());
            assert!(h.footprint(file_len) >= file_len);
            if h.image_size == 0 {
                assert_eq!(h.load_offset(), image_formats::image::LEGACY_TEXT_OFFSET);
            }
            KernelRequest {
                load_offset: h.load_offset(),
                footprint: h.footprint(file_len),
                anywhere: h.anywhere(),
            }
        }
        // Not a kernel: the planner still gets a request, from the fuzz data.
        Err(_) => match (scaled(&mut u), scaled(&mut u), bool::arbitrary(&mut u)) {
            (Ok(load_offset), Ok(footprint), Ok(anywhere)) => {
                KernelRequest { load_offset, footprint, anywhere }
            }
            _ => return,
        },
    };
    let Ok(req) = request(&mut u) else {
        return;
    };
    let req = Request { dram: &req.0, occupied: &req.1, kernel, dtb_size: req.2, initrd: req.3 };
    let Ok(p) = plan(&req) else {
        return;
    };
    check_plan(&req, &p);
    let copy_size = scaled(&mut u).unwrap_or(1);
    if let Ok(copy) = place_initrd_copy(&req, &p, copy_size) {
        let end = copy.checked_add(copy_size).expect("the copy does not wrap");
        assert_eq!(copy % INITRD_COPY_ALIGN, 0);
        assert!(in_one_bank(req.dram, copy, end), "copy {copy:#x}+{copy_size:#x}");
        let copy = (copy, end);
        assert!(!overlaps(copy, (p.kernel_entry, p.kernel_end)), "copy over the kernel");
        assert!(!overlaps(copy, (p.dtb, p.dtb + req.dtb_size)), "copy over the DTB");
        for r in req.occupied {
            assert!(!overlaps(copy, span(r.range.base, r.range.size)), "copy over {r:?}");
        }
        if let Some(i) = req.initrd {
            assert!(!overlaps(copy, span(i.base, i.size)), "copy over the initrd");
        }
        let window = copy.0.min(p.kernel_entry) / INITRD_WINDOW_ALIGN * INITRD_WINDOW_ALIGN;
        assert!(copy.1.max(p.kernel_end) - window <= INITRD_WINDOW_SIZE, "copy out of window");
    }
});

/// The arbitrary parts of a request: DRAM, occupied regions, DTB size, initrd.
#[allow(clippy::type_complexity)]
fn request(
    u: &mut Unstructured,
) -> arbitrary::Result<(Vec<MemRange>, Vec<InUse>, u64, Option<MemRange>)> {
    let banks = u.int_in_range(1..=4)?;
    let dram = (0..banks).map(|_| range(u)).collect::<arbitrary::Result<Vec<_>>>()?;
    let count = u.int_in_range(0..=8)?;
    let occupied = (0..count)
        .map(|_| Ok(InUse { range: MemRange::new(scaled(u)?, scaled(u)?), what: "fuzz" }))
        .collect::<arbitrary::Result<Vec<_>>>()?;
    let dtb_size = u.int_in_range(0..=DTB_MAX_SIZE + 1)?;
    let initrd = if bool::arbitrary(u)? { Some(range(u)?) } else { None };
    Ok((dram, occupied, dtb_size, initrd))
}

fn check_plan(req: &Request, p: &Plan) {
    let k = req.kernel;
    assert_eq!(p.kernel_base % KERNEL_ALIGN, 0, "{p:x?}");
    assert_eq!(p.kernel_entry, p.kernel_base + k.load_offset, "{p:x?}");
    assert_eq!(p.kernel_end, p.kernel_entry + k.footprint, "{p:x?}");
    assert!(in_one_bank(req.dram, p.kernel_base, p.kernel_end), "kernel outside DRAM: {p:x?}");
    if !k.anywhere {
        let lowest = req.dram.iter().filter(|b| b.size != 0).map(|b| b.base).min();
        let bank = req.dram.iter().find(|b| b.base == lowest.unwrap_or(0) && b.size != 0);
        let bank = bank.expect("a plan needs a bank");
        let (bs, be) = span(bank.base, bank.size);
        assert!(bs <= p.kernel_base && p.kernel_end <= be, "not in the lowest bank: {p:x?}");
    }
    let kernel = (p.kernel_entry, p.kernel_end);
    let dtb_end = p.dtb.checked_add(req.dtb_size).expect("the DTB does not wrap");
    let dtb = (p.dtb, dtb_end);
    assert_eq!(p.dtb % DTB_ALIGN, 0, "{p:x?}");
    assert_eq!(p.dtb / DTB_MAX_SIZE, (dtb_end - 1) / DTB_MAX_SIZE, "DTB crosses 2 MiB: {p:x?}");
    assert!(in_one_bank(req.dram, p.dtb, dtb_end), "DTB outside DRAM: {p:x?}");
    assert!(!overlaps(kernel, dtb), "DTB over the kernel: {p:x?}");
    for r in req.occupied {
        let r = span(r.range.base, r.range.size);
        assert!(!overlaps(kernel, r), "kernel over {r:x?}: {p:x?}");
        assert!(!overlaps(dtb, r), "DTB over {r:x?}: {p:x?}");
    }
    if let Some(i) = req.initrd.filter(|i| i.size != 0) {
        let initrd = (i.base, i.base + i.size);
        assert!(!overlaps(kernel, initrd), "kernel over the initrd: {p:x?}");
        assert!(!overlaps(dtb, initrd), "DTB over the initrd: {p:x?}");
        let window = initrd.0.min(kernel.0) / INITRD_WINDOW_ALIGN * INITRD_WINDOW_ALIGN;
        let top = initrd.1.max(kernel.1);
        assert!(top - window <= INITRD_WINDOW_SIZE, "initrd and kernel not in one window: {p:x?}");
    }
}
