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
    fn sctlr_value_has_mmu_and_caches_off() {
        const M: u64 = 1 << 0;
        const C: u64 = 1 << 2;
        const I: u64 = 1 << 12;
        const EE: u64 = 1 << 25;
        assert_eq!(SCTLR_EL2_MMU_OFF & (M | C | I | EE), 0);
    }
}
