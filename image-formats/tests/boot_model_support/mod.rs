//! The boot model's invariants, checked on one [`Case`]: what springboard was given, run
//! through `resident_region`, `check_bundle_range`, `kho::locate`/`scratch_ranges`,
//! `check_kho_array`, `view` and `place` as the loader runs them. Shared by
//! `tests/boot_model.rs` and the `boot_model` fuzz target (which includes this file).
//!
//! Every check restates a rule of DESIGN §2.1 independently of the model, in `u128` so that
//! nothing wraps: each write lies in DRAM (and, but for the resident region, in the banks the
//! view allows), the writes are disjoint, and none overlaps what must survive — springboard,
//! the incoming DTB, the bundle, the console's registers, a KHO FDT or scratch array, or a
//! reservation of either DTB (the resident write may equal a reservation of exactly itself).

// Each user takes the parts it needs.
#![allow(dead_code)]

use image_formats::boot::{
    bundle_reservation, check_bundle_range, check_kho_array, place, resident_region,
    stub_reservation, view, Conduit, Enter, EntryFacts, EntryPlan, Kho, Machine, Refusal, View,
    Write, WriteKind,
};
use image_formats::fdt::Summary;
use image_formats::image::ImageHeader;
use image_formats::kho;
use image_formats::placement::KernelRequest;
use image_formats::MemRange;

/// A 4 KiB page.
pub const PAGE: u64 = 0x1000;

/// Everything springboard is given for one entry.
#[derive(Debug, Clone)]
pub struct Case {
    /// The incoming (firmware's) DTB.
    pub firmware: Summary<'static>,
    /// The entry's own DTB.
    pub own: Option<Summary<'static>>,
    /// Kexec HandOver: where `linux,kho-fdt` and `linux,kho-scratch` point, and the array's
    /// bytes.
    pub kho: Option<KhoCase>,
    /// Where springboard and what it was given lie, and how it was entered.
    pub start: Start,
    /// The entry: its kernel, initrd and modes.
    pub entry: Entry,
}

/// Where springboard and what it was given lie, and how it was entered: the model's
/// [`Machine`] but for the DTB's summary and the resident region the model chooses.
#[derive(Debug, Clone)]
pub struct Start {
    /// springboard's image.
    pub image: MemRange,
    /// The incoming DTB's range.
    pub dtb: MemRange,
    /// Bytes of the resident region.
    pub resident_size: u64,
    /// The bundle's range.
    pub bundle: MemRange,
    /// The console's registers.
    pub console: Option<MemRange>,
    /// The exception level springboard was entered at.
    pub entry_el: u8,
}

/// The entry springboard boots: the model's [`EntryFacts`] but for the entry's own DTB, and
/// the bound the kernel's DTB may grow to.
#[derive(Debug, Clone)]
pub struct Entry {
    /// What the kernel's header asks for.
    pub kernel: KernelRequest,
    /// The kernel's length.
    pub kernel_len: u64,
    /// The initrd inside the bundle.
    pub initrd: Option<MemRange>,
    /// Sequence mode.
    pub keep_bundle: bool,
    /// `springboard.handoff=el1`.
    pub el1: bool,
    /// The size the kernel's DTB may grow to.
    pub dtb_bound: u64,
}

impl Case {
    /// The machine the model sees, with the resident region `resident`.
    pub fn machine(&self, resident: MemRange) -> Machine<'_, 'static> {
        let s = &self.start;
        Machine {
            summary: &self.firmware,
            dtb: s.dtb,
            image: s.image,
            resident,
            bundle: s.bundle,
            console: s.console,
            entry_el: s.entry_el,
            stub_served_psci: false,
        }
    }

    /// The facts of the entry the model sees.
    pub fn facts(&self) -> EntryFacts<'_, 'static> {
        let e = &self.entry;
        EntryFacts {
            kernel: e.kernel,
            kernel_len: e.kernel_len,
            initrd: e.initrd,
            own_dtb: self.own.as_ref(),
            keep_bundle: e.keep_bundle,
            el1: e.el1,
        }
    }
}

/// What a kernel with header `h` and `file_len` bytes asks of the placement.
pub fn kernel_request(h: &ImageHeader, file_len: u64) -> KernelRequest {
    KernelRequest {
        load_offset: h.load_offset(),
        footprint: h.footprint(file_len),
        anywhere: h.anywhere(),
    }
}

/// The KHO properties of the incoming DTB and the scratch array's bytes.
#[derive(Debug, Clone)]
pub struct KhoCase {
    /// `linux,kho-fdt`.
    pub fdt: MemRange,
    /// `linux,kho-scratch` (its size is `array.len()`).
    pub array_at: u64,
    /// The `struct kho_scratch` array.
    pub array: Vec<u8>,
}

