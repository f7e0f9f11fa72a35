//! The hyp-stub ABI numbers, each defined once.
//!
//! Pinned to Linux 6.12, `arch/arm64/include/asm/virt.h` (call numbers and `HVC_STUB_ERR`) and
//! `Documentation/virt/kvm/arm/hyp-abi.rst` (their meaning). The stub's assembly takes every
//! number from here through `const` operands.

/// `x0` value: set `VBAR_EL2` to `x1` (a 2 KiB-aligned physical address).
pub const HVC_SET_VECTORS: u64 = 0;
/// `x0` value: mask exceptions, turn the EL2 MMU and caches off, point `VBAR_EL2` back at the
/// stub, move `x2..x4` into `x0..x2` and branch to `x1` at EL2. Never returns.
pub const HVC_SOFT_RESTART: u64 = 1;
/// `x0` value: turn the EL2 MMU off and point `VBAR_EL2` back at the stub.
pub const HVC_RESET_VECTORS: u64 = 2;
/// `x0` value: Linux-internal VHE upgrade of Linux's own stub; springboard answers
/// [`HVC_STUB_ERR`].
pub const HVC_FINALISE_EL2: u64 = 3;
/// `x0` value (Linux ≥ 6.13): read `ICH_VTR_EL2`.
pub const HVC_GET_ICH_VTR_EL2: u64 = 4;
/// The value returned in `x0` for a call that failed or is not known.
pub const HVC_STUB_ERR: u64 = 0xbad_ca11;

/// SMCCC (Arm DEN 0028E, 6.2) "Vendor Specific Hypervisor Service" fast calls: how many
/// functions the service has…
pub const SMCCC_VENDOR_HYP_CALL_COUNT: u64 = 0x8600_ff00;
/// …its UID (returned in `w0..w3`)…
pub const SMCCC_VENDOR_HYP_UID: u64 = 0x8600_ff01;
/// …and its revision (`x0` major, `x1` minor).
pub const SMCCC_VENDOR_HYP_REVISION: u64 = 0x8600_ff03;
/// springboard's UID: what EL1 code reads to know a springboard stub is resident
/// (UUID 5b1f9a2c-6d0e-4f57-9c3b-52e8b0a4d713, as the four 32-bit words SMCCC returns).
pub const SPRINGBOARD_UID: [u32; 4] = [0x5b1f_9a2c, 0x6d0e_4f57, 0x9c3b_52e8, 0xb0a4_d713];
/// The revision of springboard's vendor-hypervisor service: 0.1.
pub const SPRINGBOARD_REVISION: (u64, u64) = (0, 1);
/// springboard's vendor-hypervisor service has no functions beyond the generic queries.
pub const SPRINGBOARD_CALL_COUNT: u64 = 0;

/// PSCI function IDs are `0x8400_00NN` (SMC32) and `0xc400_00NN` (SMC64), `NN < 0x20`
/// (Arm DEN 0022D, 5.1): the top byte of each…
pub const PSCI_ID_TOP_BYTES: [u64; 2] = [0x84, 0xc4];
/// …and the bits between the top byte and the function number, which must be zero.
pub const PSCI_ID_FUNCTION_BITS: u32 = 5;
/// PSCI `CPU_ON` function number (`0x84000003` / `0xc4000003`): relayed with the stub's own
/// secondary entry, so the new CPU drops to EL1 like the first.
pub const PSCI_CPU_ON_FN: u64 = 3;
/// PSCI `CPU_SUSPEND` function number (`0x84000001` / `0xc4000001`): its entry point (`x2`)
/// is rewritten like `CPU_ON`'s, so a CPU that resumes from a power-down state resumes at EL1.
pub const PSCI_CPU_SUSPEND_FN: u64 = 1;
/// PSCI `SYSTEM_SUSPEND` function number (`0x8400000e` / `0xc400000e`): its entry point (`x1`)
/// is rewritten like `CPU_ON`'s.
pub const PSCI_SYSTEM_SUSPEND_FN: u64 = 0xe;
/// PSCI `SYSTEM_OFF` function number (Arm DEN 0022D, 5.1.9): relayed like every PSCI call.
pub const PSCI_SYSTEM_OFF_FN: u64 = 8;
/// The SMC32 function ID of PSCI `SYSTEM_OFF`, `0x84000008`: how springboard, the test payload
/// and the bench probe power the machine off.
pub const PSCI_SYSTEM_OFF: u64 = PSCI_ID_TOP_BYTES[0] << PSCI_ID_TOP_SHIFT | PSCI_SYSTEM_OFF_FN;
/// Where the top byte of a PSCI function ID starts.
pub const PSCI_ID_TOP_SHIFT: u32 = 24;

