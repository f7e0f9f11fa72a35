//! The bench's kernel-entry probe: a bare-metal arm64 `Image` that springboard boots in place
//! of kernel B (`cargo xtask bench` pads it to B's size and gives it B's `image_size`, so
//! springboard checks, copies and places as many bytes as for B). Its first instruction after
//! the header reads `CNTVCT_EL0`; it prints
//!
//! ```text
//! SBBENCH-CLOCK kernel-entry cntvct=0x<16 hex digits> cntfrq=0x<16 hex digits>
//! ```
//!
//! on QEMU `virt`'s PL011 and powers off through PSCI `SYSTEM_OFF` (`smc`: QEMU's PSCI
//! conduit at EL2). Stackless assembly: it runs at EL2 with the MMU off, wherever it is
//! placed (only PC-relative addressing).
#![no_std]
#![no_main]

use image_formats::image;

/// QEMU `virt`'s PL011 data register (QEMU `hw/arm/virt.c`, `VIRT_UART`).
const UART_DATA: u64 = 0x0900_0000;
/// arm64 `Image` header `flags` (Linux `booting.rst`): little-endian, 4 KiB pages, anywhere.
const IMAGE_FLAGS: u64 = image::flags::little_endian(image::PageSize::Size4K, true);

// Registers: x5 = the count, x6 = the frequency, x1 = the UART, x2 = string cursor,
// x0 = the number being printed, x3/x4/x7 scratch, x30 = return address of the leaf routines.
core::arch::global_asm!(
    ".section .text.head, \"ax\"",
    ".global _start",
    "_start:",
    "    b 1f",              // code0: over the header
    "    .word 0",           // code1
    "    .quad 0",           // text_offset
    "    .quad __image_end", // image_size (xtask replaces it with kernel B's)
    "    .quad {flags}",     // flags
    "    .quad 0, 0, 0",     // res2, res3, res4
    "    .word {magic}",     // magic, "ARM\x64"
    "    .word 0",           // res5
    "    .if . - _start != {header_len}",
    "    .error \"the Image header is not HEADER_LEN bytes\"",
    "    .endif",
    "1:  isb",
    "    mrs x5, cntvct_el0",
    "    mrs x6, cntfrq_el0",
    "    ldr x1, ={uart}",
    "    adr x2, 10f",
    "    bl 20f",
    "    mov x0, x5",
    "    bl 30f",
    "    adr x2, 11f",
    "    bl 20f",
    "    mov x0, x6",
    "    bl 30f",
    "    mov w4, #10",
    "    strb w4, [x1]",
    "    ldr x0, ={psci_off}",
    "    smc #0",
    "2:  wfi",
    "    b 2b",
    // puts: writes the NUL-terminated string at x2.
    "20: ldrb w4, [x2], #1",
    "    cbz w4, 21f",
    "    strb w4, [x1]",
    "    b 20b",
    "21: ret",
    // puthex: writes x0 as 16 hex digits, most significant first.
    "30: mov x3, #16",
    "31: ror x0, x0, #60",
    "    and x4, x0, #0xf",
    "    add x7, x4, #87", // 'a' - 10
    "    add x4, x4, #48", // '0'
    "    cmp x4, #58",
    "    csel x4, x7, x4, hs",
    "    strb w4, [x1]",
    "    subs x3, x3, #1",
    "    b.ne 31b",
    "    ret",
    "10: .asciz \"SBBENCH-CLOCK kernel-entry cntvct=0x\"",
    "11: .asciz \" cntfrq=0x\"",
    "    .balign 8",
    "    .ltorg",
    flags = const IMAGE_FLAGS,
    magic = const image::MAGIC,
    header_len = const image::HEADER_LEN,
    uart = const UART_DATA,
    psci_off = const stub::abi::PSCI_SYSTEM_OFF,
);

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {
        core::hint::spin_loop();
    }
}