/// How far a case got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A step of the model refused (the step's name and the refusal).
    Refused(&'static str, Refusal),
    /// The KHO description was refused before the model ran (`kho::locate` or
    /// `kho::scratch_ranges`).
    KhoUnreadable,
    /// Every step succeeded and the plan passed every check.
    Planned,
}

/// Runs the case through the model as the loader does, checking every result; `Err` names the
/// broken invariant.
pub fn run(c: &Case) -> Result<Outcome, String> {
    let fw = &c.firmware;
    let resident = match resident_region(fw, c.start.image, c.start.dtb, c.start.resident_size) {
        Ok(r) => r,
        Err(e) => return Ok(Outcome::Refused("resident_region", e)),
    };
    check_resident(c, resident)?;
    if let Err(e) = check_bundle_range(fw, c.start.image, resident, c.start.bundle) {
        return Ok(Outcome::Refused("check_bundle_range", e));
    }
    check_bundle(c, resident)?;
    let handover = match &c.kho {
        Some(k) => {
            let array = MemRange { base: k.array_at, size: k.array.len() as u64 };
            let located = kho::locate(Some(k.fdt), Some(array), fw.memory.as_slice());
            let (Ok(Some(handover)), Ok(scratch)) =
                (located, kho::scratch_ranges(&k.array, fw.memory.as_slice()))
            else {
                return Ok(Outcome::KhoUnreadable);
            };
            if let Err(e) = check_kho_array(&handover, c.start.image, resident) {
                return Ok(Outcome::Refused("check_kho_array", e));
            }
            for kept in [handover.fdt, handover.array] {
                for (mine, what) in [(c.start.image, "springboard"), (resident, "resident")] {
                    ensure(!overlaps(kept, mine), || format!("KHO {kept:x?} over {what}"))?;
                }
            }
            Some((handover, scratch))
        }
        None => None,
    };
    let (machine, facts) = (c.machine(resident), c.facts());
    let kho = handover.as_ref().map(|(handover, scratch)| Kho { handover: *handover, scratch });
    let v = match view(&machine, &facts, kho.as_ref()) {
        Ok(v) => v,
        Err(e) => return Ok(Outcome::Refused("view", e)),
    };
    check_view(c, resident, kho.as_ref(), &v)?;
    let plan = match place(&facts, &v, c.entry.dtb_bound) {
        Ok(p) => p,
        Err(e) => return Ok(Outcome::Refused("place", e)),
    };
    check_plan(c, resident, kho.as_ref(), &v, &plan)?;
    Ok(Outcome::Planned)
}

fn ensure(ok: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(what())
    }
}

fn end(r: MemRange) -> u128 {
    u128::from(r.base) + u128::from(r.size)
}

/// Whether the ranges share a byte (empty ranges share none).
pub fn overlaps(a: MemRange, b: MemRange) -> bool {
    a.size != 0 && b.size != 0 && u128::from(a.base) < end(b) && u128::from(b.base) < end(a)
}

/// Whether `inner` lies inside `outer`.
pub fn inside(inner: MemRange, outer: MemRange) -> bool {
    outer.base <= inner.base && end(inner) <= end(outer)
}

fn of(r: &MemRange) -> MemRange {
    MemRange { base: r.base, size: r.size }
}

/// The `/memreserve/` entries and `/reserved-memory` ranges of `s`.
pub fn reservations<'s>(s: &'s Summary) -> impl Iterator<Item = MemRange> + Clone + 's {
    s.memreserve.iter().chain(s.reserved_memory.iter()).copied()
}

fn check_resident(c: &Case, r: MemRange) -> Result<(), String> {
    let first = c.firmware.memory.as_slice()[0];
    ensure(r.size == c.start.resident_size && end(r) == end(first), || {
        format!("resident {r:x?} is not the top {:#x} bytes of {first:x?}", c.start.resident_size)
    })?;
    ensure(r.base > first.base && end(r) % u128::from(PAGE) == 0, || {
        format!("resident {r:x?} not above the bank's base and page aligned")
    })?;
    if c.start.resident_size % PAGE == 0 {
        ensure(r.base % PAGE == 0, || format!("resident {r:x?} base not page aligned"))?;
    }
    for (other, what) in [(c.start.image, "springboard"), (c.start.dtb, "the DTB")] {
        ensure(!overlaps(r, other), || format!("resident {r:x?} over {what} {other:x?}"))?;
    }
    for res in reservations(&c.firmware) {
        ensure(res == r || !overlaps(r, res), || {
            format!("resident {r:x?} over reserved {res:x?}")
        })?;
    }
    Ok(())
}

