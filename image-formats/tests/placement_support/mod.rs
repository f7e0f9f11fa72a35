//! An independent statement of booting.rst's placement rules, for the property tests in
//! `placement_props.rs`: plain `u128` arithmetic, so nothing can wrap, and brute-force scans
//! for the lowest valid addresses.

use image_formats::placement::{
    plan, InUse, KernelRequest, PlacementError, Plan, Request, DTB_MAX_SIZE,
};
use image_formats::MemRange;
use proptest::prelude::*;

const GIB: u64 = 1 << 30;
const KERNEL_ALIGN: u128 = 2 << 20;

/// The inputs of a [`Request`], owned so that proptest can generate them.
#[derive(Debug, Clone)]
pub struct Case {
    /// DRAM banks.
    pub dram: Vec<MemRange>,
    /// Regions already in use.
    pub occupied: Vec<InUse>,
    /// The kernel to place.
    pub kernel: KernelRequest,
    /// Bytes for the DTB.
    pub dtb_size: u64,
    /// The initrd handed over in place.
    pub initrd: Option<MemRange>,
}

impl Case {
    pub fn request(&self) -> Request<'_> {
        Request {
            dram: &self.dram,
            occupied: &self.occupied,
            kernel: self.kernel,
            dtb_size: self.dtb_size,
            initrd: self.initrd,
        }
    }

    pub fn first_bank(&self) -> Option<MemRange> {
        self.dram.iter().filter(|b| b.size != 0).min_by_key(|b| b.base).copied()
    }

    /// Everything a placed range must avoid, as `[start, end)` pairs.
    pub fn obstacles(&self) -> Vec<(u128, u128)> {
        let occupied = self.occupied.iter().map(|r| span(r.range.base, r.range.size));
        occupied.chain(self.initrd.map(|r| span(r.base, r.size))).collect()
    }

    /// Whether `[start, end)` lies inside one non-empty bank (the lowest one if `first_only`).
    pub fn in_one_bank(&self, start: u128, end: u128, first_only: bool) -> bool {
        let first = self.first_bank();
        self.dram.iter().filter(|b| b.size != 0).any(|b| {
            let (bank_start, bank_end) = span(b.base, b.size);
            (!first_only || Some(*b) == first) && bank_start <= start && end <= bank_end
        })
    }

    /// Whether a kernel at `base` obeys every rule; `window` says whether to check the initrd
    /// window too.
    pub fn kernel_ok(&self, base: u128, window: bool) -> bool {
        let k = self.kernel;
        let start = base + u128::from(k.load_offset);
        let end = start + u128::from(k.footprint);
        base % KERNEL_ALIGN == 0
            && end <= u128::from(u64::MAX)
            && self.in_one_bank(base, end, !k.anywhere)
            && self.obstacles().iter().all(|&o| !overlaps(o, (start, end)))
            && (!window || self.initrd_window_ok((start, end)))
    }

    pub fn initrd_window_ok(&self, image: (u128, u128)) -> bool {
        match self.initrd.filter(|r| r.size != 0) {
            None => true,
            Some(r) => {
                let initrd = span(r.base, r.size);
                let window_start = image.0.min(initrd.0) / u128::from(GIB) * u128::from(GIB);
                image.1.max(initrd.1) - window_start <= 32 * u128::from(GIB)
            }
        }
    }

    /// Whether the DTB at `at` obeys every rule, given the kernel image `[start, end)`.
    pub fn dtb_ok(&self, at: u128, image: (u128, u128)) -> bool {
        let end = at + u128::from(self.dtb_size);
        let block = u128::from(DTB_MAX_SIZE);
        at % 8 == 0
            && end <= u128::from(u64::MAX)
            && at / block == (end - 1) / block
            && self.in_one_bank(at, end, false)
            && !overlaps(image, (at, end))
            && self.obstacles().iter().all(|&o| !overlaps(o, (at, end)))
    }

    pub fn top(&self) -> u128 {
        self.dram.iter().map(|b| span(b.base, b.size).1).max().unwrap_or(0)
    }
}

fn span(base: u64, size: u64) -> (u128, u128) {
    (u128::from(base), u128::from(base) + u128::from(size))
}

fn overlaps(a: (u128, u128), b: (u128, u128)) -> bool {
    a.0 < a.1 && b.0 < b.1 && a.0 < b.1 && b.0 < a.1
}

fn image_of(p: &Plan) -> (u128, u128) {
    (u128::from(p.kernel_entry), u128::from(p.kernel_end))
}

/// Checks a plan against the rules; returns a description of the first broken one.
pub fn check_plan(case: &Case, p: &Plan) -> Result<(), TestCaseError> {
    let k = case.kernel;
    prop_assert_eq!(p.kernel_entry, p.kernel_base + k.load_offset);
    prop_assert_eq!(p.kernel_end, p.kernel_entry + k.footprint);
    prop_assert!(case.kernel_ok(u128::from(p.kernel_base), true), "kernel breaks a rule: {p:x?}");
    prop_assert!(case.dtb_ok(u128::from(p.dtb), image_of(p)), "dtb breaks a rule: {p:x?}");
    Ok(())
}

/// Compares the planner with brute-force scans: kernel bases every 2 MiB, the DTB every 2 MiB
/// above the kernel, then every `dtb_step` bytes (every input must be a multiple of it).
pub fn check_against_scan(case: &Case, dtb_step: u128) -> Result<(), TestCaseError> {
    let got = plan(&case.request());
    if case.kernel.footprint == 0 || case.dtb_size == 0 || case.dtb_size > DTB_MAX_SIZE {
        prop_assert!(got.is_err());
        return Ok(());
    }
    let top = case.top();
    let mut bases = (0..top).step_by(KERNEL_ALIGN as usize);
    let Some(base) = bases.clone().find(|&b| case.kernel_ok(b, true)) else {
        let window = bases.any(|b| case.kernel_ok(b, false));
        prop_assert!(
            matches!(
                (got, window),
                (Err(PlacementError::InitrdOutOfWindow { .. }), true)
                    | (Err(PlacementError::NoRoomForKernel { .. }), false)
            ),
            "got {got:x?}, a base outside the window exists: {window}"
        );
        return Ok(());
    };
    let k = case.kernel;
    let image = (base + u128::from(k.load_offset), base + u128::from(k.load_offset + k.footprint));
    let above = image.1.div_ceil(KERNEL_ALIGN) * KERNEL_ALIGN;
    let dtb = (above..top)
        .step_by(KERNEL_ALIGN as usize)
        .chain((0..top).step_by(dtb_step as usize))
        .find(|&at| case.dtb_ok(at, image));
    match dtb {
        Some(dtb) => {
            let p = got.map_err(|e| TestCaseError::fail(format!("expected a plan, got {e}")))?;
            prop_assert_eq!((u128::from(p.kernel_base), u128::from(p.dtb)), (base, dtb));
            check_plan(case, &p)?;
        }
        None => prop_assert_eq!(got, Err(PlacementError::NoRoomForDtb { size: case.dtb_size })),
    }
    Ok(())
}
