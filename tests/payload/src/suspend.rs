//! PSCI `CPU_SUSPEND` and `SYSTEM_SUSPEND` through the stub's relay. The stub keeps the
//! caller's (entry, context) in this CPU's state-page slot and gives EL3 its own secondary
//! entry instead, so that a CPU which powers down comes back through the stub, at EL1, at the
//! caller's entry with x0 = context.
//!
//! Neither PSCI the tests run powers a CPU down on suspend. QEMU's own PSCI
//! (`target/arm/psci.c`) waits in `WFI` and returns. TF-A 2.8's QEMU platform
//! (`plat/qemu/common/qemu_pm.c`) has `assert(0)` in `qemu_pwr_domain_suspend`, which
//! `psci_cpu_suspend_start` (`lib/psci/psci_suspend.c`) calls for every power-down request
//! unless an interrupt is already pending (`ISR_EL1 != 0`), in which case it abandons the
//! power-down and returns SUCCESS; and it offers no `SYSTEM_SUSPEND` (no
//! `get_sys_suspend_power_state`). So the checks arm a wake-up interrupt first (`wakeup.rs`),
//! see the call return, and read what the stub kept; that EL3 received the stub's entry and not
//! the caller's shows in TF-A's entry-point check. A PSCI that does power down resumes at
//! `suspend_resume_entry` (`entry.S`), and [`resumed`] checks that instead.

use crate::calls::{self, hvc4, smc4};
use crate::{check, say, skip, wakeup};
use stub::abi::{self, ID_AA64PFR0_EL3_SHIFT};

/// PSCI function IDs, SMC64 (Arm DEN 0022D 5.1): `CPU_SUSPEND`, `PSCI_FEATURES`,
/// `SYSTEM_SUSPEND`.
const CPU_SUSPEND: u64 = 0xc400_0001;
const PSCI_FEATURES: u64 = 0x8400_000a;
const SYSTEM_SUSPEND: u64 = 0xc400_000e;
/// PSCI return codes (DEN 0022D 5.2.2): SUCCESS, NOT_SUPPORTED, INVALID_ADDRESS.
const SUCCESS: u64 = 0;
const NOT_SUPPORTED: u64 = -1i64 as u64;
const INVALID_ADDRESS: u64 = -9i64 as u64;
/// `PSCI_FEATURES(CPU_SUSPEND)` bit 1: the extended `power_state` format.
const EXTENDED_FORMAT: u64 = 1 << 1;
/// Power down at level 0, state ID 2: TF-A 2.8 QEMU's `qemu_pm_idle_states` entry
/// "State-id - 0x02" (`PLAT_LOCAL_STATE_OFF` for the CPU). Type bit 16 in the original format,
/// bit 30 in the extended one. QEMU's PSCI takes any value below bit 17.
const POWER_DOWN_ORIGINAL: u64 = 1 << 16 | 2;
const POWER_DOWN_EXTENDED: u64 = 1 << 30 | 2;
/// An entry TF-A refuses with INVALID_ADDRESS: below its non-secure DRAM (TF-A 2.8
/// `plat/qemu/qemu/include/platform_def.h`, `NS_DRAM0_BASE` 0x40000000).
const REFUSED_ENTRY: u64 = 0x1000;
/// Distinctive context IDs, one per call, so a slot shows which call wrote it.
const CONTEXT: u64 = 0xc5c5_0001_5eed_0001;
const CONTEXT_REFUSED: u64 = 0xc5c5_0002_5eed_0002;
const CONTEXT_SYSTEM: u64 = 0xc5c5_0003_5eed_0003;

/// Clause names (the QEMU tests list them).
const KEPT: &str = "cpu-suspend-power-down-keeps-entry-and-context";
const EL3_ENTRY: &str = "cpu-suspend-gives-el3-the-stubs-entry";
const SYSTEM: &str = "system-suspend-features-relayed-and-entry-kept";

extern "C" {
    static suspend_resume_entry: u8;
}

/// Where a CPU that powered down in the CPU_SUSPEND check resumes (entry.S).
fn resume_entry() -> u64 {
    core::ptr::addr_of!(suspend_resume_entry) as u64
}

fn el3() -> bool {
    (calls::id_aa64pfr0() >> ID_AA64PFR0_EL3_SHIFT) & 0xf != 0
}

/// The address of this CPU's (entry, context) slot in the stub's state page.
fn slot_address() -> Option<u64> {
    let slot = abi::cpu_slot(calls::mpidr())?;
    let stub = crate::stub_address()?;
    Some(stub + abi::STATE_PAGE_OFFSET + abi::CPU_SLOTS_OFFSET + slot * abi::CPU_SLOT_SIZE)
}

/// The (entry, context) the stub keeps at `address`.
fn slot(address: u64) -> (u64, u64) {
    let at = address as *const u64;
    // SAFETY: `address` lies in the stub's state page, inside the reserved region the DTB
    // names; it is plain RAM, 16-byte aligned, and only the stub writes it (not while the
    // payload reads: the payload's CPU is the only one).
    unsafe { (at.read_volatile(), at.add(1).read_volatile()) }
}

/// The `power_state` for a level-0 power-down, in the format PSCI says it takes.
fn power_down_state() -> Result<u64, u64> {
    let [features, ..] = hvc4([PSCI_FEATURES, CPU_SUSPEND, 0, 0]);
    if features >> 31 != 0 {
        return Err(features);
    }
    Ok(if features & EXTENDED_FORMAT != 0 { POWER_DOWN_EXTENDED } else { POWER_DOWN_ORIGINAL })
}

