//! The EL2/EL1 system register values that springboard writes at entry, each defined once and
//! given to the entry assembly through `const` operands. Bit positions are from the Arm ARM
//! (DDI 0487K.a, chapter D24); RES1 sets match Linux 6.12 `arch/arm64/include/asm/sysreg.h`
//! and `kvm_arm.h`.

/// `HCR_EL2`: only RW (EL1 is AArch64). E2H, TGE and every trap clear: whatever a VHE kernel
/// left behind is undone before anything else.
pub const HCR_EL2: u64 = 1 << 31;
/// `CPTR_EL2` (E2H = 0 layout): RES1 bits 13, 12, 9..0 and nothing else, so TFP = 0 (FP/SIMD
/// not trapped; the compiler uses those registers) and no other traps (`CPTR_EL2_DEFAULT`).
pub const CPTR_EL2: u64 = 0x33ff;
/// `CNTHCTL_EL2` (E2H = 0 layout): EL1PCTEN | EL1PCEN, so EL1 reads the counter and timer.
pub const CNTHCTL_EL2: u64 = 0b11;
/// `SCTLR_EL1` with only its RES1 bits (29, 28, 23, 22, 20, 11): MMU, caches and alignment
/// checks off, little-endian.
pub const SCTLR_EL1: u64 = 0x30d0_0800;
/// `CPACR_EL1.FPEN = 0b11`: FP/SIMD at EL1 and EL0 not trapped.
pub const CPACR_EL1_FPEN: u64 = 0b11 << 20;
/// `SPSR_EL2` for the drop to the loader: EL1h with D, A, I, F masked.
pub const SPSR_EL2_EL1H_MASKED: u64 = 0x3c5;
/// `CurrentEL` value at EL2 (the EL is in bits 3:2).
pub const CURRENT_EL2: u64 = 2 << 2;
/// ELF relocation type `R_AARCH64_RELATIVE` (ELF for the Arm 64-bit Architecture, 2023Q3).
pub const R_AARCH64_RELATIVE: u64 = 1027;
/// booting.rst flags: little-endian (bit 0 = 0), 4 KiB pages (bits 2:1 = 1), may be placed
/// anywhere (bit 3 = 1).
pub const IMAGE_FLAGS: u64 = 0xa;
