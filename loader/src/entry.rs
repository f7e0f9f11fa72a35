//! The entry: the arm64 Image header, the EL2 reset, the drop to EL1, self-relocation, .bss
//! clearing, and the call into Rust. Nothing before `loader_main` touches a Rust static.
//!
//! Registers on entry (booting.rst, and what U-Boot, kexec, TF-A and QEMU pass):
//! `x0` = DTB physical address (or TF-A's CPU number), `x1..x3` = 0, MMU off, at EL2 or EL1.
//! Registers kept until the call into Rust: `x19` = incoming `x0`, `x20` = the run-time base
//! of the image, `x21` = the CurrentEL at entry.

use image_formats::image::{self, PageSize};
use stub::regs;

core::arch::global_asm!(
    include_str!("../../stub/src/adr_l.S"),
    r#"
    .section .text.head, "ax"
    .global _start
_start:
    b       primary_entry           // code0
    .long   0                       // code1
    .quad   0                       // text_offset
    .quad   __image_size            // image_size: everything, .bss and stack included
    .quad   {image_flags}           // flags
    .quad   0                       // res2
    .quad   0                       // res3
    .quad   0                       // res4
    .long   {image_magic}           // magic, "ARM\x64"
    .long   0                       // res5
    .if     . - _start != {header_len}
    .error  "the Image header is not HEADER_LEN bytes"
    .endif

primary_entry:
    mov     x19, x0
    adr     x20, _start
    msr     daifset, #0xf
    mrs     x21, CurrentEL
    cmp     x21, #{current_el2}
    b.ne    at_el1

    // EL2: assume nothing (a VHE kernel may have kexec'd us). The stub's own routine writes
    // every EL2 register springboard and an EL1 kernel rely on, E2H/TGE first, and points
    // VBAR_EL2 at the stub inside this image until the loader moves it.
    bl      stub_el1_env
    mov     x9, #{spsr_el1h}
    msr     spsr_el2, x9
    adr     x9, at_el1
    msr     elr_el2, x9
    eret

at_el1:
    movz    x9, #{sctlr_el1_lo}
    movk    x9, #{sctlr_el1_hi}, lsl #16
    msr     sctlr_el1, x9
    mov     x9, #{cpacr_fpen}
    msr     cpacr_el1, x9
    isb
    adr_l   x9, __stack_top
    mov     sp, x9

    // Apply R_AARCH64_RELATIVE: *(base + offset) = base + addend. Any other type means the
    // image was linked wrongly: stop before running code that would use a bad pointer.
    adr_l   x9, __rela_start
    adr_l   x10, __rela_end
1:  cmp     x9, x10
    b.hs    2f
    ldp     x11, x12, [x9], #16
    ldr     x13, [x9], #8
    cmp     x12, #{r_relative}
    b.ne    bad_relocation
    add     x13, x13, x20
    str     x13, [x20, x11]
    b       1b

2:  adr_l   x9, __bss_start
    adr_l   x10, __bss_end
3:  cmp     x9, x10
    b.hs    4f
    stp     xzr, xzr, [x9], #16
    b       3b

4:  mov     x0, x19
    mov     x1, x20
    lsr     x2, x21, #2
    bl      loader_main
bad_relocation:
    wfe
    b       bad_relocation
"#,
    image_flags = const IMAGE_FLAGS,
    image_magic = const image::MAGIC,
    header_len = const image::HEADER_LEN,
    current_el2 = const CURRENT_EL2,
    sctlr_el1_lo = const regs::SCTLR_EL1 & 0xffff,
    sctlr_el1_hi = const regs::SCTLR_EL1 >> 16,
    spsr_el1h = const regs::SPSR_EL2_EL1H_MASKED,
    cpacr_fpen = const regs::CPACR_EL1_FPEN,
    r_relative = const R_AARCH64_RELATIVE,
);

/// `CurrentEL` value at EL2 (the EL is in bits 3:2).
const CURRENT_EL2: u64 = 2 << 2;
/// ELF relocation type `R_AARCH64_RELATIVE` (ELF for the Arm 64-bit Architecture, 2023Q3).
const R_AARCH64_RELATIVE: u64 = 1027;
/// booting.rst flags: little-endian, 4 KiB pages, may be placed anywhere.
const IMAGE_FLAGS: u64 = image::flags::little_endian(PageSize::Size4K, true);

// The header above is written field by field in booting.rst's order; pin that order to the
// offsets `image-formats` parses it with, and the flags to a header `ImageHeader::parse`
// accepts (little-endian, 4 KiB pages).
const _: () = assert!(image::TEXT_OFFSET_OFFSET == 0x08 && image::IMAGE_SIZE_OFFSET == 0x10);
const _: () = assert!(image::FLAGS_OFFSET == 0x18 && image::MAGIC_OFFSET == 0x38);
const _: () = assert!(image::RES5_OFFSET == 0x3c && image::HEADER_LEN == 0x40);
const _: () = assert!(IMAGE_FLAGS & image::flags::BIG_ENDIAN == 0);
const _: () = assert!(IMAGE_FLAGS & image::flags::ANYWHERE != 0);
const PAGE_SIZE_FIELD: u64 = 0b11 << image::flags::PAGE_SIZE_SHIFT;
const _: () = assert!(IMAGE_FLAGS & PAGE_SIZE_FIELD == PageSize::Size4K.flags());
