//! The placement planner on concrete kernel layouts: QEMU `virt` with a Debian kernel,
//! `text_offset`, and several DRAM banks.

use image_formats::placement::{plan, KernelRequest, PlacementError, Plan};
use image_formats::MemRange;

mod placement_common;

use placement_common::{region, request, DEBIAN, GIB, MIB, QEMU_DRAM};

#[test]
fn qemu_layout_places_debian_kernel_after_springboard() {
    // `qemu -kernel springboard.bin -initrd bundle`: springboard at DRAM + 2 MiB, the bundle at
    // 0x48000000 and QEMU's DTB after it.
    let occupied = [
        region(0x4020_0000, 0x20_0000, "springboard"),
        region(0x4800_0000, 0x240_0000, "bundle"),
        region(0x4a40_0000, 0x10_0000, "dtb"),
    ];
    let got = plan(&request(&QEMU_DRAM, &occupied, DEBIAN)).unwrap();
    assert_eq!(
        got,
        Plan {
            kernel_base: 0x4040_0000,
            kernel_entry: 0x4040_0000,
            kernel_end: 0x4241_0000,
            dtb: 0x4260_0000
        }
    );
}

#[test]
fn text_offset_is_added_to_the_2m_aligned_base() {
    let occupied = [region(0x4020_0000, 0x20_0000, "springboard")];
    let kernel = KernelRequest { load_offset: 0x8_0000, ..DEBIAN };
    let got = plan(&request(&QEMU_DRAM, &occupied, kernel)).unwrap();
    assert_eq!(got.kernel_base, 0x4040_0000);
    assert_eq!(got.kernel_entry, 0x4048_0000);
    assert_eq!(got.kernel_end, 0x4249_0000);
}

#[test]
fn space_below_the_load_offset_may_hold_occupied_regions() {
    // booting.rst: the bytes between the base and the image have no significance.
    let occupied = [region(0x4000_0000, 0x8_0000, "stub")];
    let kernel = KernelRequest { load_offset: 0x8_0000, ..DEBIAN };
    let got = plan(&request(&QEMU_DRAM, &occupied, kernel)).unwrap();
    assert_eq!(got.kernel_base, 0x4000_0000);
}

#[test]
fn near_base_kernel_is_confined_to_the_lowest_bank() {
    let dram = [
        MemRange { base: 0x8_0000_0000, size: GIB },
        MemRange { base: 0x4000_0000, size: 32 * MIB },
    ];
    let occupied = [region(0x4000_0000, 16 * MIB, "reserved-memory")];
    let near = KernelRequest { anywhere: false, ..DEBIAN };
    assert_eq!(
        plan(&request(&dram, &occupied, near)),
        Err(PlacementError::NoRoomForKernel {
            load_offset: 0,
            footprint: 0x0201_0000,
            anywhere: false
        })
    );
    let got = plan(&request(&dram, &occupied, DEBIAN)).unwrap();
    assert_eq!(got.kernel_base, 0x8_0000_0000);
}

#[test]
fn anywhere_kernel_takes_the_lowest_base_whatever_the_bank_order() {
    let dram =
        [MemRange { base: 0x8_0000_0000, size: GIB }, MemRange { base: 0x4000_0000, size: GIB }];
    let got = plan(&request(&dram, &[], DEBIAN)).unwrap();
    assert_eq!(got.kernel_base, 0x4000_0000);
    assert_eq!(got.dtb, 0x4220_0000);
}

#[test]
fn kernel_does_not_straddle_adjacent_banks() {
    let dram = [
        MemRange { base: 0x4000_0000, size: 32 * MIB },
        MemRange { base: 0x4200_0000, size: 32 * MIB },
    ];
    let kernel = KernelRequest { footprint: 48 * MIB, ..DEBIAN };
    assert!(matches!(
        plan(&request(&dram, &[], kernel)),
        Err(PlacementError::NoRoomForKernel { .. })
    ));
}
