//! Thin, documented wrappers around the few AArch64 instructions the loader needs at EL1:
//! cache and TLB maintenance, `hvc` calls into the resident stub, PSCI, and the two ways out
//! (`HVC_SOFT_RESTART`, a branch), which turn the MMU and caches off on their way.
//!
//! System registers and barriers go through `aarch64-cpu` where it has them (typed fields of
//! `ID_AA64ISAR0_EL1`, `CNTPCT_EL0`, `SCTLR_EL1`, `dsb`/`isb`); `aarch64-cpu` 11 has no
//! `CTR_EL0`, no `ID_AA64PFR0_EL1.EL2` field, no `RNDR` and no cache or TLB maintenance, so
//! those stay `asm!`.

use aarch64_cpu::asm::barrier;
use aarch64_cpu::registers::{Readable, CNTPCT_EL0, ID_AA64ISAR0_EL1, SCTLR_EL1};
use core::arch::asm;

/// The smallest data cache line size, from `CTR_EL0.DminLine` (log2 of words).
fn dcache_line() -> usize {
    let ctr: u64;
    // SAFETY: CTR_EL0 is readable at EL1 and has no side effects.
    unsafe { asm!("mrs {}, ctr_el0", out(reg) ctr, options(nomem, nostack, preserves_flags)) };
    4 << ((ctr >> 16) & 0xf)
}

/// Cleans `[start, start + len)` from the data caches to the point of coherency, so the next
/// image, which starts with its MMU and caches off, reads what springboard wrote.
pub fn clean_dcache_to_poc(start: u64, len: u64) {
    let line = dcache_line() as u64;
    let mut addr = start & !(line - 1);
    let end = start.saturating_add(len);
    while addr < end {
        // SAFETY: `dc cvac` only writes dirty lines back to memory; it changes no data and
        // faults only on an unmapped address: with the MMU off every address is mapped, with
        // it on every range cleaned (springboard's writes, in DRAM) is in the identity map.
        unsafe { asm!("dc cvac, {}", in(reg) addr, options(nostack, preserves_flags)) };
        addr += line;
    }
    barrier::dsb(barrier::SY);
}

/// Invalidates `[start, start + len)` in the data caches to the point of coherency: every
/// line, dirty or clean, is discarded without being written back.
///
/// # Safety
/// Only with the data cache off (`SCTLR_EL1.C == 0`), when everything springboard wrote is in
/// memory and a line of the range can only hold what an earlier program left (a dirty line
/// discarded here is one that must not be written back over springboard's data).
pub unsafe fn invalidate_dcache_to_poc(start: u64, len: u64) {
    let line = dcache_line() as u64;
    let mut addr = start & !(line - 1);
    let end = start.saturating_add(len);
    while addr < end {
        // SAFETY: the caller guarantees no line of the range holds data anyone needs; with
        // the MMU off every address is mapped.
        unsafe { asm!("dc ivac, {}", in(reg) addr, options(nostack, preserves_flags)) };
        addr += line;
    }
    barrier::dsb(barrier::SY);
}

/// Discards this CPU's EL1&0 TLB entries and every instruction cache line to the point of
/// unification, before the MMU and caches go on (Arm ARM D8.14: the TLB may hold entries
/// from before reset or from a previous program; the I-cache may hold lines fetched
/// speculatively from earlier contents).
pub fn invalidate_tlb_and_icache() {
    // SAFETY: invalidation only drops cached translations and instructions; with the MMU off
    // none is in use.
    unsafe {
        asm!(
            "tlbi vmalle1",
            "dsb nsh",
            "ic iallu",
            "dsb nsh",
            "isb",
            options(nostack, preserves_flags)
        )
    };
}

/// The memory attributes (a `MAIR_EL1` byte) that the EL1 stage 1 translation gives a read of
/// `addr` — `AT S1E1R`, then `PAR_EL1.ATTR` (Arm ARM D17.2, `PAR_EL1`) — or `None` when it
/// does not translate (`PAR_EL1.F`).
pub fn stage1_read_attributes(addr: u64) -> Option<u8> {
    let par: u64;
    // SAFETY: an address translation instruction only writes PAR_EL1; it never faults (a
    // failed translation is reported in PAR_EL1.F) and touches no memory.
    unsafe {
        asm!(
            "at s1e1r, {addr}",
            "isb",
            "mrs {par}, par_el1",
            addr = in(reg) addr,
            par = out(reg) par,
            options(nostack, preserves_flags)
        )
    };
    (par & 1 == 0).then_some((par >> 56) as u8)
}

