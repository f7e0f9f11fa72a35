//! The MMU and caches on while springboard works: an EL1 identity map built with
//! `aarch64-paging` once the DTB has said where DRAM is, so that parsing, CRC checks, inflating
//! and copying run with the data and instruction caches on (with them off, every access of a
//! 30 MB copy goes to DRAM one at a time on a real board).
//!
//! The map: `[0, top)` as Device-nGnRE, execute-never — `top` the larger of 4 GiB (every MMIO
//! springboard touches on the boards it knows lies there: UARTs, the raspi3b watchdog) and the
//! end of DRAM, on 1 GiB blocks — and over it every `/memory` bank, springboard's own image and
//! the DTB it was given (when they lie outside the banks) as Normal write-back, inner
//! shareable. The tables come from a pool in springboard's .bss ([`crate::page_pool`]).
//!
//! It is left on until the hand-off, which cleans what the next stage reads to the point of
//! coherency and turns it off ([`crate::poc`], [`crate::arch::soft_restart`]).

use crate::console::Size;
use crate::error::{BootError, MmuProblem};
use crate::given::Given;
use crate::page_pool::{self, TablePool};
use crate::{arch, say};
use aarch64_cpu::asm::barrier;
use aarch64_cpu::registers::{
    ReadWriteable, Readable, Writeable, ID_AA64MMFR0_EL1, MAIR_EL1, SCTLR_EL1, TCR_EL1, TTBR0_EL1,
};
use aarch64_paging::descriptor::{El1Attributes, PhysicalAddress};
use aarch64_paging::mair::{Mair, MairAttribute, NormalMemory};
use aarch64_paging::paging::{Constraints, El1And0, MemoryRegion, VaRange};
use aarch64_paging::{MapError, Mapping};
use image_formats::MemRange;

/// `MAIR_EL1` attribute index of device memory.
const DEVICE_INDEX: u8 = 0;
/// `MAIR_EL1` attribute index of normal memory.
const NORMAL_INDEX: u8 = 1;

/// Device-nGnRE at index 0, Normal inner and outer write-back non-transient read/write-allocate
/// at index 1 (Arm ARM D8.5, "Memory region attributes").
const MAIR: Mair = Mair::EMPTY
    .with_attribute(DEVICE_INDEX, MairAttribute::DEVICE_NGNRE)
    .with_attribute(NORMAL_INDEX, MairAttribute::normal(WRITE_BACK, WRITE_BACK));

/// The inner and outer cacheability of DRAM.
const WRITE_BACK: NormalMemory = NormalMemory::WriteBackNonTransientReadWriteAllocate;

/// MMIO and anything else outside DRAM: device memory, never executed (an executable device
/// region could be fetched from speculatively).
const DEVICE: El1Attributes = El1Attributes::VALID
    .union(El1Attributes::ATTRIBUTE_INDEX_0)
    .union(El1Attributes::ACCESSED)
    .union(El1Attributes::UXN)
    .union(El1Attributes::PXN);

/// DRAM: normal write-back memory, inner shareable (the attributes Linux maps it with, so a
/// line the previous kernel left is coherent with springboard's accesses: no mismatched
/// aliases, Arm ARM B2.8).
const NORMAL: El1Attributes = El1Attributes::VALID
    .union(El1Attributes::ATTRIBUTE_INDEX_1)
    .union(El1Attributes::INNER_SHAREABLE)
    .union(El1Attributes::ACCESSED)
    .union(El1Attributes::UXN);

const _: () = assert!(DEVICE_INDEX == 0 && NORMAL_INDEX == 1);

const GIB: u64 = 1 << 30;
/// The device span reaches at least here.
const LOW_4G: u64 = 4 * GIB;
/// A level-1 root (`T0SZ` = 25) translates 39 bits: 512 GiB.
const VA_BITS_L1_ROOT: u32 = 39;
/// A level-0 root (`T0SZ` = 16) translates 48 bits.
const VA_BITS_L0_ROOT: u32 = 48;