/// SMCCC (Arm DEN 0028E, 2.5) fast calls have bit 31 of the function ID set; the hyp-stub calls
/// (0..4) do not.
pub const SMCCC_FAST_CALL_BIT: u32 = 31;
/// The owning entity number of a fast call: bits 29..24 of the function ID.
pub const SMCCC_OEN_SHIFT: u32 = 24;
/// Width of the owning entity number.
pub const SMCCC_OEN_WIDTH: u32 = 6;
/// SMCCC function IDs are 32 bits (passed in `w0`); the stub refuses an `x0` with anything
/// above them as a fast call.
pub const SMCCC_FUNCTION_ID_BITS: u32 = 32;
/// Owning entity 0: Arm architecture calls (`SMCCC_VERSION` 0x80000000, `SMCCC_ARCH_FEATURES`,
/// `SMCCC_ARCH_SOC_ID`, the `SMCCC_ARCH_WORKAROUND_*` calls), relayed to EL3 when there is one.
pub const SMCCC_OEN_ARCH: u64 = 0;
/// Owning entity 4: standard secure services (PSCI below 0x20, TRNG at 0x50..0x53, …). PSCI is
/// always relayed; the others are relayed to EL3 when there is one.
pub const SMCCC_OEN_STANDARD: u64 = 4;
/// SMCCC's `NOT_SUPPORTED` (-1): the answer to any other fast call, and to an architecture or
/// standard-service call when there is no EL3 to relay it to.
pub const SMCCC_NOT_SUPPORTED: i64 = -1;
/// `ID_AA64PFR0_EL1.EL3` (bits 15..12): non-zero when EL3 is implemented, so an `smc` from EL2
/// reaches firmware (TF-A). Without EL3 only QEMU's own PSCI answers `smc`.
pub const ID_AA64PFR0_EL3_SHIFT: u32 = 12;
/// PSCI's `INVALID_PARAMETERS` (-2), for a `CPU_ON` whose MPIDR has no slot in the state page.
pub const PSCI_INVALID_PARAMETERS: i64 = -2;
/// PSCI's `DENIED` (-3): `CPU_OFF` from a CPU without a slot.
pub const PSCI_DENIED: i64 = -3;
/// PSCI's `ALREADY_ON` (-4): `CPU_ON` of a CPU that runs.
pub const PSCI_ALREADY_ON: i64 = -4;
/// PSCI's `ON_PENDING` (-5): `CPU_ON` of a CPU already being started.
pub const PSCI_ON_PENDING: i64 = -5;
/// PSCI's `INVALID_ADDRESS` (-9): `CPU_ON` with an entry that is not an instruction address.
pub const PSCI_INVALID_ADDRESS: i64 = -9;

