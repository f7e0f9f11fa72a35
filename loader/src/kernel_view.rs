//! What the kernel will be told, which the plan must respect. An entry with its own DTB hands
//! the kernel that DTB instead of the firmware's: the firmware's `/memreserve/` entries and
//! `/reserved-memory` ranges are carried into it (the memory stays in use whatever the entry's
//! DTB says), its `/psci` must exist when the firmware's does, and everything is placed only in
//! memory that both DTBs declare and clear of both DTBs' reservations.

use crate::boot::Found;
use crate::error::BootError;
use image_formats::fdt::{self, Fdt, MemRange, Reservation, Summary, MAX_MEMRESERVE};
use image_formats::fdt::{MAX_MEMORY_RANGES, MAX_RESERVED_MEMORY};
use image_formats::placement;

/// Node name of a firmware `/memreserve/` entry carried into an entry's DTB.
const CARRIED_MEMRESERVE: &str = "firmware-memreserve";
/// Node name of a firmware `/reserved-memory` range carried into an entry's DTB (`no-map`: the
/// firmware's node may have said so, and not mapping is the safe reading).
const CARRIED_RESERVED: &str = "firmware-reserved";
/// springboard's own reservations (the stub, a kept bundle) plus everything carried.
pub const MAX_RESERVATIONS: usize = 2 + MAX_MEMRESERVE + MAX_RESERVED_MEMORY;

/// An entry's own DTB, read and checked against the firmware's.
pub struct EntryDtb {
    /// The blob.
    pub fdt: Fdt<'static>,
    /// What it says.
    pub summary: Summary<'static>,
}

impl EntryDtb {
    /// Reads the entry's DTB `data` and checks it against the firmware's DTB.
    pub fn read(data: &'static [u8], found: &Found) -> Result<Self, BootError> {
        let fdt = Fdt::new(data).map_err(BootError::Dtb)?;
        let summary = fdt::summarize(&fdt).map_err(BootError::Dtb)?;
        if found.summary.psci_method.is_some() && summary.psci_method.is_none() {
            return Err(BootError::EntryDtb {
                why: "has no /psci method, which the firmware's has",
            });
        }
        let bundle = MemRange { base: found.bundle_base, size: found.bundle.total_size() as u64 };
        let reserved = summary.memreserve.iter().chain(summary.reserved_memory.iter());
        if reserved.clone().any(|r| r.overlaps(&bundle)) {
            return Err(BootError::EntryDtb { why: "reserves memory over the bundle" });
        }
        if reserved.clone().any(|r| r.overlaps(&found.resident) && *r != found.resident) {
            return Err(BootError::EntryDtb { why: "reserves memory over the resident region" });
        }
        Ok(EntryDtb { fdt, summary })
    }
}

impl EntryDtb {
    /// Whether the KHO properties can be written as arm64 writes them: two address and two
    /// size cells at the root.
    pub fn can_carry_kho(&self) -> Result<(), BootError> {
        match self.fdt.root().and_then(|root| root.child_cells()) {
            Ok((2, 2)) => Ok(()),
            _ => Err(BootError::EntryDtb {
                why: "has no 2-cell addresses and sizes at its root for the KHO properties",
            }),
        }
    }
}

/// The DRAM the plan may use: the firmware DTB's first bank, cut to the memory the entry's DTB
/// declares when there is one.
pub fn placement_banks(
    found: &Found,
    entry: Option<&EntryDtb>,
) -> Result<([placement::Range; MAX_MEMORY_RANGES], usize), BootError> {
    let mut banks = [placement::Range { base: 0, size: 0 }; MAX_MEMORY_RANGES];
    let first = found.dram;
    let Some(entry) = entry else {
        banks[0] = placement::Range { base: first.base, size: first.size };
        return Ok((banks, 1));
    };
    let mut len = 0;
    for bank in entry.summary.memory.iter() {
        let base = bank.base.max(first.base);
        let end = bank.end().min(first.end());
        if base < end {
            banks[len] = placement::Range { base, size: end - base };
            len += 1;
        }
    }
    if len == 0 {
        return Err(BootError::EntryDtb {
            why: "declares no memory inside the firmware's first bank",
        });
    }
    Ok((banks, len))
}

/// springboard's reservations (the resident stub, a kept bundle) and, with an entry's own DTB,
/// the firmware's reservations that DTB does not already hold.
pub struct Reservations {
    list: [Reservation<'static>; MAX_RESERVATIONS],
    len: usize,
}

impl Reservations {
    /// The stub's region and the kept bundle, if any.
    pub fn new(stub: Reservation<'static>, kept: Option<Reservation<'static>>) -> Self {
        let mut list = [stub; MAX_RESERVATIONS];
        let len = match kept {
            Some(kept) => {
                list[1] = kept;
                2
            }
            None => 1,
        };
        Reservations { list, len }
    }

    /// Adds the firmware DTB's reservations that `entry` does not cover, except springboard's
    /// own (the stub's region, written anew).
    pub fn carry(&mut self, found: &Found, entry: &EntryDtb) {
        let covered = |r: &MemRange| {
            let theirs =
                entry.summary.memreserve.iter().chain(entry.summary.reserved_memory.iter());
            theirs.clone().any(|t| t.base <= r.base && r.end() <= t.end())
        };
        let firmware = found.summary.memreserve.iter().map(|r| (r, CARRIED_MEMRESERVE, false));
        let firmware = firmware
            .chain(found.summary.reserved_memory.iter().map(|r| (r, CARRIED_RESERVED, true)));
        for (range, name, no_map) in firmware {
            if *range == found.resident || covered(range) || self.len == self.list.len() {
                continue;
            }
            self.list[self.len] = Reservation { name, range: *range, no_map };
            self.len += 1;
        }
    }

    /// Every reservation, springboard's first.
    pub fn as_slice(&self) -> &[Reservation<'static>] {
        &self.list[..self.len]
    }
}