fn check_bundle(c: &Case, resident: MemRange) -> Result<(), String> {
    let b = c.start.bundle;
    let banks = c.firmware.memory.as_slice();
    ensure(banks.iter().any(|bank| inside(b, *bank)), || format!("bundle {b:x?} not in a bank"))?;
    for (other, what) in [(c.start.image, "springboard"), (resident, "resident")] {
        ensure(!overlaps(b, other), || format!("bundle {b:x?} over {what} {other:x?}"))?;
    }
    for res in reservations(&c.firmware) {
        ensure(res == b || !overlaps(b, res), || format!("bundle {b:x?} over reserved {res:x?}"))?;
    }
    Ok(())
}

fn check_view(c: &Case, resident: MemRange, kho: Option<&Kho>, v: &View) -> Result<(), String> {
    let firmware_conduit = c.firmware.psci_method.and_then(Conduit::from_method);
    let (enter, psci) = match (c.start.entry_el, c.entry.el1) {
        (0 | 1, _) => (Enter::El1Direct, firmware_conduit),
        (_, true) => (Enter::El1AboveStub, Some(Conduit::Hvc)),
        (_, false) => (Enter::El2, Some(Conduit::Smc)),
    };
    ensure(v.enter == enter && v.psci == psci, || {
        format!(
            "entered at EL{} (el1 {}): {:?}/{:?}",
            c.start.entry_el, c.entry.el1, v.enter, v.psci
        )
    })?;
    ensure(v.kho == kho.is_some(), || "view.kho".into())?;
    let carry = c.own.and(kho).map(|k| [k.handover.fdt, k.handover.array]);
    ensure(v.carry_kho == carry, || format!("carry_kho {:x?}", v.carry_kho))?;

    let rs = v.reservations();
    ensure(rs.first() == Some(&stub_reservation(resident)), || format!("first of {rs:x?}"))?;
    let kept = usize::from(c.entry.keep_bundle);
    if c.entry.keep_bundle {
        ensure(rs.get(1) == Some(&bundle_reservation(c.start.bundle)), || {
            format!("no bundle: {rs:x?}")
        })?;
    }
    let bundle_told = rs.iter().any(|r| r.range == c.start.bundle);
    ensure(bundle_told == c.entry.keep_bundle, || {
        format!("bundle reserved {bundle_told}: {rs:x?}")
    })?;
    ensure(rs.len() == 1 + kept + v.carried, || format!("{} carried of {rs:x?}", v.carried))?;
    let carried = &rs[1 + kept..];
    match &c.own {
        None => ensure(v.carried == 0, || format!("carried {} without own DTB", v.carried))?,
        Some(own) => {
            for r in carried {
                let from_firmware = reservations(&c.firmware).any(|f| f == r.range);
                ensure(from_firmware, || format!("carried {r:x?} is not the firmware's"))?;
            }
            // But springboard's own nodes: exactly the resident region or the bundle.
            for f in reservations(&c.firmware).filter(|f| *f != resident && *f != c.start.bundle) {
                let told =
                    carried.iter().any(|r| r.range == f) || reservations(own).any(|o| inside(f, o));
                ensure(told, || format!("firmware reservation {f:x?} not carried"))?;
            }
        }
    }

    let first = c.firmware.memory.as_slice()[0];
    for bank in v.banks().iter().map(of) {
        ensure(bank.size != 0 && inside(bank, first), || {
            format!("bank {bank:x?} outside {first:x?}")
        })?;
        if let Some(own) = &c.own {
            let declared = own.memory.iter().any(|m| inside(bank, *m));
            ensure(declared, || format!("bank {bank:x?} not in the entry DTB's memory"))?;
        }
        if let Some(k) = kho {
            let scratch = k.scratch.contains(bank);
            ensure(scratch, || format!("bank {bank:x?} not in a KHO scratch range"))?;
        }
    }
    let outside_scratch = |r: MemRange| kho.is_some_and(|k| !k.scratch.contains(r));
    let copy = c.entry.initrd.is_some_and(|r| c.entry.keep_bundle || outside_scratch(r));
    ensure(v.copy_initrd == copy, || {
        format!("copy_initrd {} for {:x?}", v.copy_initrd, c.entry.initrd)
    })
}

