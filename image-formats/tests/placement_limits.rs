//! The placement planner at its limits: the initrd window, DTB placement and size, and the top
//! of the address space; and how its errors read.

use image_formats::placement::{plan, KernelRequest, PlacementError};
use image_formats::MemRange;

mod placement_common;

use placement_common::{region, request, DEBIAN, GIB, MIB, QEMU_DRAM};

#[test]
fn initrd_in_place_is_never_overwritten() {
    let mut req = request(&QEMU_DRAM, &[], DEBIAN);
    req.initrd = Some(MemRange { base: 0x4000_0000, size: 3 * MIB });
    assert_eq!(plan(&req).unwrap().kernel_base, 0x4040_0000);
}

#[test]
fn kernel_moves_up_into_the_initrd_window() {
    // DRAM from 1 GiB to 129 GiB; the initrd ends at 65 GiB + 16 MiB, so the window can start
    // no lower than 34 GiB and the kernel no lower than that.
    let dram = [MemRange { base: GIB, size: 128 * GIB }];
    let mut req = request(&dram, &[], DEBIAN);
    req.initrd = Some(MemRange { base: 65 * GIB, size: 16 * MIB });
    let got = plan(&req).unwrap();
    assert_eq!(got.kernel_base, 34 * GIB);
}

#[test]
fn rejects_initrd_that_shares_no_window_with_any_kernel_base() {
    // The initrd sits in the bundle; the only free DRAM is more than 32 GiB above it.
    let dram = [MemRange { base: GIB, size: 64 * GIB }];
    let occupied = [region(GIB, 41 * GIB, "bundle")];
    let mut req = request(&dram, &occupied, DEBIAN);
    req.initrd = Some(MemRange { base: GIB, size: 16 * MIB });
    assert_eq!(
        plan(&req),
        Err(PlacementError::InitrdOutOfWindow {
            initrd_base: GIB,
            initrd_size: 16 * MIB,
            footprint: 0x0201_0000
        })
    );
}

#[test]
fn rejects_initrd_that_wraps_past_the_top() {
    let mut req = request(&QEMU_DRAM, &[], DEBIAN);
    req.initrd = Some(MemRange { base: u64::MAX - MIB, size: 2 * MIB });
    assert_eq!(
        plan(&req),
        Err(PlacementError::InitrdOverflow { initrd_base: u64::MAX - MIB, initrd_size: 2 * MIB })
    );
}

#[test]
fn empty_initrd_constrains_nothing() {
    let dram = [MemRange { base: GIB, size: 64 * GIB }];
    let mut req = request(&dram, &[], DEBIAN);
    req.initrd = Some(MemRange { base: 60 * GIB, size: 0 });
    assert_eq!(plan(&req).unwrap().kernel_base, GIB);
}

#[test]
fn rejects_dtb_larger_than_2m_and_empty_dtb() {
    let mut req = request(&QEMU_DRAM, &[], DEBIAN);
    req.dtb_size = 2 * MIB + 1;
    assert_eq!(plan(&req), Err(PlacementError::DtbTooLarge { size: 2 * MIB + 1 }));
    req.dtb_size = 0;
    assert_eq!(plan(&req), Err(PlacementError::DtbEmpty));
    req.dtb_size = 2 * MIB;
    assert_eq!(plan(&req).unwrap().dtb, 0x4220_0000);
}

#[test]
fn dtb_falls_back_below_the_kernel_when_nothing_is_free_above() {
    let dram = [MemRange { base: 0x4000_0000, size: 64 * MIB }];
    let occupied = [region(0x4000_0000, MIB, "stub")];
    let kernel = KernelRequest { footprint: 62 * MIB, ..DEBIAN };
    let got = plan(&request(&dram, &occupied, kernel)).unwrap();
    assert_eq!((got.kernel_base, got.kernel_end), (0x4020_0000, 0x4400_0000));
    assert_eq!(got.dtb, 0x4010_0000);
}