/// The PSCI version the stub serves itself (Arm DEN 0022D 5.1.1: major in bits 30..16, minor
/// in 15..0): 1.0, the first with `PSCI_FEATURES`.
pub const STUB_PSCI_VERSION: u64 = 1 << 16;
/// PSCI `PSCI_VERSION` function number (`0x84000000`).
pub const PSCI_VERSION_FN: u64 = 0;
/// PSCI `CPU_OFF` function number (`0x84000002`).
pub const PSCI_CPU_OFF_FN: u64 = 2;
/// PSCI `AFFINITY_INFO` function number (`0x84000004` / `0xc4000004`).
pub const PSCI_AFFINITY_INFO_FN: u64 = 4;
/// PSCI `MIGRATE_INFO_TYPE` function number (`0x84000006`).
pub const PSCI_MIGRATE_INFO_TYPE_FN: u64 = 6;
/// PSCI `SYSTEM_RESET` function number (`0x84000009`).
pub const PSCI_SYSTEM_RESET_FN: u64 = 9;
/// PSCI `PSCI_FEATURES` function number (`0x8400000a`).
pub const PSCI_FEATURES_FN: u64 = 0xa;
/// `MIGRATE_INFO_TYPE`'s answer when there is no trusted OS to migrate (Arm DEN 0022D 5.8.1).
pub const PSCI_NO_TRUSTED_OS: u64 = 2;
/// `AFFINITY_INFO` answers (Arm DEN 0022D 5.7.1): `ON`, `OFF`, `ON_PENDING`.
pub const PSCI_AFFINITY_ON: u64 = 0;
/// See [`PSCI_AFFINITY_ON`].
pub const PSCI_AFFINITY_OFF: u64 = 1;
/// See [`PSCI_AFFINITY_ON`].
pub const PSCI_AFFINITY_ON_PENDING: u64 = 2;
/// The SMC32 functions the stub serves itself, one bit per function number: `PSCI_VERSION`,
/// `CPU_OFF`, `CPU_ON`, `AFFINITY_INFO`, `MIGRATE_INFO_TYPE`, `SYSTEM_OFF`, `SYSTEM_RESET`,
/// `PSCI_FEATURES`.
pub const STUB_PSCI_SMC32: u64 = 1 << PSCI_VERSION_FN
    | 1 << PSCI_CPU_OFF_FN
    | 1 << PSCI_CPU_ON_FN
    | 1 << PSCI_AFFINITY_INFO_FN
    | 1 << PSCI_MIGRATE_INFO_TYPE_FN
    | 1 << PSCI_SYSTEM_OFF_FN
    | 1 << PSCI_SYSTEM_RESET_FN
    | 1 << PSCI_FEATURES_FN;
/// The SMC64 functions it serves: `CPU_ON` and `AFFINITY_INFO` (the others have no SMC64 ID).
pub const STUB_PSCI_SMC64: u64 = 1 << PSCI_CPU_ON_FN | 1 << PSCI_AFFINITY_INFO_FN;

/// The BCM2835 PM block's registers (Linux 6.1 `drivers/watchdog/bcm2835_wdt.c`, the reference
/// in the absence of a datasheet chapter): `PM_RSTC` at 0x1c…
pub const PM_RSTC: u64 = 0x1c;
/// …and `PM_RSTS` at 0x20.
pub const PM_RSTS: u64 = 0x20;
/// Every write to the PM block carries this password in bits 31..24.
pub const PM_PASSWORD: u64 = 0x5a00_0000;
/// `PM_RSTS` boot partition 63, which the firmware (and QEMU's model) takes as "halt" at the
/// next reset: `SYSTEM_OFF` writes it, `SYSTEM_RESET` writes partition 0.
pub const PM_RSTS_PARTITION_HALT: u64 = 0x555;
/// `PM_WDOG` at 0x24: the watchdog's countdown, in ticks of about 15 µs…
pub const PM_WDOG: u64 = 0x24;
/// …set to a few ticks before the reset is configured (Linux writes 10).
pub const PM_WDOG_TICKS: u64 = 10;
/// `PM_RSTC`: a full reset now.
pub const PM_RSTC_FULL_RESET: u64 = 0x20;