/// Makes freshly written code in `[start, start + len)` visible to instruction fetch.
pub fn sync_icache(start: u64, len: u64) {
    clean_dcache_to_poc(start, len);
    // SAFETY: invalidating the instruction caches only discards stale instructions; no data
    // changes.
    unsafe { asm!("ic ialluis", options(nostack, preserves_flags)) };
    barrier::dsb(barrier::ISH);
    barrier::isb(barrier::SY);
}

/// Asks EL2 who serves `hvc` (SMCCC vendor hypervisor UID) and whether it is a springboard
/// stub. Only called at EL1 when EL2 is implemented (`ID_AA64PFR0_EL1.EL2 != 0`).
pub fn springboard_stub_resident() -> bool {
    let pfr0: u64;
    // SAFETY: reading an ID register has no side effects.
    unsafe { asm!("mrs {}, id_aa64pfr0_el1", out(reg) pfr0, options(nomem, nostack)) };
    if (pfr0 >> 8) & 0xf == 0 {
        return false;
    }
    let uid: [u64; 4];
    // SAFETY: an SMCCC query: the callee changes only x0..x3 (SMCCC 1.1, preserved x4..x17);
    // a hypervisor that does not know it answers NOT_SUPPORTED (-1) in x0.
    unsafe {
        let (mut a, b, c, d): (u64, u64, u64, u64);
        a = stub::abi::SMCCC_VENDOR_HYP_UID;
        asm!("hvc #0", inout("x0") a, out("x1") b, out("x2") c, out("x3") d, options(nostack));
        uid = [a, b, c, d];
    }
    uid.iter().zip(stub::abi::SPRINGBOARD_UID).all(|(&got, want)| got == u64::from(want))
}

/// Makes an `hvc #0` call to the EL2 stub with the hyp-stub ABI's registers and returns `x0`.
pub fn hvc(x0: u64, x1: u64) -> u64 {
    let ret: u64;
    // SAFETY: the stub preserves every register but x0 (stub/src/stub.S) and touches no
    // memory of the loader; the calls the loader makes do not change EL1 state.
    unsafe { asm!("hvc #0", inout("x0") x0 => ret, in("x1") x1, options(nostack)) };
    ret
}

/// `SCTLR_EL1` as it is now, with the MMU (`M`), the data cache (`C`) and the instruction
/// cache (`I`) off.
fn sctlr_el1_mmu_off() -> u64 {
    let mut sctlr = SCTLR_EL1.extract();
    sctlr.modify(SCTLR_EL1::M::Disable + SCTLR_EL1::C::NonCacheable + SCTLR_EL1::I::NonCacheable);
    sctlr.get()
}

/// The way out of springboard, shared by [`soft_restart`] and [`jump`]: with `{sctlr}` =
/// [`sctlr_el1_mmu_off`], turn the MMU and caches off, then invalidate the instruction caches,
/// then `$leave` (`hvc #0` or `br`). One `asm!` block, so the compiler puts nothing between
/// these instructions: from the `msr` on, nothing loads or stores — no stack, no statics —
/// so nothing can read data that was only in the (now unused) data cache. What the next
/// stage reads was cleaned to the point of coherency before (`poc::NextStage::clean`).
///
/// booting.rst ("Before jumping into the kernel"): "The MMU must be off. The instruction cache
/// may be on or off, and must not hold any stale entries corresponding to the loaded kernel
/// image." — `dsb sy` completes the cleans and every earlier store; the `msr` and `isb` turn
/// translation and both caches off; `ic ialluis` (to the point of unification, every CPU of
/// the inner shareable domain, which the secondary CPUs the kernel starts later are in) and
/// `dsb ish` drop every stale instruction; `isb` refetches after it.
macro_rules! mmu_off_then {
    ($leave:literal) => {
        concat!(
            "dsb sy\n",
            "msr sctlr_el1, {sctlr}\n",
            "isb\n",
            "ic ialluis\n",
            "dsb ish\n",
            "isb\n",
            $leave
        )
    };
}