#[test]
fn dtb_never_crosses_a_2m_boundary() {
    // Free below the kernel: [0x40180000, 0x40300000). The kernel fills the rest of the bank.
    let dram = [MemRange { base: 0x4000_0000, size: 64 * MIB }];
    let occupied =
        [region(0x4000_0000, 0x18_0000, "stub"), region(0x4030_0000, MIB, "reserved-memory")];
    let kernel = KernelRequest { footprint: 60 * MIB, ..DEBIAN };
    let mut req = request(&dram, &occupied, kernel);
    assert_eq!(plan(&req).unwrap().kernel_end, 0x4400_0000);
    req.dtb_size = 0x8_0000;
    assert_eq!(plan(&req).unwrap().dtb, 0x4018_0000);
    // 8 bytes more would cross 0x40200000: the DTB moves up to that boundary.
    req.dtb_size = 0x8_0008;
    assert_eq!(plan(&req).unwrap().dtb, 0x4020_0000);
    // Larger than what is left above the boundary: no room.
    req.dtb_size = 0x10_0008;
    assert_eq!(plan(&req), Err(PlacementError::NoRoomForDtb { size: 0x10_0008 }));
}

#[test]
fn rejects_zero_footprint() {
    let kernel = KernelRequest { footprint: 0, ..DEBIAN };
    assert_eq!(
        plan(&request(&QEMU_DRAM, &[], kernel)),
        Err(PlacementError::EmptyKernel { load_offset: 0 })
    );
}

#[test]
fn top_of_the_address_space_does_not_wrap() {
    // This bank's end (2^64) is not representable; it is clipped to u64::MAX.
    let dram = [MemRange { base: 0xffff_ffff_fc00_0000, size: 64 * MIB }];
    let got = plan(&request(&dram, &[], DEBIAN)).unwrap();
    assert_eq!(got.kernel_base, 0xffff_ffff_fc00_0000);
    assert_eq!(got.kernel_end, 0xffff_ffff_fe01_0000);
    assert_eq!(got.dtb, 0xffff_ffff_fe20_0000);

    for kernel in [
        KernelRequest { footprint: u64::MAX, ..DEBIAN },
        KernelRequest { load_offset: u64::MAX, ..DEBIAN },
        KernelRequest { load_offset: 63 * MIB, footprint: MIB, anywhere: true },
    ] {
        assert!(matches!(
            plan(&request(&dram, &[], kernel)),
            Err(PlacementError::NoRoomForKernel { .. })
        ));
    }
}

#[test]
fn wrapping_occupied_region_covers_the_top() {
    let dram = [MemRange { base: 0xffff_ffff_fc00_0000, size: 64 * MIB }];
    let occupied = [region(0xffff_ffff_fe00_0000, u64::MAX, "reserved-memory")];
    let kernel = KernelRequest { footprint: 32 * MIB, ..DEBIAN };
    let mut req = request(&dram, &occupied, kernel);
    req.dtb_size = 8;
    assert_eq!(plan(&req), Err(PlacementError::NoRoomForDtb { size: 8 }));
}

#[test]
fn errors_display_their_values() {
    let text = |e: PlacementError| e.to_string();
    let msg = text(PlacementError::NoRoomForKernel {
        load_offset: 0x80000,
        footprint: 0x2010000,
        anywhere: false,
    });
    assert!(
        msg.contains("0x2010000") && msg.contains("0x80000") && msg.contains("lowest DRAM bank"),
        "{msg}"
    );
    let msg = text(PlacementError::InitrdOutOfWindow {
        initrd_base: 0x48000000,
        initrd_size: 0x1000,
        footprint: 0x2010000,
    });
    assert!(
        msg.contains("0x48000000") && msg.contains("0x1000") && msg.contains("0x800000000"),
        "{msg}"
    );
    assert_eq!(
        text(PlacementError::DtbTooLarge { size: 0x200001 }),
        "DTB of 0x200001 bytes is larger than the 0x200000-byte limit"
    );
    assert!(text(PlacementError::NoRoomForDtb { size: 0x123 }).contains("0x123"));
}
