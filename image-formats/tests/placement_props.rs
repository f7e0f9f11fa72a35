//! Property tests of the placement planner.
//!
//! `placement_support` restates booting.rst's rules independently of the planner, in `u128` so
//! that nothing can wrap. Four models: a wide one (any address, up to the top of the address
//! space) checks that every plan obeys the rules; a small one (256 MiB, 64 KiB granular) and a
//! window one (96 GiB, 2 MiB granular, always an initrd) and a tight one (one bank barely
//! larger than the kernel) also compare the plan, and the kind of error, with brute-force scans
//! for the lowest valid kernel base and DTB address.

mod placement_support;

use image_formats::placement::{plan, InUse, KernelRequest, DTB_MAX_SIZE};
use image_formats::MemRange;
use placement_support::{check_against_scan, check_plan, Case};
use proptest::prelude::*;

const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;

/// Multiples of `unit` below `limit`.
fn granular(unit: u64, limit: u64) -> impl Strategy<Value = u64> + Clone {
    (0..limit / unit).prop_map(move |k| k * unit)
}

fn kernel(footprint: impl Strategy<Value = u64>) -> impl Strategy<Value = KernelRequest> {
    (prop_oneof![Just(0u64), Just(0x8_0000)], footprint, any::<bool>()).prop_map(
        |(load_offset, footprint, anywhere)| KernelRequest { load_offset, footprint, anywhere },
    )
}

fn case(
    addr: impl Strategy<Value = u64> + Clone,
    (bank_size, region_size): (impl Strategy<Value = u64>, impl Strategy<Value = u64>),
    footprint: impl Strategy<Value = u64>,
    initrd: impl Strategy<Value = Option<MemRange>>,
) -> impl Strategy<Value = Case> {
    let range = (addr.clone(), bank_size).prop_map(|(base, size)| MemRange { base, size });
    let region = (addr, region_size)
        .prop_map(|(base, size)| InUse { range: MemRange::new(base, size), what: "occupied" });
    (
        prop::collection::vec(range, 1..4),
        prop::collection::vec(region, 0..10),
        kernel(footprint),
        prop_oneof![1..=DTB_MAX_SIZE, 0..=DTB_MAX_SIZE + 16],
        initrd,
    )
        .prop_map(|(dram, occupied, kernel, dtb_size, initrd)| Case {
            dram,
            occupied,
            kernel,
            dtb_size,
            initrd,
        })
}

fn wide_addr() -> impl Strategy<Value = u64> + Clone {
    prop_oneof![0..1u64 << 31, 0..1u64 << 40, u64::MAX - (1 << 34)..=u64::MAX]
}

fn wide_size() -> impl Strategy<Value = u64> + Clone {
    prop_oneof![4 => 0..1u64 << 28, 4 => 0..1u64 << 38, 1 => any::<u64>()]
}

fn wide_range() -> impl Strategy<Value = MemRange> + Clone {
    (wide_addr(), wide_size()).prop_map(|(base, size)| MemRange { base, size })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn plans_obey_booting_rst_anywhere_in_the_address_space(case in case(
        wide_addr(),
        (wide_size(), wide_size()),
        prop_oneof![1..1u64 << 27, any::<u64>()],
        prop::option::of(wide_range()),
    )) {
        if let Ok(p) = plan(&case.request()) {
            check_plan(&case, &p)?;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn plan_is_the_lowest_fit_in_a_small_memory(case in case(
        granular(64 << 10, 256 * MIB),
        (granular(64 << 10, 128 * MIB), granular(64 << 10, 16 * MIB)),
        granular(64 << 10, 32 * MIB),
        prop::option::of((granular(64 << 10, 256 * MIB), granular(64 << 10, 16 * MIB))
            .prop_map(|(base, size)| MemRange { base, size })),
    )) {
        check_against_scan(&case, 64 << 10)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn plan_is_the_lowest_fit_in_the_initrd_window(case in case(
        granular(2 * MIB, 96 * GIB),
        (granular(2 * MIB, 40 * GIB), granular(2 * MIB, 8 * GIB)),
        granular(2 * MIB, 64 * MIB),
        (granular(2 * MIB, 96 * GIB), granular(2 * MIB, 4 * GIB))
            .prop_map(|(base, size)| Some(MemRange { base, size })),
    )) {
        check_against_scan(&case, 2 << 20)?;
    }
}

/// One bank barely larger than the kernel, with small regions inside: the DTB often has no
/// 2 MiB slot above the kernel and must take the lowest gap below it.
fn tight_case() -> impl Strategy<Value = Case> {
    let k64 = 64 << 10;
    (
        prop_oneof![granular(2 * MIB, 64 * MIB), granular(k64, 64 * MIB)],
        granular(k64, 24 * MIB),
        granular(k64, 6 * MIB),
        any::<bool>(),
    )
        .prop_flat_map(move |(base, kernel_size, slack, offset)| {
            let size = kernel_size + slack + 2 * MIB;
            let inside = (granular(k64, size), granular(k64, 2 * MIB));
            let region = inside.clone().prop_map(move |(at, size)| InUse {
                range: MemRange::new(base + at, size),
                what: "occupied",
            });
            let initrd = inside.prop_map(move |(at, size)| MemRange { base: base + at, size });
            (prop::collection::vec(region, 0..4), prop::option::of(initrd), 1..=DTB_MAX_SIZE)
                .prop_map(move |(occupied, initrd, dtb_size)| Case {
                    dram: vec![MemRange { base, size }],
                    occupied,
                    kernel: KernelRequest {
                        load_offset: if offset { 0x8_0000 } else { 0 },
                        footprint: kernel_size + k64,
                        anywhere: true,
                    },
                    dtb_size,
                    initrd,
                })
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn plan_is_the_lowest_fit_in_a_tight_memory(case in tight_case()) {
        check_against_scan(&case, 64 << 10)?;
    }
}
