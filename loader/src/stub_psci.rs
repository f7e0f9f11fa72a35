//! PSCI from the resident stub on a board without PSCI firmware (`springboard.handoff=el1` on
//! raspi3b): what the stub needs to serve it, written into its part of the state page before
//! the hand-off cleans the resident region to the point of coherency (`poc`) — every CPU's
//! slot (state and how to wake it, `stub::abi::SLOT_*`), the PM watchdog's base and the word
//! that turns the stub's own PSCI on. The stub reads them at EL2 with its MMU and caches off.
//!
//! A CPU that an earlier run's stub parked (`CPU_OFF` before a kexec) is still waiting in
//! that stub's pen, which is at the same offset in every build (`STUB_PARK_OFFSET`): it stays
//! parked, woken through its wake word. Every other CPU with a `cpu-release-addr` is in the
//! firmware's spin-table pen; the CPU running springboard is on.

use crate::power::WATCHDOG_COMPATIBLE;
use crate::{mem, say};
use image_formats::boot::Cpus;
use image_formats::fdt::{self, Fdt, FdtError};
use image_formats::MemRange;
use stub::abi;

/// The state page's stub area: from the first CPU slot to the watchdog word.
const AREA: MemRange = MemRange {
    base: abi::STATE_PAGE_OFFSET + abi::CPU_SLOTS_OFFSET,
    size: abi::STUB_PSCI_WATCHDOG_OFFSET + 8 - abi::CPU_SLOTS_OFFSET,
};

/// The area inside the resident region at `resident`.
fn area(resident: MemRange) -> MemRange {
    MemRange { base: resident.base + AREA.base, size: AREA.size }
}

/// A little-endian word of the area, at `offset` from its start.
fn word(bytes: &[u8], offset: u64) -> u64 {
    let at = offset as usize;
    bytes.get(at..at + 8).map_or(0, |b| u64::from_le_bytes(b.try_into().unwrap_or_default()))
}

fn set_word(bytes: &mut [u8], offset: u64, value: u64) {
    let at = offset as usize;
    if let Some(b) = bytes.get_mut(at..at + 8) {
        b.copy_from_slice(&value.to_le_bytes());
    }
}

/// Offset in the area of the stub-PSCI word and of slot `slot`'s field `field`.
const MAGIC_AT: u64 = abi::STUB_PSCI_OFFSET - abi::CPU_SLOTS_OFFSET;
const WATCHDOG_AT: u64 = abi::STUB_PSCI_WATCHDOG_OFFSET - abi::CPU_SLOTS_OFFSET;
const fn field(slot: u64, field: u64) -> u64 {
    slot * abi::CPU_SLOT_SIZE + field
}

/// Whether the stub an earlier run left at `resident` served PSCI itself.
pub fn served_before(resident: MemRange) -> bool {
    // SAFETY: the state page is RAM at the top of the first bank (boot.rs); nothing writes it
    // while it is read. Its bytes are only compared with the magic.
    let bytes = unsafe { mem::bytes(area(resident).base, AREA.size) };
    word(bytes, MAGIC_AT) == abi::STUB_PSCI_MAGIC
}

/// The base of `dtb`'s BCM2835 PM block, 0 when it has none. Read from the DTB, not from how
/// springboard itself powers off: after a kexec the DTB also has the `/psci` an earlier
/// hand-off added, which springboard takes for its way.
pub fn watchdog(dtb: &Fdt) -> Result<u64, FdtError> {
    let pm = fdt::first_device(dtb, |d| d.is_compatible(WATCHDOG_COMPATIBLE))?;
    Ok(pm.map_or(0, |d| d.reg.base))
}

/// Writes the stub's area of the state page at `resident`: with `cpus`, the stub serves PSCI
/// for them (the CPU whose `MPIDR_EL1` is `me` is on); without, the stub relays PSCI and the
/// area only says so. Called before the resident region is cleaned to the point of coherency.
pub fn write(resident: MemRange, cpus: Option<&Cpus>, me: u64, watchdog: u64) {
    let earlier = served_before(resident);
    // SAFETY: the resident region is reserved for the stub and its state page; the plan keeps
    // every write clear of it and no other slice covers this area now.
    let bytes = unsafe { mem::bytes_mut(area(resident).base, AREA.size) };
    let Some(cpus) = cpus else {
        set_word(bytes, MAGIC_AT, 0);
        return;
    };
    let mut parked = [false; abi::CPU_SLOTS as usize];
    for (slot, was) in parked.iter_mut().enumerate() {
        let state = word(bytes, field(slot as u64, abi::SLOT_STATE));
        *was = earlier && state == abi::CPU_PARKED;
    }
    bytes[..(abi::CPU_SLOTS * abi::CPU_SLOT_SIZE) as usize].fill(0);
    let me = me & MPIDR_AFFINITY;
    let (mut pen, mut kept) = (0, 0);
    for cpu in cpus.as_slice() {
        let Some(slot) = abi::cpu_slot(cpu.mpidr) else {
            say!("stub: PSCI: CPU {:#x} has no slot: CPU_ON will refuse it", cpu.mpidr);
            continue;
        };
        let (state, wake) = if cpu.mpidr == me {
            (abi::CPU_ON, 0)
        } else if parked[slot as usize] {
            kept += 1;
            (abi::CPU_PARKED, 0)
        } else if let Some(release) = cpu.release {
            pen += 1;
            (abi::CPU_IN_FIRMWARE_PEN, release)
        } else {
            continue;
        };
        set_word(bytes, field(slot, abi::SLOT_STATE), state);
        set_word(bytes, field(slot, abi::SLOT_WAKE), wake);
    }
    set_word(bytes, WATCHDOG_AT, watchdog);
    set_word(bytes, MAGIC_AT, abi::STUB_PSCI_MAGIC);
    say!(
        "stub: PSCI 1.0 served by the stub: {} CPUs, {pen} in the firmware's spin-table pen, \
        {kept} parked by an earlier stub; SYSTEM_OFF {}",
        cpus.as_slice().len(),
        if watchdog != 0 { "through the BCM2835 PM watchdog" } else { "not supported" }
    );
}

/// `MPIDR_EL1`'s affinity fields (Aff3 at 39..32, Aff2..Aff0 at 23..0), as a DTB's `reg`
/// gives them.
const MPIDR_AFFINITY: u64 = 0xff_00ff_ffff;

/// This CPU's `MPIDR_EL1`.
pub fn mpidr() -> u64 {
    use aarch64_cpu::registers::{Readable, MPIDR_EL1};
    MPIDR_EL1.get()
}
