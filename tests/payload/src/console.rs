//! Console output for the payload: QEMU `virt`'s PL011 at its fixed address, as a
//! `core::fmt::Write`, so lines are formatted with `core::fmt` (`say!`) straight to the UART,
//! byte by byte, with no buffer and no allocator.

use core::fmt::{self, Write};

/// QEMU 7.2 `hw/arm/virt.c`: `VIRT_UART` base.
const PL011: usize = 0x0900_0000;
/// PL011 data register and flag register offsets; TXFF (transmit FIFO full) in the flags
/// (PL011 TRM, 3.3).
const UARTDR: usize = 0x000;
const UARTFR: usize = 0x018;
const TXFF: u32 = 1 << 5;

/// The PL011 as a `fmt::Write`.
pub struct Uart;

impl Write for Uart {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for byte in s.bytes() {
            if byte == b'\n' {
                put(b'\r');
            }
            put(byte);
        }
        Ok(())
    }
}

fn put(byte: u8) {
    // SAFETY: QEMU virt's PL011 is at this address; the payload is the only software running
    // and writes it from one CPU with interrupts masked.
    unsafe {
        while core::ptr::read_volatile((PL011 + UARTFR) as *const u32) & TXFF != 0 {}
        core::ptr::write_volatile((PL011 + UARTDR) as *mut u32, u32::from(byte));
    }
}

/// Prints one line, `format!`-style, prefixed `conformance: `.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use core::fmt::Write as _;
        let _ = write!($crate::console::Uart, "conformance: ");
        let _ = writeln!($crate::console::Uart, $($arg)*);
    }};
}
