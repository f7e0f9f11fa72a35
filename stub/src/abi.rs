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
/// PSCI's `INVALID_PARAMETERS` (-2), for a `CPU_ON` whose MPIDR has no slot in the state page.
pub const PSCI_INVALID_PARAMETERS: i64 = -2;

/// Layout of the resident region: the stub's code (≤ [`STUB_BUDGET`]) and then the state page.
pub const STATE_PAGE_OFFSET: u64 = STUB_BUDGET as u64;
/// Offset in the state page of the per-CPU `(entry, context)` slots of relayed `CPU_ON` calls.
pub const CPU_SLOTS_OFFSET: u64 = 0x800;
/// Bytes per CPU slot: entry point and context ID.
pub const CPU_SLOT_SIZE: u64 = 16;
/// CPUs with a slot: `MPIDR.Aff0 < 8` and `MPIDR.Aff1 < 4` (slot = `Aff1 * 8 + Aff0`).
pub const CPU_SLOTS: u64 = 32;

/// `ESR_EL2.EC` of an `hvc` executed in AArch64 state (Arm ARM D24.2.40, DDI 0487K.a).
pub const ESR_EC_HVC64: u64 = 0x16;
/// `SCTLR_EL2` with every RES1 bit set and nothing else: MMU, alignment checks, data and
/// instruction caches off, little-endian (`INIT_SCTLR_EL2_MMU_OFF` in Linux 6.12
/// `arch/arm64/include/asm/sysreg.h`, for `HCR_EL2.E2H == 0`).
pub const SCTLR_EL2_MMU_OFF: u64 = 0x30c5_0830;
/// `SPSR_EL2` for "EL2h with D, A, I and F masked" (Arm ARM C5.2.19): the state in which
/// `HVC_SOFT_RESTART` enters the next image.
pub const SPSR_EL2H_MASKED: u64 = 0x3c9;
/// Size of the vector table: 16 slots of 0x80 bytes; also its required alignment.
pub const VECTORS_SIZE: usize = 0x800;
/// The budget of the whole resident stub, vectors included (DESIGN §4).
pub const STUB_BUDGET: usize = 4096;

/// A call that the stub answers, decoded from `x0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StubCall {
    /// [`HVC_SET_VECTORS`].
    SetVectors,
    /// [`HVC_SOFT_RESTART`].
    SoftRestart,
    /// [`HVC_RESET_VECTORS`].
    ResetVectors,
}

impl StubCall {
    /// Decodes a call number; `None` is answered with [`HVC_STUB_ERR`].
    pub const fn from_x0(x0: u64) -> Option<Self> {
        match x0 {
            HVC_SET_VECTORS => Some(Self::SetVectors),
            HVC_SOFT_RESTART => Some(Self::SoftRestart),
            HVC_RESET_VECTORS => Some(Self::ResetVectors),
            _ => None,
        }
    }
}

// The CPU slots fit in the state page, after the state record.
const _: () = assert!(CPU_SLOTS_OFFSET + CPU_SLOTS * CPU_SLOT_SIZE <= 0x1000);

/// Whether `x0` is a PSCI function ID (which the stub relays to EL3).
pub const fn is_psci(x0: u64) -> bool {
    let top = x0 >> 24;
    (top == PSCI_ID_TOP_BYTES[0] || top == PSCI_ID_TOP_BYTES[1])
        && (x0 >> PSCI_ID_FUNCTION_BITS) & 0x7_ffff == 0
}

/// The state-page slot of the CPU with affinity `mpidr`, if it has one.
pub const fn cpu_slot(mpidr: u64) -> Option<u64> {
    let aff0 = mpidr & 0xff;
    let aff1 = (mpidr >> 8) & 0xff;
    let upper = (mpidr >> 16) & 0xff | (mpidr >> 32) & 0xff;
    if aff0 < 8 && aff1 < CPU_SLOTS / 8 && upper == 0 {
        Some(aff1 * 8 + aff0)
    } else {
        None
    }
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

    #[test]
    fn linux_internal_and_unknown_calls_are_not_served() {
        for x0 in [HVC_FINALISE_EL2, HVC_GET_ICH_VTR_EL2, 5, 0x1000, 0xffff_ffff, 0x8400_0000] {
            assert_eq!(StubCall::from_x0(x0), None, "x0 = {x0:#x}");
        }
        assert_eq!(StubCall::from_x0(1), Some(StubCall::SoftRestart));
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
    fn cpu_slots_cover_two_clusters_of_eight_and_fit_the_state_page() {
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