/// Layout of the resident region: the stub's code (≤ [`STUB_BUDGET`]) and then the state page.
pub const STATE_PAGE_OFFSET: u64 = STUB_BUDGET as u64;
/// Size of the state page: one 4 KiB page (the granule the resident region is reserved in).
pub const STATE_PAGE_SIZE: u64 = 0x1000;
/// Size of the whole resident region: the stub's budget, then the state page.
pub const RESIDENT_SIZE: u64 = STATE_PAGE_OFFSET + STATE_PAGE_SIZE;
/// Offset in the state page of the per-CPU `(entry, context)` slots of relayed `CPU_ON` calls.
pub const CPU_SLOTS_OFFSET: u64 = 0x800;
/// log2 of [`CPU_SLOT_SIZE`].
pub const CPU_SLOT_SIZE_LOG2: u32 = 5;
/// Bytes per CPU slot: entry point, context ID, and for PSCI served by the stub the CPU's
/// state and wake word (`SLOT_*`).
pub const CPU_SLOT_SIZE: u64 = 1 << CPU_SLOT_SIZE_LOG2;
/// Offset in a CPU slot of the entry point of a `CPU_ON` (or suspend) call.
pub const SLOT_ENTRY: u64 = 0;
/// Offset in a CPU slot of the context ID that goes with [`SLOT_ENTRY`].
pub const SLOT_CONTEXT: u64 = 8;
/// Offset in a CPU slot of the CPU's state (`CPU_*`), kept when the stub serves PSCI.
pub const SLOT_STATE: u64 = 16;
/// Offset in a CPU slot of its wake word: for a CPU in the firmware's spin-table pen
/// ([`CPU_IN_FIRMWARE_PEN`]) the address of its `cpu-release-addr`, where `CPU_ON` writes the
/// stub's secondary entry; for a CPU the stub parked ([`CPU_PARKED`]) the mailbox itself,
/// where `CPU_ON` writes that entry and which the parked CPU polls.
pub const SLOT_WAKE: u64 = 24;
/// CPU state: no CPU has this slot (`CPU_ON` and `AFFINITY_INFO` answer
/// `INVALID_PARAMETERS`).
pub const CPU_ABSENT: u64 = 0;
/// CPU state: running the kernel (`AFFINITY_INFO`: `ON`).
pub const CPU_ON: u64 = 1;
/// CPU state: still in the firmware's spin-table pen, woken through its release address
/// (`AFFINITY_INFO`: `OFF`).
pub const CPU_IN_FIRMWARE_PEN: u64 = 2;
/// CPU state: parked by `CPU_OFF` at EL2 in the stub's pen (`stub_park`), MMU off, waiting on
/// its wake word with `wfe` (`AFFINITY_INFO`: `OFF`).
pub const CPU_PARKED: u64 = 3;
/// CPU state: released by `CPU_ON`, not yet through the stub's secondary entry
/// (`AFFINITY_INFO`: `ON_PENDING`).
pub const CPU_ON_PENDING: u64 = 4;
/// Offset in the state page of the word that says the stub serves PSCI itself: it holds
/// [`STUB_PSCI_MAGIC`] when it does, anything else when PSCI is relayed to EL3. The loader
/// writes it at every hand-off.
pub const STUB_PSCI_OFFSET: u64 = 0xc00;
/// The value of the word at [`STUB_PSCI_OFFSET`] that turns the stub's own PSCI on ("SBPSCI10"
/// in ASCII, so a zeroed or stale page does not).
pub const STUB_PSCI_MAGIC: u64 = u64::from_le_bytes(*b"SBPSCI10");
/// Offset in the state page of the base of the BCM2835 PM block (`brcm,bcm2835-pm-wdt`) that
/// `SYSTEM_OFF` and `SYSTEM_RESET` drive when the stub serves PSCI; 0 when the board has none
/// (both then answer `NOT_SUPPORTED`).
pub const STUB_PSCI_WATCHDOG_OFFSET: u64 = 0xc08;
/// Offset of the stub's pen (`stub_park`) from the stub's start: the first instruction after
/// the vector table, so every springboard build parks CPUs at the same address and a later
/// springboard may replace the stub around CPUs parked by an earlier one.
pub const STUB_PARK_OFFSET: u64 = VECTORS_SIZE as u64;
/// CPUs with a slot have `MPIDR.Aff0 < 1 << CPU_SLOT_AFF0_BITS` (eight per cluster)…
pub const CPU_SLOT_AFF0_BITS: u32 = 3;
/// …and `MPIDR.Aff1 < 1 << CPU_SLOT_AFF1_BITS` (four clusters).
pub const CPU_SLOT_AFF1_BITS: u32 = 2;
/// CPUs with a slot: `MPIDR.Aff0 < 8` and `MPIDR.Aff1 < 4` (slot = `Aff1 * 8 + Aff0`).
pub const CPU_SLOTS: u64 = 1 << (CPU_SLOT_AFF0_BITS + CPU_SLOT_AFF1_BITS);
/// `HVC_SOFT_RESTART` refuses an entry that is not a multiple of this: A64 instructions are
/// 4 bytes, and a branch elsewhere takes a PC alignment fault.
pub const ENTRY_ALIGN: u64 = 4;