/// Turns the MMU and caches off, then enters `entry` at EL2 through the stub's
/// `HVC_SOFT_RESTART` with `x0 = arg0`, `x1 = arg1`, `x2 = 0`, MMU and caches off, exceptions
/// masked.
///
/// # Safety
/// `entry` must be the entry point of a verified image placed according to the plan (or the
/// resident stub's own launch routine), with its bytes cleaned to the point of coherency, and
/// the arguments what that entry expects.
pub unsafe fn soft_restart(entry: u64, arg0: u64, arg1: u64) -> ! {
    let sctlr = sctlr_el1_mmu_off();
    // SAFETY: the caller vouches for the image; the identity map makes the instruction after
    // the `msr` the same one with the MMU off; the stub never returns from this call.
    unsafe {
        asm!(
            mmu_off_then!("hvc #0"),
            sctlr = in(reg) sctlr,
            in("x0") stub::abi::HVC_SOFT_RESTART,
            in("x1") entry,
            in("x2") arg0,
            in("x3") arg1,
            in("x4") 0u64,
            options(noreturn, nostack),
        )
    }
}

pub use image_formats::boot::Conduit;
use stub::abi::PSCI_SYSTEM_OFF;

/// Powers the machine off through PSCI; if that returns, waits for an interrupt forever.
pub fn system_off(conduit: Conduit) -> ! {
    // SAFETY: SYSTEM_OFF does not return on success; on failure it returns an error code
    // in x0 and changes nothing that the loader relies on (SMCCC preserves x4..x17 and up).
    unsafe {
        match conduit {
            Conduit::Smc => asm!("smc #0", inout("x0") PSCI_SYSTEM_OFF => _, options(nostack)),
            Conduit::Hvc => asm!("hvc #0", inout("x0") PSCI_SYSTEM_OFF => _, options(nostack)),
        }
    }
    loop {
        // SAFETY: waiting for an event has no effect on memory.
        unsafe { asm!("wfe", options(nomem, nostack)) };
    }
}

/// Turns the MMU and caches off, then branches to `entry` at the current EL with `x0 = dtb`,
/// `x1..x3 = 0` (booting.rst), for the case where there is no EL2 to enter the kernel at.
///
/// # Safety
/// As for [`soft_restart`].
pub unsafe fn jump(entry: u64, dtb: u64) -> ! {
    let sctlr = sctlr_el1_mmu_off();
    // SAFETY: as for `soft_restart`; the kernel never returns.
    unsafe {
        asm!(
            mmu_off_then!("br {entry}"),
            sctlr = in(reg) sctlr,
            entry = in(reg) entry,
            in("x0") dtb,
            in("x1") 0u64,
            in("x2") 0u64,
            in("x3") 0u64,
            options(noreturn, nostack),
        )
    }
}

/// A 64-bit random number from `RNDR` (FEAT_RNG), if the CPU has it and it delivered one.
pub fn rndr() -> Option<u64> {
    if ID_AA64ISAR0_EL1.read(ID_AA64ISAR0_EL1::RNDR) == 0 {
        return None;
    }
    let (value, ok): (u64, u64);
    // SAFETY: RNDR exists (checked above); reading it only returns a number and sets NZCV
    // (Z set when no number could be delivered).
    unsafe {
        asm!("mrs {v}, s3_3_c2_c4_0", "cset {ok}, ne", v = out(reg) value, ok = out(reg) ok,
             options(nomem, nostack));
    }
    (ok == 1).then_some(value)
}

/// The physical counter, a little boot-to-boot entropy when nothing better exists.
pub fn counter() -> u64 {
    // Reading CNTPCT_EL0 is allowed at EL1 (the stub sets CNTHCTL_EL2.EL1PCTEN); the `isb`
    // keeps the read from being taken early.
    barrier::isb(barrier::SY);
    CNTPCT_EL0.get()
}
