//! The resident EL2 stub (`stub.S`): vectors, the hyp-stub ABI dispatcher, the PSCI relay and
//! the EL1 environment, in one section of its own (`.text.stub`) that the loader copies byte
//! for byte into the resident region. Written like Linux's `arch/arm64/kernel/hyp-stub.S`: one
//! 2 KiB-aligned table, only the synchronous "current EL, SP_ELx" and "lower EL, AArch64" slots
//! live, every other slot a distinct self-loop, then a compare chain on `x0`.

use crate::{abi, regs};

core::arch::global_asm!(
    include_str!("stub.S"),
    vectors_size = const abi::VECTORS_SIZE,
    slot_size = const abi::VECTOR_SLOT_SIZE,
    ec_hvc64 = const abi::ESR_EC_HVC64,
    soft_restart = const abi::HVC_SOFT_RESTART,
    set_vectors = const abi::HVC_SET_VECTORS,
    reset_vectors = const abi::HVC_RESET_VECTORS,
    get_ich_vtr = const abi::HVC_GET_ICH_VTR_EL2,
    err_lo = const abi::HVC_STUB_ERR & 0xffff,
    err_hi = const abi::HVC_STUB_ERR >> 16,
    vh_count_lo = const abi::SMCCC_VENDOR_HYP_CALL_COUNT & 0xffff,
    vh_count_hi = const abi::SMCCC_VENDOR_HYP_CALL_COUNT >> 16,
    vh_uid_step = const abi::SMCCC_VENDOR_HYP_UID - abi::SMCCC_VENDOR_HYP_CALL_COUNT,
    vh_revision_step = const abi::SMCCC_VENDOR_HYP_REVISION - abi::SMCCC_VENDOR_HYP_UID,
    vh_call_count = const abi::SPRINGBOARD_CALL_COUNT,
    uid0 = const abi::SPRINGBOARD_UID[0],
    uid1 = const abi::SPRINGBOARD_UID[1],
    uid2 = const abi::SPRINGBOARD_UID[2],
    uid3 = const abi::SPRINGBOARD_UID[3],
    rev_major = const abi::SPRINGBOARD_REVISION.0,
    rev_minor = const abi::SPRINGBOARD_REVISION.1,
    psci_smc32 = const abi::PSCI_ID_TOP_BYTES[0],
    psci_smc64 = const abi::PSCI_ID_TOP_BYTES[1],
    psci_fn_bits = const abi::PSCI_ID_FUNCTION_BITS,
    psci_cpu_on = const abi::PSCI_CPU_ON_FN,
    psci_cpu_suspend = const abi::PSCI_CPU_SUSPEND_FN,
    psci_system_suspend = const abi::PSCI_SYSTEM_SUSPEND_FN,
    fast_call_bit = const abi::SMCCC_FAST_CALL_BIT,
    oen_shift = const abi::SMCCC_OEN_SHIFT,
    oen_arch = const abi::SMCCC_OEN_ARCH,
    oen_standard = const abi::SMCCC_OEN_STANDARD,
    not_supported = const abi::SMCCC_NOT_SUPPORTED,
    pfr0_el3_shift = const abi::ID_AA64PFR0_EL3_SHIFT,
    psci_invalid = const abi::PSCI_INVALID_PARAMETERS,
    cpu_slots_offset = const abi::CPU_SLOTS_OFFSET,
    state_page = const abi::STATE_PAGE_OFFSET,
    sctlr_el2_lo = const abi::SCTLR_EL2_MMU_OFF & 0xffff,
    sctlr_el2_hi = const abi::SCTLR_EL2_MMU_OFF >> 16,
    spsr_el2h = const abi::SPSR_EL2H_MASKED,
    spsr_el1h = const regs::SPSR_EL2_EL1H_MASKED,
    hcr_el2 = const regs::HCR_EL2,
    hcr_apk_api = const regs::HCR_EL2_APK_API,
    hcr_ata = const regs::HCR_EL2_ATA,
    cptr_el2 = const regs::CPTR_EL2,
    cptr_tz = const regs::CPTR_EL2_TZ,
    cptr_tsm = const regs::CPTR_EL2_TSM,
    vl_max = const regs::VECTOR_LEN_MAX,
    smcr_fa64 = const regs::SMCR_EL2_FA64,
    cnthctl_el2 = const regs::CNTHCTL_EL2,
    icc_sre = const regs::ICC_SRE_EL2_SRE_ENABLE,
    cpacr_fpen = const regs::CPACR_EL1_FPEN,
    sctlr_el1_lo = const regs::SCTLR_EL1 & 0xffff,
    sctlr_el1_hi = const regs::SCTLR_EL1 >> 16,
    esr_ec_shift = const regs::ESR_EL2_EC_SHIFT,
    fn_id_bits = const abi::SMCCC_FUNCTION_ID_BITS,
    psci_top_shift = const abi::PSCI_ID_TOP_SHIFT,
    oen_width = const abi::SMCCC_OEN_WIDTH,
    entry_align = const abi::ENTRY_ALIGN,
    id_width = const regs::ID_FIELD_WIDTH,
    pfr0_gic_shift = const regs::ID_AA64PFR0_EL1_GIC_SHIFT,
    pfr0_sve_shift = const regs::ID_AA64PFR0_EL1_SVE_SHIFT,
    pfr1_mte_shift = const regs::ID_AA64PFR1_EL1_MTE_SHIFT,
    pfr1_mte2 = const regs::ID_AA64PFR1_EL1_MTE_MTE2,
    pfr1_sme_shift = const regs::ID_AA64PFR1_EL1_SME_SHIFT,
    isar1_apa_api = const regs::ID_AA64ISAR1_EL1_APA_API,
    isar2_apa3 = const regs::ID_AA64ISAR2_EL1_APA3,
    smfr0_fa64_bit = const regs::ID_AA64SMFR0_EL1_FA64_BIT,
    dfr0_pmuver_shift = const regs::ID_AA64DFR0_EL1_PMUVER_SHIFT,
    pmcr_n_shift = const regs::PMCR_EL0_N_SHIFT,
    pmcr_n_width = const regs::PMCR_EL0_N_WIDTH,
    mmfr0_fgt_shift = const regs::ID_AA64MMFR0_EL1_FGT_SHIFT,
    mmfr1_hcx_shift = const regs::ID_AA64MMFR1_EL1_HCX_SHIFT,
    cptr_tz_bit = const regs::CPTR_EL2_TZ_BIT,
    cptr_tsm_bit = const regs::CPTR_EL2_TSM_BIT,
    aff0_shift = const regs::MPIDR_EL1_AFF_SHIFTS[0],
    aff1_shift = const regs::MPIDR_EL1_AFF_SHIFTS[1],
    aff2_shift = const regs::MPIDR_EL1_AFF_SHIFTS[2],
    aff3_shift = const regs::MPIDR_EL1_AFF_SHIFTS[3],
    aff_width = const regs::MPIDR_EL1_AFF_WIDTH,
    slot_aff0_bits = const abi::CPU_SLOT_AFF0_BITS,
    slot_aff1_bits = const abi::CPU_SLOT_AFF1_BITS,
    slot_size_log2 = const abi::CPU_SLOT_SIZE_LOG2,
    park_offset = const abi::STUB_PARK_OFFSET,
    stub_psci_offset = const abi::STUB_PSCI_OFFSET,
    stub_psci_watchdog_offset = const abi::STUB_PSCI_WATCHDOG_OFFSET,
    stub_psci_magic = const abi::STUB_PSCI_MAGIC,
    stub_psci_smc32 = const abi::STUB_PSCI_SMC32,
    stub_psci_smc64 = const abi::STUB_PSCI_SMC64,
    stub_psci_version = const abi::STUB_PSCI_VERSION,
    psci_version_fn = const abi::PSCI_VERSION_FN,
    psci_cpu_off_fn = const abi::PSCI_CPU_OFF_FN,
    psci_affinity_info_fn = const abi::PSCI_AFFINITY_INFO_FN,
    psci_migrate_info_type_fn = const abi::PSCI_MIGRATE_INFO_TYPE_FN,
    psci_system_off_fn = const abi::PSCI_SYSTEM_OFF_FN,
    psci_system_reset_fn = const abi::PSCI_SYSTEM_RESET_FN,
    psci_no_trusted_os = const abi::PSCI_NO_TRUSTED_OS,
    psci_denied = const abi::PSCI_DENIED,
    psci_already_on = const abi::PSCI_ALREADY_ON,
    psci_on_pending = const abi::PSCI_ON_PENDING,
    psci_invalid_address = const abi::PSCI_INVALID_ADDRESS,
    affinity_on = const abi::PSCI_AFFINITY_ON,
    affinity_off = const abi::PSCI_AFFINITY_OFF,
    affinity_on_pending = const abi::PSCI_AFFINITY_ON_PENDING,
    slot_entry = const abi::SLOT_ENTRY,
    slot_state = const abi::SLOT_STATE,
    slot_wake = const abi::SLOT_WAKE,
    cpu_state_on = const abi::CPU_ON,
    cpu_in_pen = const abi::CPU_IN_FIRMWARE_PEN,
    cpu_parked = const abi::CPU_PARKED,
    cpu_on_pending = const abi::CPU_ON_PENDING,
    pm_rstc = const abi::PM_RSTC,
    pm_rsts = const abi::PM_RSTS,
    pm_wdog = const abi::PM_WDOG,
    pm_wdog_ticks = const abi::PM_WDOG_TICKS,
    pm_password = const abi::PM_PASSWORD,
    pm_halt = const abi::PM_RSTS_PARTITION_HALT,
    pm_full_reset = const abi::PM_RSTC_FULL_RESET,
);

