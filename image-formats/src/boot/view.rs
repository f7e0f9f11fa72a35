//! What the kernel will be told, and where it may go: decided for one entry before its DTB is
//! written. An entry with its own DTB is told that DTB, so the firmware's reservations are
//! carried into it, its `/psci` must exist when the firmware's does, and only memory both
//! DTBs declare is used; under Kexec HandOver only the scratch ranges are.

use super::{Machine, Occupied, Refusal};
use crate::fdt::{Reservation, Summary, MAX_MEMRESERVE, MAX_RESERVED_MEMORY};
use crate::kho::{self, Handover, Scratch};
use crate::placement::KernelRequest;
use crate::MemRange;

/// The `/reserved-memory` node (`springboard@<base>`) of the resident stub and state page.
pub const STUB_NODE: &str = "springboard";
/// The `/reserved-memory` node (`springboard-bundle@<base>`) of a bundle kept resident.
pub const BUNDLE_NODE: &str = "springboard-bundle";
/// Node name of a firmware `/memreserve/` entry carried into an entry's DTB.
const CARRIED_MEMRESERVE: &str = "firmware-memreserve";
/// Node name of a firmware `/reserved-memory` range carried into an entry's DTB (`no-map`:
/// the firmware's node may have said so, and not mapping is the safe reading).
const CARRIED_RESERVED: &str = "firmware-reserved";
/// springboard's own reservations (the stub, a kept bundle) plus everything carried.
pub const MAX_RESERVATIONS: usize = 2 + MAX_MEMRESERVE + MAX_RESERVED_MEMORY;

/// How PSCI is reached (a DTB's `/psci/method`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conduit {
    /// `smc #0` to EL3 (QEMU `virt` with `virtualization=on`, TF-A).
    Smc,
    /// `hvc #0` to EL2 (QEMU `virt` without EL2, or springboard's stub).
    Hvc,
}

impl Conduit {
    /// The conduit a `/psci/method` value names.
    pub fn from_method(method: &str) -> Option<Self> {
        match method {
            "smc" => Some(Self::Smc),
            "hvc" => Some(Self::Hvc),
            _ => None,
        }
    }
}

/// How the kernel is entered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enter {
    /// At EL2, through the stub's `HVC_SOFT_RESTART` (booting.rst's recommendation).
    El2,
    /// At EL1 with the stub resident at EL2 (`springboard.handoff=el1`).
    El1AboveStub,
    /// At EL1 by a branch: springboard was entered at EL1 with no EL2 of its own.
    El1Direct,
}

/// The chosen entry, after its payloads' CRCs matched.
#[derive(Debug, Clone, Copy)]
pub struct EntryFacts<'s, 'a> {
    /// What the kernel Image needs.
    pub kernel: KernelRequest,
    /// Bytes copied (or inflated) to the kernel's entry: at most `kernel.footprint`.
    pub kernel_len: u64,
    /// The initrd, inside the bundle.
    pub initrd: Option<MemRange>,
    /// The summary of the entry's own DTB, when it brings one.
    pub own_dtb: Option<&'s Summary<'a>>,
    /// Sequence mode: the bundle stays resident for the next run.
    pub keep_bundle: bool,
    /// `springboard.handoff=el1`.
    pub el1: bool,
}

/// A Kexec HandOver description that passed its checks.
#[derive(Debug, Clone, Copy)]
pub struct Kho<'k> {
    /// Where the KHO FDT and the scratch array lie (both must survive).
    pub handover: Handover,
    /// The scratch ranges: the only memory the previous kernel did not preserve.
    pub scratch: &'k Scratch,
}

/// What the kernel will be told and where it may go.
pub struct View {
    /// How the kernel is entered.
    pub enter: Enter,
    /// What the kernel's `/psci/method` becomes, `None` to leave it as its DTB says.
    pub psci: Option<Conduit>,
    /// The resident stub serves PSCI itself: the kernel is entered at EL1 above it on a board
    /// without PSCI firmware. Its DTB then gets `/psci` (`arm,psci-1.0`, `hvc`) and every
    /// `/cpus/cpu@N` `enable-method = "psci"`.
    pub stub_psci: bool,
    /// The firmware's KHO ranges, to write into an entry's own DTB.
    pub carry_kho: Option<[MemRange; 2]>,
    /// How many of [`View::reservations`] were carried from the firmware's DTB.
    pub carried: usize,
    /// The initrd goes to the kernel as a copy, not in place.
    pub copy_initrd: bool,
    /// The placement search is limited to KHO scratch ranges.
    pub kho: bool,
    reservations: [Reservation<'static>; MAX_RESERVATIONS],
    reservation_count: usize,
    banks: [MemRange; kho::MAX_RANGES],
    bank_count: usize,
    occupied: Occupied,
}

impl View {
    /// The kernel DTB's `/reserved-memory` children springboard writes: the resident region,
    /// a kept bundle, what is carried from the firmware's DTB.
    pub fn reservations(&self) -> &[Reservation<'static>] {
        &self.reservations[..self.reservation_count]
    }