/// `ESR_EL2.EC` of an `hvc` executed in AArch64 state (Arm ARM D24.2.40, DDI 0487K.a).
pub const ESR_EC_HVC64: u64 = 0x16;
/// `SCTLR_EL2` with every RES1 bit set and nothing else: MMU, alignment checks, data and
/// instruction caches off, little-endian (`INIT_SCTLR_EL2_MMU_OFF` in Linux 6.12
/// `arch/arm64/include/asm/sysreg.h`, for `HCR_EL2.E2H == 0`).
pub const SCTLR_EL2_MMU_OFF: u64 = 0x30c5_0830;
/// `SPSR_EL2` for "EL2h with D, A, I and F masked" (Arm ARM C5.2.19): the state in which
/// `HVC_SOFT_RESTART` enters the next image.
pub const SPSR_EL2H_MASKED: u64 = 0x3c9;
/// Size of one slot of an exception vector table: 32 instructions (Arm ARM DDI 0487K.a, "Exception
/// vectors": `VBAR_ELx` + 0x000..0x780, one slot per 0x80).
pub const VECTOR_SLOT_SIZE: usize = 0x80;
/// Size of the vector table: 16 slots; also its required alignment.
pub const VECTORS_SIZE: usize = 16 * VECTOR_SLOT_SIZE;
/// Offset in a vector table of the slot "synchronous exception from a lower EL, AArch64": where
/// an `hvc` from EL1 lands (the first slot of the third group of four).
pub const VECTOR_LOWER_A64_SYNC: usize = 8 * VECTOR_SLOT_SIZE;
/// Offset in a vector table of the slot "synchronous exception from the current EL, SP_ELx":
/// where a fault of the EL's own code lands (the first slot of the second group of four).
pub const VECTOR_CURRENT_SPX_SYNC: usize = 4 * VECTOR_SLOT_SIZE;
/// The budget of the whole resident stub, vectors included (DESIGN §4).
pub const STUB_BUDGET: usize = 4096;

/// What the stub does with a call, decided from `x0` alone (and whether EL3 exists): the same
/// compare chain as `stub.S`'s `stub_sync`, as a model the host tests and the README's table
/// are checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// [`HVC_SET_VECTORS`]: `VBAR_EL2 = x1` when 2 KiB aligned, else [`HVC_STUB_ERR`].
    SetVectors,
    /// [`HVC_SOFT_RESTART`]: enter `x1` at EL2 when 4-byte aligned, else [`HVC_STUB_ERR`].
    SoftRestart,
    /// [`HVC_RESET_VECTORS`].
    ResetVectors,
    /// [`HVC_GET_ICH_VTR_EL2`].
    GetIchVtr,
    /// springboard's own vendor-hypervisor service: count, UID and revision.
    VendorHyp,
    /// PSCI, relayed to EL3 (or QEMU's PSCI) with `smc`; `CPU_ON`, `CPU_SUSPEND` and
    /// `SYSTEM_SUSPEND` with their entry point rewritten to the stub's secondary entry.
    Psci {
        /// Whether the entry point is rewritten.
        rewrites_entry: bool,
    },
    /// PSCI served by the stub itself: the loader turned it on (the board has no PSCI
    /// firmware; [`STUB_PSCI_MAGIC`]).
    StubPsci(StubPsci),
    /// An architecture or other standard-service call, relayed to EL3 with `smc`.
    RelayToEl3,
    /// Any other SMCCC fast call: `x0 = SMCCC_NOT_SUPPORTED`.
    NotSupported,
    /// Anything else, [`HVC_FINALISE_EL2`] included: `x0 = HVC_STUB_ERR`.
    StubError,
}

