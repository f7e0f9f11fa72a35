//! The system register values with which the stub prepares EL2 for software running at EL1
//! (springboard's own loader, a kernel entered with `springboard.handoff=el1`, and secondary
//! CPUs started through the PSCI relay), each defined once and given to the assembly through
//! `const` operands. Bit positions are from the Arm ARM (DDI 0487K.a, chapter D24); RES1 sets
//! match Linux 6.12 `arch/arm64/include/asm/sysreg.h` and `kvm_arm.h`; what an EL1 kernel
//! needs from EL2 is Linux 6.12 `Documentation/arch/arm64/booting.rst`.

/// `HCR_EL2`: only RW (EL1 is AArch64). E2H, TGE and every trap clear: whatever a VHE kernel
/// left behind is undone before anything else.
pub const HCR_EL2: u64 = 1 << 31;
/// `HCR_EL2.APK | HCR_EL2.API`: pointer authentication keys and instructions not trapped, set
/// when the CPU has pointer authentication (booting.rst).
pub const HCR_EL2_APK_API: u64 = 0b11 << 40;
/// `HCR_EL2.ATA`: allocation tag access not trapped, set when the CPU has MTE2 (booting.rst).
pub const HCR_EL2_ATA: u64 = 1 << 56;
/// `CPTR_EL2` (E2H = 0 layout): its RES1 bits 13, 9 and 7..0 and nothing else, so FP/SIMD
/// (TFP, bit 10), SVE (TZ) and SME (TSM) are not trapped (`CPTR_NVHE_EL2_RES1`).
pub const CPTR_EL2: u64 = 0x22ff;
/// `CPTR_EL2.TZ`: RES1 when SVE is not implemented, so set then.
pub const CPTR_EL2_TZ: u64 = 1 << 8;
/// `CPTR_EL2.TSM`: RES1 when SME is not implemented, so set then.
pub const CPTR_EL2_TSM: u64 = 1 << 12;
/// `ZCR_EL2` / `SMCR_EL2` LEN field at its maximum: EL1 may use every vector length
/// (booting.rst: the same value on every CPU).
pub const VECTOR_LEN_MAX: u64 = 0x1ff;
/// `SMCR_EL2.FA64`, set when `ID_AA64SMFR0_EL1.FA64` says streaming mode has the full A64 set.
pub const SMCR_EL2_FA64: u64 = 1 << 31;
/// `CNTHCTL_EL2` (E2H = 0 layout): EL1PCTEN | EL1PCEN, so EL1 reads the counter and timer.
pub const CNTHCTL_EL2: u64 = 0b11;
/// `SCTLR_EL1` with only its RES1 bits (29, 28, 23, 22, 20, 11): MMU, caches and alignment
/// checks off, little-endian.
pub const SCTLR_EL1: u64 = 0x30d0_0800;
/// `CPACR_EL1.FPEN = 0b11`: FP/SIMD at EL1 and EL0 not trapped.
pub const CPACR_EL1_FPEN: u64 = 0b11 << 20;
/// `SPSR_EL2` for the drop to the loader: EL1h with D, A, I, F masked.
pub const SPSR_EL2_EL1H_MASKED: u64 = 0x3c5;
/// `ICC_SRE_EL2`: SRE (bit 0, system register interface at EL2) | Enable (bit 3, EL1 may set
/// `ICC_SRE_EL1.SRE`), as booting.rst asks for GICv3 with an EL1 kernel.
pub const ICC_SRE_EL2_SRE_ENABLE: u64 = 0b1001;