/// The suspend checks; returns when the CPU_SUSPEND call returned (the PSCIs the tests run).
pub fn run() {
    let Some(address) = slot_address() else {
        check(KEPT, false, format_args!("no state-page slot for MPIDR {:#x}", calls::mpidr()));
        return;
    };
    let state = match power_down_state() {
        Ok(state) => state,
        Err(features) => {
            let why = format_args!("PSCI_FEATURES(CPU_SUSPEND) gave {features:#x}");
            check(KEPT, false, why);
            return;
        }
    };
    let armed = wakeup::arm();
    if !armed.pending() {
        wakeup::disarm();
        let (isr, ctl) = (armed.isr, armed.cntv_ctl);
        let why = format_args!("no wake-up interrupt pending: ISR_EL1 {isr:#x} CNTV_CTL {ctl:#x}");
        check(KEPT, false, why);
        return;
    }
    let entry = resume_entry();
    let [status, ..] = hvc4([CPU_SUSPEND, state, entry, CONTEXT]);
    let el = calls::current_el();
    let kept = slot(address);
    say!("cpu-suspend: power_state {state:#x} returned {status:#x} (a wake-up was pending)");
    check(
        KEPT,
        status == SUCCESS && el == 1 && kept == (entry, CONTEXT),
        format_args!(
            "x0 {status:#x} at EL{el}; slot at {address:#x} holds {:#x} {:#x}, want {entry:#x} \
             {CONTEXT:#x}",
            kept.0, kept.1
        ),
    );
    after_cpu_suspend(address, state);
}

/// After a real power-down: the stub's secondary entry brought this CPU to
/// `suspend_resume_entry` with x0 = `context`, at exception level `el`.
pub fn resumed(context: u64, el: u64) {
    say!("cpu-suspend: resumed at the entry");
    let address = slot_address().unwrap_or_default();
    let kept = slot(address);
    check(
        KEPT,
        el == 1 && context == CONTEXT && kept == (resume_entry(), CONTEXT),
        format_args!(
            "resumed at EL{el} with x0 {context:#x}, want EL1 and {CONTEXT:#x}; slot holds \
             {:#x} {:#x}",
            kept.0, kept.1
        ),
    );
    after_cpu_suspend(address, power_down_state().unwrap_or(POWER_DOWN_ORIGINAL));
}

/// The checks after the first CPU_SUSPEND, whichever way it came back; the one that needs EL3
/// last (the QEMU tests expect the clauses in this order).
fn after_cpu_suspend(address: u64, state: u64) {
    system_suspend(address);
    if el3() {
        // Straight to EL3 the entry is refused; through the stub EL3 checks the stub's own
        // entry, accepts it, and abandons the power-down for the pending wake-up.
        let [direct, ..] = smc4([CPU_SUSPEND, state, REFUSED_ENTRY, CONTEXT_REFUSED]);
        let [relayed, ..] = hvc4([CPU_SUSPEND, state, REFUSED_ENTRY, CONTEXT_REFUSED]);
        let kept = slot(address);
        check(
            EL3_ENTRY,
            direct == INVALID_ADDRESS
                && relayed == SUCCESS
                && kept == (REFUSED_ENTRY, CONTEXT_REFUSED),
            format_args!(
                "entry {REFUSED_ENTRY:#x}: smc gave {direct:#x} (want {INVALID_ADDRESS:#x}), \
                 through the stub {relayed:#x} (want 0); slot holds {:#x} {:#x}",
                kept.0, kept.1
            ),
        );
    } else {
        skip(EL3_ENTRY, format_args!("no EL3: QEMU's PSCI does not look at the entry"));
    }
    wakeup::disarm();
}

/// `PSCI_FEATURES(SYSTEM_SUSPEND)` through the stub (and, with EL3, straight to it); when it is
/// not offered, `SYSTEM_SUSPEND` through the stub answers NOT_SUPPORTED at EL1 with the
/// caller's entry and context kept.
fn system_suspend(address: u64) {
    let [relayed, ..] = hvc4([PSCI_FEATURES, SYSTEM_SUSPEND, 0, 0]);
    let direct = if el3() { smc4([PSCI_FEATURES, SYSTEM_SUSPEND, 0, 0])[0] } else { relayed };
    if relayed == SUCCESS {
        let why = format_args!("SYSTEM_SUSPEND is offered; suspending the system is not tried");
        skip(SYSTEM, why);
        return;
    }
    let entry = resume_entry();
    let [status, ..] = hvc4([SYSTEM_SUSPEND, entry, CONTEXT_SYSTEM, 0]);
    let el = calls::current_el();
    let kept = slot(address);
    check(
        SYSTEM,
        relayed == NOT_SUPPORTED
            && direct == relayed
            && status == NOT_SUPPORTED
            && el == 1
            && kept == (entry, CONTEXT_SYSTEM),
        format_args!(
            "PSCI_FEATURES {relayed:#x} (EL3 says {direct:#x}); SYSTEM_SUSPEND gave {status:#x} \
             at EL{el}; slot holds {:#x} {:#x}, want {entry:#x} {CONTEXT_SYSTEM:#x}",
            kept.0, kept.1
        ),
    );
}