/// A PSCI call the stub serves itself (`stub_psci_local` in `stub.S`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StubPsci {
    /// `PSCI_VERSION`: `x0` = [`STUB_PSCI_VERSION`].
    Version,
    /// `PSCI_FEATURES(x1)`: 0 for a function ID [`stub_psci_serves`], else `NOT_SUPPORTED`.
    Features,
    /// `CPU_ON(x1 = MPIDR, x2 = entry, x3 = context)`: through the release address of a CPU
    /// in the firmware's pen, or the wake word of one the stub parked.
    CpuOn,
    /// `CPU_OFF`: this CPU parks at EL2 in the stub's pen until a `CPU_ON` wakes it.
    CpuOff,
    /// `AFFINITY_INFO(x1 = MPIDR, x2 = 0)`: `ON`, `OFF` or `ON_PENDING`.
    AffinityInfo,
    /// `MIGRATE_INFO_TYPE`: [`PSCI_NO_TRUSTED_OS`].
    MigrateInfoType,
    /// `SYSTEM_OFF` through the board's PM watchdog.
    SystemOff,
    /// `SYSTEM_RESET` through the board's PM watchdog.
    SystemReset,
    /// Any other PSCI function: `NOT_SUPPORTED`.
    NotSupported,
}

/// Whether the stub serves the PSCI function `id` itself (SMC32 or SMC64, per
/// [`STUB_PSCI_SMC32`] and [`STUB_PSCI_SMC64`]): what its `PSCI_FEATURES` answers.
pub const fn stub_psci_serves(id: u64) -> bool {
    if !is_psci(id) {
        return false;
    }
    let set = if id >> PSCI_ID_TOP_SHIFT == PSCI_ID_TOP_BYTES[1] {
        STUB_PSCI_SMC64
    } else {
        STUB_PSCI_SMC32
    };
    (set >> (id & ((1 << PSCI_ID_FUNCTION_BITS) - 1))) & 1 == 1
}

/// The call the stub serves for the PSCI function ID `x0`.
const fn stub_psci(x0: u64) -> StubPsci {
    if !stub_psci_serves(x0) {
        return StubPsci::NotSupported;
    }
    match x0 & ((1 << PSCI_ID_FUNCTION_BITS) - 1) {
        PSCI_VERSION_FN => StubPsci::Version,
        PSCI_CPU_OFF_FN => StubPsci::CpuOff,
        PSCI_CPU_ON_FN => StubPsci::CpuOn,
        PSCI_AFFINITY_INFO_FN => StubPsci::AffinityInfo,
        PSCI_MIGRATE_INFO_TYPE_FN => StubPsci::MigrateInfoType,
        PSCI_SYSTEM_OFF_FN => StubPsci::SystemOff,
        PSCI_SYSTEM_RESET_FN => StubPsci::SystemReset,
        _ => StubPsci::Features,
    }
}

/// The route of the call `x0`; `el3` says whether EL3 is implemented, `stub_psci` whether the
/// loader turned the stub's own PSCI on.
pub const fn route(x0: u64, el3: bool, stub_psci: bool) -> Route {
    match x0 {
        HVC_SET_VECTORS => return Route::SetVectors,
        HVC_SOFT_RESTART => return Route::SoftRestart,
        HVC_RESET_VECTORS => return Route::ResetVectors,
        HVC_GET_ICH_VTR_EL2 => return Route::GetIchVtr,
        SMCCC_VENDOR_HYP_CALL_COUNT | SMCCC_VENDOR_HYP_UID | SMCCC_VENDOR_HYP_REVISION => {
            return Route::VendorHyp
        }
        _ => {}
    }
    if x0 >> SMCCC_FUNCTION_ID_BITS != 0 || x0 >> SMCCC_FAST_CALL_BIT == 0 {
        return Route::StubError;
    }
    if is_psci(x0) && stub_psci {
        return Route::StubPsci(self::stub_psci(x0));
    }
    if is_psci(x0) {
        let function = x0 & ((1 << PSCI_ID_FUNCTION_BITS) - 1);
        let rewrites_entry =
            matches!(function, PSCI_CPU_ON_FN | PSCI_CPU_SUSPEND_FN | PSCI_SYSTEM_SUSPEND_FN);
        return Route::Psci { rewrites_entry };
    }
    let oen = (x0 >> SMCCC_OEN_SHIFT) & ((1 << SMCCC_OEN_WIDTH) - 1);
    if el3 && (oen == SMCCC_OEN_ARCH || oen == SMCCC_OEN_STANDARD) {
        Route::RelayToEl3
    } else {
        Route::NotSupported
    }
}

