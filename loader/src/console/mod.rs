//! The console: the UART `/chosen/stdout-path` names (or another the DTB describes,
//! `console_pick`), written without locks or a heap so that panics and exception reports can
//! always print. Nothing is printed before a DTB has named a UART.
//!
//! Every line starts with `springboard: `; callers add a subsystem prefix (`fdt: `, `bundle: `).

mod uart;

pub use uart::{Kind, Uart};

use core::fmt::{self, Write};
use core::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use image_formats::MemRange;

/// The UART in use: its kind (0 while there is none), base and size.
static KIND: AtomicU8 = AtomicU8::new(0);
static BASE: AtomicU64 = AtomicU64::new(0);
static SIZE: AtomicU64 = AtomicU64::new(0);
/// Set while a line is being written, so an abort taken meanwhile knows the console faulted.
static PRINTING: AtomicBool = AtomicBool::new(false);
/// Set once the console faulted: nothing is written any more.
static SILENT: AtomicBool = AtomicBool::new(false);

const KINDS: [Kind; 3] = [Kind::Pl011, Kind::MiniUart, Kind::Cadence];

/// Sends console output to `uart`, after making it ready to transmit.
///
/// # Safety
/// `uart` must be a register block of that kind which nothing else drives while springboard
/// runs (the DTB's console, checked by `console_pick`).
pub unsafe fn start(uart: Uart) {
    // SAFETY: the caller's promise.
    unsafe { uart.enable() };
    let kind = KINDS.iter().position(|&k| k == uart.kind).unwrap_or(0) as u8 + 1;
    BASE.store(uart.reg.base, Ordering::Relaxed);
    SIZE.store(uart.reg.size, Ordering::Relaxed);
    KIND.store(kind, Ordering::Relaxed);
}

/// The UART in use, if any.
pub fn uart() -> Option<Uart> {
    let kind = *KINDS.get(usize::from(KIND.load(Ordering::Relaxed)).checked_sub(1)?)?;
    let reg = MemRange::new(BASE.load(Ordering::Relaxed), SIZE.load(Ordering::Relaxed));
    Some(Uart { kind, reg })
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
        let Some(uart) = uart() else {
            return Ok(());
        };
        for (i, part) in s.split('\n').enumerate() {
            // SAFETY: `start`'s caller promised the block is such a UART nobody else drives;
            // springboard runs on one CPU with interrupts masked, so this is the only writer.
            unsafe {
                if i > 0 {
                    uart.write("\r\n");
                }
                uart.write(part);
            }
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