fn check_plan(
    c: &Case,
    resident: MemRange,
    kho: Option<&Kho>,
    v: &View,
    plan: &EntryPlan,
) -> Result<(), String> {
    let writes: Vec<Write> = plan.writes(resident).collect();
    let kind = |k| writes.iter().filter(move |w: &&Write| w.kind == k).map(|w| w.range);
    let residents: Vec<_> = kind(WriteKind::Resident).collect();
    ensure(residents == [resident], || format!("resident writes {residents:x?}"))?;
    let kernel = MemRange { base: plan.placement.kernel_entry, size: c.entry.kernel_len };
    ensure(kind(WriteKind::Kernel).eq([kernel]), || format!("kernel writes in {writes:x?}"))?;
    ensure(c.entry.kernel_len <= c.entry.kernel.footprint, || {
        "kernel longer than its footprint".into()
    })?;
    ensure(
        plan.placement.kernel_end - plan.placement.kernel_entry == c.entry.kernel.footprint,
        || format!("footprint {:x?}", plan.placement),
    )?;
    let dtb = MemRange { base: plan.placement.dtb, size: c.entry.dtb_bound };
    ensure(kind(WriteKind::Dtb).eq([dtb]) && plan.dtb == dtb, || format!("DTB in {writes:x?}"))?;

    // Where the kernel is told its initrd is.
    let copies: Vec<_> = kind(WriteKind::InitrdCopy).collect();
    match c.entry.initrd {
        None => {
            ensure(plan.initrd.is_none() && copies.is_empty(), || "an initrd from nowhere".into())?
        }
        Some(i) if !v.copy_initrd => {
            ensure(inside(i, c.start.bundle), || format!("initrd {i:x?} not in the bundle"))?;
            ensure(
                plan.initrd == Some(i) && plan.initrd_copy.is_none() && copies.is_empty(),
                || format!("in-place initrd {i:x?}: {plan:x?}"),
            )?;
        }
        Some(i) => {
            let copy = plan.initrd_copy.ok_or("a copied initrd without a copy")?;
            ensure(copy.size == i.size && plan.initrd == Some(copy) && copies == [copy], || {
                format!("copied initrd {i:x?}: {plan:x?}")
            })?;
        }
    }
    if let (Some(k), Some(i)) = (kho, plan.initrd) {
        ensure(k.scratch.contains(i), || format!("initrd {i:x?} outside scratch"))?;
    }

    let mut survivors = vec![
        (c.start.image, "springboard"),
        (c.start.dtb, "the incoming DTB"),
        (c.start.bundle, "the bundle"),
    ];
    survivors.extend(c.start.console.map(|r| (r, "the console")));
    if let Some(k) = kho {
        survivors.push((k.handover.fdt, "the KHO FDT"));
        survivors.push((k.handover.array, "the KHO scratch array"));
    }
    let reserved: Vec<MemRange> =
        reservations(&c.firmware).chain(c.own.iter().flat_map(|o| reservations(o))).collect();
    let banks = c.firmware.memory.as_slice();
    let allowed: Vec<MemRange> = v.banks().iter().map(of).collect();
    for (i, w) in writes.iter().enumerate() {
        let r = w.range;
        ensure(r.size != 0 && banks.iter().any(|b| inside(r, *b)), || {
            format!("{:?} write {r:x?} not in one DRAM bank", w.kind)
        })?;
        if w.kind != WriteKind::Resident {
            ensure(allowed.iter().any(|b| inside(r, *b)), || {
                format!("{:?} write {r:x?} outside the view's banks {allowed:x?}", w.kind)
            })?;
        }
        for (s, what) in &survivors {
            ensure(!overlaps(r, *s), || format!("{:?} write {r:x?} over {what} {s:x?}", w.kind))?;
        }
        for res in &reserved {
            let own_node = w.kind == WriteKind::Resident && *res == r;
            ensure(own_node || !overlaps(r, *res), || {
                format!("{:?} write {r:x?} over reservation {res:x?}", w.kind)
            })?;
        }
        for other in &writes[i + 1..] {
            ensure(!overlaps(r, other.range), || {
                format!("{:?} write {r:x?} over {:?} write {:x?}", w.kind, other.kind, other.range)
            })?;
        }
    }
    Ok(())
}

/// A summary with `memory`, `memreserve`, `/reserved-memory` and `/psci/method`.
pub fn summary(
    memory: &[MemRange],
    memreserve: &[MemRange],
    reserved: &[MemRange],
    psci: Option<&'static str>,
) -> Summary<'static> {
    let mut s = Summary { psci_method: psci, ..Summary::default() };
    for r in memory {
        s.memory.push(*r).expect("memory fits");
    }
    for r in memreserve {
        s.memreserve.push(*r).expect("memreserve fits");
    }
    for r in reserved {
        s.reserved_memory.push(*r).expect("reserved-memory fits");
    }
    s
}

/// The bytes of a `struct kho_scratch` array holding `ranges`.
pub fn scratch_array(ranges: &[MemRange]) -> Vec<u8> {
    ranges
        .iter()
        .flat_map(|r| r.base.to_le_bytes().into_iter().chain(r.size.to_le_bytes()))
        .collect()
}
