//! Where things are before an entry is chosen: springboard, the incoming DTB, the resident
//! region at the top of the first DRAM bank, the bundle, the console — and the checks that
//! each range may be read (or, for the resident region, written) before a byte of it is.

use super::Refusal;
use crate::fdt::Summary;
use crate::kho::Handover;
use crate::MemRange;

/// What springboard found before choosing an entry.
#[derive(Debug, Clone, Copy)]
pub struct Machine<'s, 'a> {
    /// The incoming DTB's summary.
    pub summary: &'s Summary<'a>,
    /// The incoming DTB.
    pub dtb: MemRange,
    /// springboard's footprint: code, data, .bss and stack.
    pub image: MemRange,
    /// The resident stub and state page ([`resident_region`]).
    pub resident: MemRange,
    /// The bundle.
    pub bundle: MemRange,
    /// The console's registers, when they are memory-mapped.
    pub console: Option<MemRange>,
    /// The exception level springboard was entered at.
    pub entry_el: u8,
    /// The stub an earlier run left resident served PSCI itself (its state page says so), so
    /// the `/psci` of a DTB a kernel passed on through kexec is the stub's, not firmware's.
    pub stub_served_psci: bool,
}

impl Machine<'_, '_> {
    /// Whether firmware serves PSCI: the incoming DTB has a `/psci` method that is not the
    /// one an earlier run's stub served.
    pub fn firmware_psci(&self) -> bool {
        self.summary.psci_method.is_some() && !self.stub_served_psci
    }
}

/// A page: the resident region's alignment.
const PAGE: u64 = 0x1000;

/// The resident region: the top `size` bytes of the first DRAM bank, which must be larger
/// and end on a page boundary, clear of springboard's `image`, the incoming `dtb` and every
/// reservation of `summary` (except one of exactly the region: the `springboard@…` node an
/// earlier run wrote, which the kernel it booted passed on through kexec).
pub fn resident_region(
    summary: &Summary,
    image: MemRange,
    dtb: MemRange,
    size: u64,
) -> Result<MemRange, Refusal> {
    let bank = *summary.memory.iter().next().ok_or(Refusal::NoMemory)?;
    if bank.end() % PAGE != 0 {
        return Err(Refusal::FirstBank { bank, why: "does not end on a 4 KiB page boundary" });
    }
    if bank.size <= size {
        return Err(Refusal::FirstBank { bank, why: "is not larger than the resident region" });
    }
    let resident = MemRange { base: bank.end() - size, size };
    if dtb.overlaps(&resident) {
        return Err(Refusal::DtbOverResident { dtb });
    }
    let reserved = summary.memreserve.iter().map(|r| (*r, "memreserve"));
    let reserved = reserved.chain(summary.reserved_memory.iter().map(|r| (*r, "reserved-memory")));
    let others = [(image, "springboard image")].into_iter().chain(reserved);
    for (other, with) in others.filter(|(r, _)| *r != resident) {
        if resident.overlaps(&other) {
            return Err(Refusal::ResidentOverlaps { resident, with });
        }
    }
    Ok(resident)
}

/// Refuses a bundle `range` outside one DRAM bank, or over springboard, the resident region or
/// a reservation of the DTB (the kernel would refuse an initrd handed over inside one). A
/// reservation of exactly the bundle is the `springboard-bundle@…` node an earlier run wrote
/// for the bundle it kept: it is rewritten.
pub fn check_bundle_range(
    summary: &Summary,
    image: MemRange,
    resident: MemRange,
    range: MemRange,
) -> Result<(), Refusal> {
    let in_dram = range.base.checked_add(range.size).is_some()
        && summary.memory.iter().any(|bank| bank.base <= range.base && range.end() <= bank.end());
    if !in_dram {
        return Err(Refusal::BundleOutsideDram { bundle: range });
    }
    let mine = [(image, "springboard's image"), (resident, "the resident region")];
    let reserved = summary.memreserve.iter().map(|r| (*r, "a /memreserve/ entry"));
    let reserved = reserved
        .chain(summary.reserved_memory.iter().map(|r| (*r, "a /reserved-memory range")))
        .filter(|(r, _)| *r != range);
    for (other, with) in mine.into_iter().chain(reserved) {
        if range.overlaps(&other) {
            return Err(Refusal::BundleOverlaps { bundle: range, with, other });
        }
    }
    Ok(())
}

/// Refuses a KHO FDT or scratch array over springboard or the resident region, which
/// springboard writes, before the array is read.
pub fn check_kho_array(
    handover: &Handover,
    image: MemRange,
    resident: MemRange,
) -> Result<(), Refusal> {
    let kept = [(handover.fdt, "linux,kho-fdt"), (handover.array, "linux,kho-scratch array")];
    for (range, what) in kept {
        for (region, with) in [(image, "springboard"), (resident, "the resident region")] {
            if range.overlaps(&region) {
                return Err(Refusal::KhoOverlaps { what, range, with });
            }
        }
    }
    Ok(())
}