// Values built from 16-bit halves must rebuild exactly; `mov` immediates must encode.
const _: () = assert!(abi::HVC_STUB_ERR >> 32 == 0 && abi::SCTLR_EL2_MMU_OFF >> 32 == 0);
const _: () = assert!(regs::SCTLR_EL1 >> 32 == 0 && abi::SMCCC_VENDOR_HYP_CALL_COUNT >> 32 == 0);
const _: () = assert!(regs::CPTR_EL2_TZ == 1 << 8 && regs::CPTR_EL2_TSM == 1 << 12);
const _: () = assert!(regs::HCR_EL2 == 0x8000 << 16 && regs::CPACR_EL1_FPEN == 0x30 << 16);
// `add` immediates: 12 bits, or 12 bits shifted by 12.
const _: () = assert!(abi::STATE_PAGE_OFFSET % 4096 == 0 && abi::STATE_PAGE_OFFSET >> 24 == 0);
const _: () = assert!(abi::CPU_SLOTS_OFFSET < 4096);
// `ldr` immediates: multiples of 8 below 32 KiB. `cbz` on a slot state tests CPU_ABSENT.
const _: () = assert!((abi::STATE_PAGE_OFFSET + abi::STUB_PSCI_WATCHDOG_OFFSET) < 32768);
const _: () = assert!(abi::STUB_PSCI_OFFSET % 8 == 0 && abi::STUB_PSCI_WATCHDOG_OFFSET % 8 == 0);
const _: () = assert!(abi::CPU_ABSENT == 0 && abi::PM_PASSWORD & 0xffff == 0);

extern "C" {
    static __stub_start: u8;
    static __stub_end: u8;
    static stub_el1_launch: u8;
}

/// The stub's machine code, from its vector table to the end of its last routine: what the
/// loader copies into the resident region (whose base must be 2 KiB aligned).
pub fn code() -> &'static [u8] {
    // SAFETY: `__stub_start` and `__stub_end` are defined by stub.S around one contiguous,
    // read-only section that lives as long as the image; the end follows the start.
    unsafe {
        let start = core::ptr::addr_of!(__stub_start);
        let end = core::ptr::addr_of!(__stub_end);
        core::slice::from_raw_parts(start, end.offset_from(start) as usize)
    }
}

/// Offset from the stub's start of `stub_el1_launch`: `HVC_SOFT_RESTART` to it with `x2` = a
/// kernel's entry and `x3` = its DTB enters that kernel at EL1 with the stub staying resident.
pub fn el1_launch_offset() -> u64 {
    // Both symbols are in stub.S, in the same section; only their addresses are taken.
    let start = core::ptr::addr_of!(__stub_start) as u64;
    core::ptr::addr_of!(stub_el1_launch) as u64 - start
}