/// Builds the identity map for what `given` says, invalidates springboard's own memory and
/// turns the MMU and both caches on. Prints one line saying what was mapped.
pub fn enable(given: &Given) -> Result<(), BootError> {
    let banks = given.summary.memory.as_slice();
    let image = given.me.image();
    let dtb = MemRange { base: given.dtb_addr, size: given.dtb.totalsize() as u64 };
    let outside = |r: &MemRange| !banks.iter().any(|bank| bank.contains(r));
    let mut outside_banks = [MemRange::default(); 2];
    let mut extra = 0;
    for r in [image, dtb].into_iter().filter(outside) {
        outside_banks[extra] = r;
        extra += 1;
    }
    let normal = banks.iter().chain(&outside_banks[..extra]);
    let highest = normal.clone().map(MemRange::end).max().unwrap_or(0);
    let pa_bits = pa_bits();
    let top = highest.max(LOW_4G).next_multiple_of(GIB).min(1 << pa_bits);
    if highest > 1 << pa_bits {
        return Err(mmu_error(highest, MmuProblem::AbovePhysical { bits: pa_bits }));
    }
    let va_bits = if top <= 1 << VA_BITS_L1_ROOT { VA_BITS_L1_ROOT } else { VA_BITS_L0_ROOT };
    let root_level = if va_bits == VA_BITS_L1_ROOT { 1 } else { 0 };
    let pool = TablePool::take().ok_or(mmu_error(0, MmuProblem::AlreadyOn))?;
    let mut map = Mapping::with_asid_and_va_range(pool, 0, root_level, El1And0, VaRange::Lower);
    map_range(&mut map, MemRange::from_bounds(0, top), DEVICE)?;
    for range in normal {
        map_range(&mut map, *range, NORMAL)?;
    }
    let tables = map.translation().used();
    if map.translation().exhausted() {
        return Err(mmu_error(0, MmuProblem::OutOfTables { tables: page_pool::TABLES }));
    }
    // booting.rst gives springboard its image "cleaned to the PoC" — not free of cache lines.
    // A kexec'ing kernel can leave dirty lines for springboard's .bss and stack (memory it
    // used) and clean stale lines for anything; the stub writes its CPU slots in the state page
    // with its caches off. Everything springboard wrote so far (relocations, .bss, stack, the
    // tables just built) went to memory, since its data cache was off: discard every line of
    // those ranges before the cache is turned on, so none is written back over them or read
    // in their place. (Arm ARM D7.4.9: with the cache off, a dirty line from before stays
    // dirty and may be evicted at any time.)
    // SAFETY: the data cache is still off (SCTLR_EL1.C = 0 since entry), so no line of these
    // ranges holds anything springboard wrote.
    unsafe {
        arch::invalidate_dcache_to_poc(image.base, image.size);
        arch::invalidate_dcache_to_poc(given.resident.base, given.resident.size);
    }
    let root = map.root_address().0 as u64;
    // SAFETY: the map covers everything springboard touches from here on with the attributes
    // of the same memory as before (identity: every address still names the same byte),
    // springboard's image included; its tables are in .bss, which nothing else writes.
    unsafe { switch_on(root, va_bits, pa_bits) };
    map.mark_active();
    // The tables stay in use until `arch::soft_restart` turns the MMU off; `Mapping`'s drop
    // would panic on an active map, and nothing maps after this, so it is never dropped.
    core::mem::forget(map);
    // Ask the MMU itself what it made of the map: springboard's image normal write-back, the
    // lowest address outside DRAM device memory.
    let outside_dram = lowest_outside(banks);
    expect_attributes(image.base, MairAttribute::normal(WRITE_BACK, WRITE_BACK))?;
    expect_attributes(outside_dram, MairAttribute::DEVICE_NGNRE)?;
    say!(
        "mmu: on, caches on: {} DRAM bank{} normal write-back{}, the rest of 0..{:#x} ({}) device, \
        {tables} of {} page tables; AT S1E1R: {:#x} normal, {outside_dram:#x} device",
        banks.len(),
        if banks.len() == 1 { "" } else { "s" },
        if extra > 0 { " (and springboard or its DTB outside them)" } else { "" },
        top,
        Size(top),
        page_pool::TABLES,
        image.base
    );
    Ok(())
}

