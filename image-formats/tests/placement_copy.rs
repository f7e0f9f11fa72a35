//! Placing a copy of the initrd (sequence mode: the kernel must not get the one inside the
//! bundle kept resident) after the kernel and its DTB are planned.

mod placement_common;

use image_formats::placement::{
    place_initrd_copy, plan, InUse, PlacementError, Request, INITRD_COPY_ALIGN,
    INITRD_WINDOW_ALIGN, INITRD_WINDOW_SIZE,
};
use image_formats::MemRange;
use placement_common::{region, request, DEBIAN, GIB, MIB, QEMU_DRAM};
use proptest::prelude::*;

fn overlaps(a: (u64, u64), b: (u64, u64)) -> bool {
    a.0 < b.0.saturating_add(b.1) && b.0 < a.0.saturating_add(a.1)
}

#[test]
fn qemu_layout_puts_the_copy_in_the_lowest_free_page_clear_of_everything() {
    let occupied = [
        region(0x4020_0000, 0x2b000, "springboard"),
        region(0x4800_0000, 0x0220_0000, "bundle"),
        region(0x4a20_0000, 0x10_0000, "dtb"),
        region(0x7fff_e000, 0x2000, "resident stub"),
    ];
    let mut req = request(&QEMU_DRAM, &occupied, DEBIAN);
    req.initrd = Some(MemRange { base: 0x49f6_f000, size: 0x1c_4000 });
    let p = plan(&req).unwrap();
    let copy = place_initrd_copy(&req, &p, 0x1c_4000).unwrap();
    // The 2 MiB below springboard is the lowest free place that holds 1.8 MiB.
    assert_eq!(copy, 0x4000_0000);
    assert!(!overlaps((copy, 0x1c_4000), (p.kernel_entry, p.kernel_end - p.kernel_entry)));
    assert!(!overlaps((copy, 0x1c_4000), (p.dtb, MIB)));
    for r in occupied {
        assert!(!overlaps((copy, 0x1c_4000), (r.range.base, r.range.size)), "overlaps {}", r.what);
    }
}

#[test]
fn reports_no_room_when_dram_is_full() {
    // 34 MiB left at the top: the kernel (32.1 MiB) and its DTB fit, a 16 MiB copy does not.
    let occupied = [region(0x4000_0000, GIB - 34 * MIB, "everything")];
    let req = request(&QEMU_DRAM, &occupied, DEBIAN);
    let p = plan(&req).unwrap();
    assert_eq!(
        place_initrd_copy(&req, &p, 0x100_0000),
        Err(PlacementError::NoRoomForInitrdCopy { size: 0x100_0000 })
    );
}

fn window_of(start: u64, end: u64, other: (u64, u64)) -> bool {
    let lo = start.min(other.0) & !(INITRD_WINDOW_ALIGN - 1);
    end.max(other.1) - lo <= INITRD_WINDOW_SIZE
}

proptest! {
    /// Whatever the layout, a copy that is found lies in DRAM, aligned, clear of everything,
    /// and in one window with the kernel image.
    #[test]
    fn a_found_copy_never_overlaps_anything(
        banks in prop::collection::vec((0u64..64, 1u64..8), 1..3),
        holes in prop::collection::vec((0u64..4096, 1u64..512), 0..6),
        size in 1u64..(256 * MIB),
    ) {
        let dram: Vec<MemRange> =
            banks.iter().map(|&(b, s)| MemRange { base: b * GIB, size: s * GIB / 2 }).collect();
        let occupied: Vec<InUse> =
            holes.iter().map(|&(b, s)| region(b * 16 * MIB, s * MIB, "hole")).collect();
        let req = Request {
            dram: &dram,
            occupied: &occupied,
            kernel: DEBIAN,
            dtb_size: MIB,
            initrd: None,
        };
        let Ok(p) = plan(&req) else { return Ok(()) };
        if let Ok(copy) = place_initrd_copy(&req, &p, size) {
            let end = copy + size;
            prop_assert_eq!(copy % INITRD_COPY_ALIGN, 0);
            prop_assert!(dram.iter().any(|b| b.base <= copy && end <= b.base + b.size));
            prop_assert!(!overlaps((copy, size), (p.kernel_entry, p.kernel_end - p.kernel_entry)));
            prop_assert!(!overlaps((copy, size), (p.dtb, MIB)));
            for r in &occupied {
                prop_assert!(!overlaps((copy, size), (r.range.base, r.range.size)));
            }
            prop_assert!(window_of(copy, end, (p.kernel_entry, p.kernel_end)));
        }
    }
}