    /// The DRAM the plan may use.
    pub fn banks(&self) -> &[MemRange] {
        &self.banks[..self.bank_count]
    }

    /// Everything the plan must keep clear of.
    pub fn occupied(&self) -> &Occupied {
        &self.occupied
    }
}

/// The reservation of the resident stub and state page: `springboard@<base>`, `no-map`.
pub fn stub_reservation(resident: MemRange) -> Reservation<'static> {
    Reservation { name: STUB_NODE, range: resident, no_map: true }
}

/// The reservation of a bundle kept resident for the next run: `springboard-bundle@<base>`,
/// `no-map`.
pub fn bundle_reservation(range: MemRange) -> Reservation<'static> {
    Reservation { name: BUNDLE_NODE, range, no_map: true }
}

/// Decides what the kernel is told and where it may go.
pub fn view(m: &Machine, entry: &EntryFacts, kho: Option<&Kho>) -> Result<View, Refusal> {
    let enter = match (m.entry_el, entry.el1) {
        (0 | 1, _) => Enter::El1Direct,
        (_, true) => Enter::El1AboveStub,
        (_, false) => Enter::El2,
    };
    // Entered at EL1 there is no EL2 of springboard's: keep the firmware's conduit (`hvc` on
    // QEMU `virt` without EL2). A kernel above the stub reaches PSCI through it; one at EL2
    // can only use `smc` (its `hvc` would trap to itself), whatever an earlier EL1 hand-off
    // wrote into the DTB that kexec passed on.
    let psci = match enter {
        Enter::El1Direct => m.summary.psci_method.and_then(Conduit::from_method),
        Enter::El1AboveStub => Some(Conduit::Hvc),
        Enter::El2 => Some(Conduit::Smc),
    };
    let stub_psci = enter == Enter::El1AboveStub && !m.firmware_psci();
    if let Some(own) = entry.own_dtb {
        check_own_dtb(m, own)?;
    }
    // The loader takes a console in DRAM for the board's, but the model keeps its promise for
    // any console it is given: its registers are never written.
    if m.console.is_some_and(|c| c.overlaps(&m.resident)) {
        return Err(Refusal::ResidentOverlaps {
            resident: m.resident,
            with: "console's registers",
        });
    }
    if let Some(k) = kho {
        let r = m.resident;
        let reserved = m.summary.reserved_memory.iter().chain(m.summary.memreserve.iter());
        let covers = |x: &MemRange| x.base <= r.base && r.end() <= x.end();
        if !k.scratch.contains(r) && !reserved.clone().any(covers) {
            return Err(Refusal::KhoResident { resident: r });
        }
    }
    let mut view = View {
        enter,
        psci,
        stub_psci,
        carry_kho: entry.own_dtb.and(kho).map(|k| [k.handover.fdt, k.handover.array]),
        carried: 0,
        copy_initrd: false,
        kho: kho.is_some(),
        reservations: [stub_reservation(m.resident); MAX_RESERVATIONS],
        reservation_count: 1,
        banks: [MemRange { base: 0, size: 0 }; kho::MAX_RANGES],
        bank_count: 0,
        occupied: occupied(m, entry.own_dtb, kho),
    };
    if entry.keep_bundle {
        view.push_reservation(bundle_reservation(m.bundle));
    }
    if let Some(own) = entry.own_dtb {
        view.carry(m, own);
    }
    view.set_banks(m, entry.own_dtb, kho)?;
    // A kept bundle must survive the kernel, but Linux frees its initrd once unpacked and
    // refuses a `no-map` reservation around it: the kernel gets a copy. Under KHO an initrd
    // outside the scratch ranges is copied into them.
    let outside_kho = |r: &MemRange| kho.is_some_and(|k| !k.scratch.contains(*r));
    view.copy_initrd = entry.initrd.is_some_and(|r| entry.keep_bundle || outside_kho(&r));
    Ok(view)
}