/// The lowest address no bank holds.
fn lowest_outside(banks: &[MemRange]) -> u64 {
    let mut addr = 0;
    while let Some(bank) = banks.iter().find(|b| b.contains(&MemRange { base: addr, size: 1 })) {
        addr = bank.end();
    }
    addr
}

/// Checks that a read of `addr` now translates with the attributes `want`.
fn expect_attributes(addr: u64, want: MairAttribute) -> Result<(), BootError> {
    match arch::stage1_read_attributes(addr) {
        Some(got) if got == want.0 => Ok(()),
        got => Err(mmu_error(addr, MmuProblem::Attributes { want: want.0, got })),
    }
}

/// Maps `range` (rounded out to 4 KiB pages) with `flags`.
fn map_range(
    map: &mut Mapping<TablePool, El1And0>,
    range: MemRange,
    flags: El1Attributes,
) -> Result<(), BootError> {
    let region = MemoryRegion::new(range.base as usize, range.end() as usize);
    let pa = PhysicalAddress(region.start().0);
    map.map_range(&region, pa, flags, Constraints::empty()).map_err(|e| {
        let why = match e {
            MapError::AddressRange(_) => "above the map's address space",
            MapError::RegionBackwards(_) => "ends before it starts",
            MapError::InvalidVirtualAddress(_) => "not a valid address",
            _ => "refused by aarch64-paging",
        };
        mmu_error(range.base, MmuProblem::Map { end: range.end(), why })
    })
}

fn mmu_error(base: u64, why: MmuProblem) -> BootError {
    BootError::Mmu { base, why }
}

/// The physical address size, in bits (`ID_AA64MMFR0_EL1.PARange`), at most 48: with 4 KiB
/// pages and `TCR_EL1.DS` = 0 the output address has 48 bits.
fn pa_bits() -> u32 {
    match ID_AA64MMFR0_EL1.read(ID_AA64MMFR0_EL1::PARange) {
        0 => 32,
        1 => 36,
        2 => 40,
        3 => 42,
        4 => 44,
        _ => 48,
    }
}

/// `TCR_EL1.IPS` for `pa_bits` (the same encoding as `PARange`).
fn ips(pa_bits: u32) -> u64 {
    match pa_bits {
        32 => 0,
        36 => 1,
        40 => 2,
        42 => 3,
        44 => 4,
        _ => 5,
    }
}

/// Programs `MAIR_EL1`, `TCR_EL1` and `TTBR0_EL1` for the map at `root`, drops stale TLB
/// entries and instructions, and sets `SCTLR_EL1.{M, C, I}`.
///
/// # Safety
/// `root` must be a complete identity map, translating `va_bits` bits, of everything the
/// program touches from here on, its own code and stack included, with the memory types those
/// bytes already had; the tables must have been written with the data cache off (they are in
/// memory) and no cache line may hold them.
unsafe fn switch_on(root: u64, va_bits: u32, pa_bits: u32) {
    MAIR_EL1.set(MAIR.0);
    TCR_EL1.write(
        TCR_EL1::T0SZ.val(u64::from(64 - va_bits))
            + TCR_EL1::TG0::KiB_4
            + TCR_EL1::IRGN0::WriteBack_ReadAlloc_WriteAlloc_Cacheable
            + TCR_EL1::ORGN0::WriteBack_ReadAlloc_WriteAlloc_Cacheable
            + TCR_EL1::SH0::Inner
            + TCR_EL1::EPD1::DisableTTBR1Walks
            + TCR_EL1::A1::TTBR0
            + TCR_EL1::IPS.val(ips(pa_bits)),
    );
    TTBR0_EL1.set_baddr(root);
    // The table stores complete (they are in memory) before the first walk; the register
    // writes take effect.
    barrier::dsb(barrier::ISH);
    barrier::isb(barrier::SY);
    arch::invalidate_tlb_and_icache();
    SCTLR_EL1.modify(SCTLR_EL1::M::Enable + SCTLR_EL1::C::Cacheable + SCTLR_EL1::I::Cacheable);
    barrier::isb(barrier::SY);
}
