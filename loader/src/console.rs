//! The console: a PL011 found through `/chosen/stdout-path` (or the board's), written without
//! locks or a heap so that panics and exception reports can always print.
//!
//! Every line starts with `springboard: `; callers add a subsystem prefix (`fdt: `, `bundle: `).

use arm_pl011_uart::{PL011Registers, Uart};
use core::fmt::{self, Write};
use core::ptr::NonNull;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use safe_mmio::UniqueMmioPointer;

/// Physical (= virtual, MMU off) base of the PL011 in use; 0 before one is known.
static UART_BASE: AtomicUsize = AtomicUsize::new(0);
/// Set while a line is being written, so an abort taken meanwhile knows the console faulted.
static PRINTING: AtomicBool = AtomicBool::new(false);
/// Set once the console faulted: nothing is written any more.
static SILENT: AtomicBool = AtomicBool::new(false);

/// Sends console output to the PL011 at `base`.
///
/// # Safety
/// `base` must be the register block of a PL011 that nothing else drives while springboard
/// runs (the DTB's stdout device or the board's own UART).
pub unsafe fn use_pl011(base: u64) {
    UART_BASE.store(base as usize, Ordering::Relaxed);
}

/// The base address of the PL011 in use, if any.
pub fn pl011_base() -> Option<u64> {
    match UART_BASE.load(Ordering::Relaxed) {
        0 => None,
        base => Some(base as u64),
    }
}

/// Whether a console line is being written right now.
pub fn printing() -> bool {
    PRINTING.load(Ordering::Relaxed)
}

/// Stops all console output: the UART faulted while being written.
pub fn silence() {
    SILENT.store(true, Ordering::Relaxed);
    PRINTING.store(false, Ordering::Relaxed);
}

struct Console;

impl Write for Console {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let Some(regs) = NonNull::new(UART_BASE.load(Ordering::Relaxed) as *mut PL011Registers)
        else {
            return Ok(());
        };
        // SAFETY: `use_pl011`'s caller promised the block is a PL011 nobody else drives. This
        // `Uart` lives only for this call; springboard runs on one CPU with interrupts masked,
        // so no other `Uart` for the same block exists at the same time.
        let mut uart = Uart::new(unsafe { UniqueMmioPointer::new(regs) });
        for (i, part) in s.split('\n').enumerate() {
            if i > 0 {
                uart.write_str("\r\n")?;
            }
            uart.write_str(part)?;
        }
        Ok(())
    }
}

/// Writes one console line: `springboard: ` + `args` + newline.
pub fn line(args: fmt::Arguments) {
    if SILENT.load(Ordering::Relaxed) {
        return;
    }
    PRINTING.store(true, Ordering::Relaxed);
    let _ = Console.write_fmt(format_args!("springboard: {args}\n"));
    PRINTING.store(false, Ordering::Relaxed);
}

/// Prints one console line, `format!`-style, with the `springboard: ` prefix.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => { $crate::console::line(format_args!($($arg)*)) };
}

/// A byte count for people: `31.4 MiB`, `12 KiB`, `700 B`.
pub struct Size(pub u64);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        const KIB: u64 = 1024;
        const MIB: u64 = 1024 * KIB;
        match self.0 {
            n if n >= MIB => write!(f, "{}.{} MiB", n / MIB, (n % MIB) * 10 / MIB),
            n if n >= KIB => write!(f, "{} KiB", n.div_ceil(KIB)),
            n => write!(f, "{n} B"),
        }
    }
}
