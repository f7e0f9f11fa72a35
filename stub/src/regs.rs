//! The system register values with which the stub prepares EL2 for software running at EL1
//! (springboard's own loader, a kernel entered with `springboard.handoff=el1`, and secondary
//! CPUs started through the PSCI relay), each defined once and given to the assembly through
//! `const` operands. Bit positions are from the Arm ARM (DDI 0487K.a, chapter D24); RES1 sets
//! match Linux 6.12 `arch/arm64/include/asm/sysreg.h` and `kvm_arm.h`; what an EL1 kernel
//! needs from EL2 is Linux 6.12 `Documentation/arch/arm64/booting.rst`.

/// `HCR_EL2`'s base value: RW (EL1 is AArch64); E2H, TGE and every trap clear, so whatever a
/// VHE kernel left behind is undone before anything else. [`HCR_EL2_APK_API`] and
/// [`HCR_EL2_ATA`] are added when the CPU has those features.
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

// Register fields the stub reads, as (lowest bit, width) or single bit numbers: the stub tests
// them with `ubfx`/`tst`/`tbnz` on these operands. Names and positions are the Arm ARM's
// (DDI 0487K.a, D24.2).

/// Every `ID_AA64*_EL1` feature field is four bits wide (Arm ARM DDI 0487K.a, "Principles of
/// the ID scheme for fields in ID registers").
pub const ID_FIELD_WIDTH: u32 = 4;
/// `ESR_EL2.EC`, the exception class: bits 31..26.
pub const ESR_EL2_EC_SHIFT: u32 = 26;
/// `ID_AA64PFR0_EL1.GIC` (bits 27..24): non-zero when the GICv3 system register interface is
/// implemented.
pub const ID_AA64PFR0_EL1_GIC_SHIFT: u32 = 24;
/// `ID_AA64PFR0_EL1.SVE` (bits 35..32): non-zero when SVE is implemented.
pub const ID_AA64PFR0_EL1_SVE_SHIFT: u32 = 32;
/// `ID_AA64PFR1_EL1.MTE` (bits 11..8).
pub const ID_AA64PFR1_EL1_MTE_SHIFT: u32 = 8;
/// `ID_AA64PFR1_EL1.MTE` value 0b0010, `FEAT_MTE2`: the first with allocation tags in memory,
/// so the first for which `HCR_EL2.ATA` matters.
pub const ID_AA64PFR1_EL1_MTE_MTE2: u64 = 2;
/// `ID_AA64PFR1_EL1.SME` (bits 27..24): non-zero when SME is implemented.
pub const ID_AA64PFR1_EL1_SME_SHIFT: u32 = 24;
/// `ID_AA64ISAR1_EL1.APA` (bits 7..4) and `.API` (bits 11..8): address authentication with
/// the QARMA5 or an implementation-defined algorithm.
pub const ID_AA64ISAR1_EL1_APA_API: u64 = 0xff << 4;
/// `ID_AA64ISAR2_EL1.APA3` (bits 15..12): address authentication with QARMA3.
pub const ID_AA64ISAR2_EL1_APA3: u64 = 0xf << 12;
/// `ID_AA64SMFR0_EL1.FA64`, bit 63: streaming mode has the full A64 instruction set.
pub const ID_AA64SMFR0_EL1_FA64_BIT: u32 = 63;
/// `ID_AA64DFR0_EL1.PMUVer` (bits 11..8): non-zero when a PMU is implemented.
pub const ID_AA64DFR0_EL1_PMUVER_SHIFT: u32 = 8;
/// `PMCR_EL0.N`, bits 15..11: the number of event counters, which `MDCR_EL2.HPMN` receives.
pub const PMCR_EL0_N_SHIFT: u32 = 11;
/// Width of `PMCR_EL0.N`.
pub const PMCR_EL0_N_WIDTH: u32 = 5;
/// `ID_AA64MMFR0_EL1.FGT` (bits 59..56): non-zero when the fine-grained trap registers exist.
pub const ID_AA64MMFR0_EL1_FGT_SHIFT: u32 = 56;
/// `ID_AA64MMFR1_EL1.HCX` (bits 43..40): non-zero when `HCRX_EL2` exists.
pub const ID_AA64MMFR1_EL1_HCX_SHIFT: u32 = 40;
/// `MPIDR_EL1.Aff0` (bits 7..0), `.Aff1` (15..8), `.Aff2` (23..16) and `.Aff3` (39..32).
pub const MPIDR_EL1_AFF_SHIFTS: [u32; 4] = [0, 8, 16, 32];
/// Width of each `MPIDR_EL1` affinity field.
pub const MPIDR_EL1_AFF_WIDTH: u32 = 8;
/// The bit number of `CPTR_EL2.TZ` ([`CPTR_EL2_TZ`]), for `tbnz`.
pub const CPTR_EL2_TZ_BIT: u32 = CPTR_EL2_TZ.trailing_zeros();
/// The bit number of `CPTR_EL2.TSM` ([`CPTR_EL2_TSM`]), for `tbnz`.
pub const CPTR_EL2_TSM_BIT: u32 = CPTR_EL2_TSM.trailing_zeros();