/// An entry's own DTB must have the `/psci` the firmware's has, and reserve nothing over the
/// bundle or (but for exactly) the resident region.
fn check_own_dtb(m: &Machine, own: &Summary) -> Result<(), Refusal> {
    if m.firmware_psci() && own.psci_method.is_none() {
        return Err(Refusal::EntryDtb { why: "has no /psci method, which the firmware's has" });
    }
    let mut reserved = own.memreserve.iter().chain(own.reserved_memory.iter());
    if reserved.clone().any(|r| r.overlaps(&m.bundle)) {
        return Err(Refusal::EntryDtb { why: "reserves memory over the bundle" });
    }
    if reserved.any(|r| r.overlaps(&m.resident) && *r != m.resident) {
        return Err(Refusal::EntryDtb { why: "reserves memory over the resident region" });
    }
    Ok(())
}

/// springboard, the incoming DTB, the bundle, the resident region, the console's registers, a
/// KHO FDT and scratch array, and everything either DTB reserves.
fn occupied(m: &Machine, own: Option<&Summary>, kho: Option<&Kho>) -> Occupied {
    let named = [
        (Some(m.image), "springboard"),
        (Some(m.dtb), "dtb"),
        (Some(m.bundle), "bundle"),
        (Some(m.resident), "resident stub"),
        (m.console, "console"),
        (kho.map(|k| k.handover.fdt), "KHO FDT"),
        (kho.map(|k| k.handover.array), "KHO scratch array"),
    ];
    Occupied::new(named, m.summary, own)
}

impl View {
    fn push_reservation(&mut self, r: Reservation<'static>) {
        if self.reservation_count < MAX_RESERVATIONS {
            self.reservations[self.reservation_count] = r;
            self.reservation_count += 1;
        }
    }

    /// Adds the firmware DTB's reservations that `own` does not cover, except springboard's
    /// own: the stub's region and a kept bundle's (reservations of exactly those ranges, the
    /// `springboard@…` and `springboard-bundle@…` nodes an earlier run wrote), which are
    /// written anew or, for a bundle no longer kept, dropped — carried, a stale bundle node
    /// would be a `no-map` reservation around the initrd handed over in place.
    fn carry(&mut self, m: &Machine, own: &Summary) {
        let theirs = own.memreserve.iter().chain(own.reserved_memory.iter());
        let covered = |r: &MemRange| theirs.clone().any(|t| t.contains(r));
        let firmware = m.summary.memreserve.iter().map(|r| (r, CARRIED_MEMRESERVE, false));
        let firmware =
            firmware.chain(m.summary.reserved_memory.iter().map(|r| (r, CARRIED_RESERVED, true)));
        for (range, name, no_map) in firmware {
            if *range != m.resident && *range != m.bundle && !covered(range) {
                self.push_reservation(Reservation { name, range: *range, no_map });
                self.carried += 1;
            }
        }
    }

    /// The firmware DTB's first bank, cut to the memory an entry's own DTB declares and to the
    /// KHO scratch ranges.
    fn set_banks(
        &mut self,
        m: &Machine,
        own: Option<&Summary>,
        kho: Option<&Kho>,
    ) -> Result<(), Refusal> {
        let first = *m.summary.memory.iter().next().ok_or(Refusal::NoMemory)?;
        let mut cut = [MemRange::default(); crate::fdt::MAX_MEMORY_RANGES];
        let mut len = 0;
        let declared: &[MemRange] = match own {
            Some(own) => own.memory.as_slice(),
            None => core::slice::from_ref(&first),
        };
        for part in declared.iter().filter_map(|bank| bank.intersect(&first)) {
            if len < cut.len() {
                cut[len] = part;
                len += 1;
            }
        }
        if len == 0 {
            let why = "declares no memory inside the firmware's first bank";
            return Err(Refusal::EntryDtb { why });
        }
        let cut = &cut[..len];
        match kho {
            Some(k) => {
                let within = k.scratch.within(cut);
                let banks = within.as_slice();
                self.banks[..banks.len()].copy_from_slice(banks);
                self.bank_count = banks.len();
            }
            None => {
                let n = cut.len().min(self.banks.len());
                self.banks[..n].copy_from_slice(&cut[..n]);
                self.bank_count = n;
            }
        }
        Ok(())
    }
}