// The CPU slots fit in the state page, after the state record; the stub's PSCI words follow.
const _: () = assert!(CPU_SLOTS_OFFSET + CPU_SLOTS * CPU_SLOT_SIZE <= STUB_PSCI_OFFSET);
const _: () = assert!(STUB_PSCI_WATCHDOG_OFFSET + 8 <= STATE_PAGE_SIZE);
// The stub loads the served-function masks with one `movz`.
const _: () = assert!(STUB_PSCI_SMC32 < 1 << 16 && STUB_PSCI_SMC64 < 1 << 16);
const _: () = assert!(SLOT_WAKE + 8 <= CPU_SLOT_SIZE && SLOT_ENTRY + 8 == SLOT_CONTEXT);

/// Whether `x0` is a PSCI function ID (which the stub relays to EL3).
pub const fn is_psci(x0: u64) -> bool {
    let top = x0 >> PSCI_ID_TOP_SHIFT;
    let between = (1 << (PSCI_ID_TOP_SHIFT - PSCI_ID_FUNCTION_BITS)) - 1;
    (top == PSCI_ID_TOP_BYTES[0] || top == PSCI_ID_TOP_BYTES[1])
        && (x0 >> PSCI_ID_FUNCTION_BITS) & between == 0
}

/// The state-page slot of the CPU with affinity `mpidr`, if it has one.
pub const fn cpu_slot(mpidr: u64) -> Option<u64> {
    let aff0 = affinity(mpidr, 0);
    let aff1 = affinity(mpidr, 1);
    let upper = affinity(mpidr, 2) | affinity(mpidr, 3);
    if aff0 < 1 << CPU_SLOT_AFF0_BITS && aff1 < 1 << CPU_SLOT_AFF1_BITS && upper == 0 {
        Some(aff1 << CPU_SLOT_AFF0_BITS | aff0)
    } else {
        None
    }
}

/// `MPIDR_EL1.Aff<level>`.
const fn affinity(mpidr: u64, level: usize) -> u64 {
    let shift = crate::regs::MPIDR_EL1_AFF_SHIFTS[level];
    (mpidr >> shift) & ((1 << crate::regs::MPIDR_EL1_AFF_WIDTH) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_linux_6_12_virt_h() {
        assert_eq!(
            [
                HVC_SET_VECTORS,
                HVC_SOFT_RESTART,
                HVC_RESET_VECTORS,
                HVC_FINALISE_EL2,
                HVC_GET_ICH_VTR_EL2
            ],
            [0, 1, 2, 3, 4]
        );
        assert_eq!(HVC_STUB_ERR, 0xbadca11);
    }

    /// The README's call table, row by row, as the model routes it.
    #[test]
    fn every_call_takes_the_route_the_readme_documents() {
        let rows: &[(u64, bool, Route)] = &[
            (0, false, Route::SetVectors),
            (1, false, Route::SoftRestart),
            (2, false, Route::ResetVectors),
            (HVC_FINALISE_EL2, true, Route::StubError),
            (4, false, Route::GetIchVtr),
            (0x8600_ff00, false, Route::VendorHyp),
            (0x8600_ff01, true, Route::VendorHyp),
            (0x8600_ff03, false, Route::VendorHyp),
            (0x8600_ff02, true, Route::NotSupported),
            (0x8400_0000, false, Route::Psci { rewrites_entry: false }),
            (0x8400_0008, false, Route::Psci { rewrites_entry: false }),
            (0xc400_0003, false, Route::Psci { rewrites_entry: true }),
            (0xc400_0001, true, Route::Psci { rewrites_entry: true }),
            (0xc400_000e, true, Route::Psci { rewrites_entry: true }),
            (0x8000_0000, true, Route::RelayToEl3),
            (0x8000_0000, false, Route::NotSupported),
            (0x8000_8000, true, Route::RelayToEl3),
            (0x8000_7fff, true, Route::RelayToEl3),
            (0x8400_0050, true, Route::RelayToEl3),
            (0xc400_0053, true, Route::RelayToEl3),
            (0x8400_0053, false, Route::NotSupported),
            (0xc200_1234, true, Route::NotSupported),
            (0xffff_ffff, true, Route::NotSupported),
            (5, true, Route::StubError),
            (0x1000, true, Route::StubError),
            (0x7fff_ffff, true, Route::StubError),
            (0x1_8000_0000, true, Route::StubError),
            (u64::MAX, true, Route::StubError),
        ];
        for &(x0, el3, want) in rows {
            assert_eq!(route(x0, el3, false), want, "x0 = {x0:#x}, EL3 {el3}");
        }
    }

    /// The README's table of the PSCI the stub serves itself, row by row; every call that is
    /// not PSCI routes as without it.
    #[test]
    fn stub_psci_serves_the_documented_calls_and_refuses_the_rest() {
        use StubPsci::*;
        let rows: &[(u64, StubPsci)] = &[
            (0x8400_0000, Version),
            (0x8400_000a, Features),
            (0x8400_0003, CpuOn),
            (0xc400_0003, CpuOn),
            (0x8400_0002, CpuOff),
            (0x8400_0004, AffinityInfo),
            (0xc400_0004, AffinityInfo),
            (0x8400_0006, MigrateInfoType),
            (0x8400_0008, SystemOff),
            (0x8400_0009, SystemReset),
            (0xc400_0000, NotSupported),
            (0xc400_0008, NotSupported),
            (0x8400_0001, NotSupported),
            (0xc400_0001, NotSupported),
            (0x8400_0005, NotSupported),
            (0x8400_000e, NotSupported),
            (0xc400_0012, NotSupported),
            (0x8400_001f, NotSupported),
        ];
        for &(x0, want) in rows {
            assert_eq!(route(x0, false, true), Route::StubPsci(want), "x0 = {x0:#x}");
            assert_eq!(stub_psci_serves(x0), want != NotSupported, "{x0:#x}");
        }
        for x0 in [0, 1, 4, 0x8600_ff01, 0x8000_0000, 0x8400_0050, 0xc200_1234, u64::MAX] {
            assert_eq!(route(x0, false, true), route(x0, false, false), "x0 = {x0:#x}");
        }
        assert!(!stub_psci_serves(0x8000_0000), "SMCCC_VERSION is not PSCI");
    }

    #[test]
    fn the_park_offset_follows_the_vectors_and_the_magic_spells_its_name() {
        assert_eq!(STUB_PARK_OFFSET, 0x800);
        assert_eq!(&STUB_PSCI_MAGIC.to_le_bytes(), b"SBPSCI10");
        assert_eq!(STUB_PSCI_VERSION, 0x1_0000, "PSCI 1.0");
    }

    #[test]
    fn psci_ids_are_recognised_and_nothing_else() {
        for id in [0x8400_0000, 0x8400_0008, 0xc400_0003, 0x8400_001f] {
            assert!(is_psci(id), "{id:#x}");
        }
        for id in [0x8400_0020, 0x8600_ff01, 0xc500_0000, 0x1_8400_0000, 5, HVC_STUB_ERR] {
            assert!(!is_psci(id), "{id:#x}");
        }
    }

    #[test]
    fn system_off_is_the_psci_1_1_smc32_id() {
        assert_eq!(PSCI_SYSTEM_OFF, 0x8400_0008);
    }

    #[test]
    fn cpu_slots_cover_four_clusters_of_eight_and_fit_the_state_page() {
        assert_eq!(cpu_slot(0x8000_0000), Some(0));
        assert_eq!(cpu_slot(0x0000_0107), Some(15));
        assert_eq!(cpu_slot(0x0000_0008), None);
        assert_eq!(cpu_slot(0x0001_0000), None);
    }

    #[test]
    fn sctlr_value_has_mmu_and_caches_off() {
        const M: u64 = 1 << 0;
        const C: u64 = 1 << 2;
        const I: u64 = 1 << 12;
        const EE: u64 = 1 << 25;
        assert_eq!(SCTLR_EL2_MMU_OFF & (M | C | I | EE), 0);
    }
}
