//! Which UART the console uses: the PL011 that `/chosen/stdout-path` names, unless its `reg`
//! lies over memory (DRAM, springboard's own image) — writing "registers" there would corrupt
//! what springboard is about to boot — or nothing answers there; else the board's UART.

use crate::error::BootError;
use crate::exceptions::read32_or_fault;
use image_formats::fdt::Summary;
use image_formats::MemRange;

/// PL011 `UARTFR`, the flag register (Arm PL011 TRM, r1p5, 3.3): reading it has no effect.
const UARTFR: u64 = 0x18;
/// PrimeCell component ID registers `UARTPCellID0..3` (PL011 TRM 3.3.15) and the value they
/// read as, low byte of each word first: 0xB105F00D, which Linux's AMBA bus also requires.
const PCELL_ID: [(u64, u32); 4] = [(0xff0, 0x0d), (0xff4, 0xf0), (0xff8, 0x05), (0xffc, 0xb1)];

/// The console springboard writes to.
pub struct Pick {
    /// The PL011's base address.
    pub base: u64,
    /// Why the DTB's UART was not taken, when it was refused.
    pub refused: Option<Refusal>,
}

/// A `stdout-path` UART that lies over memory.
pub struct Refusal {
    /// Its base address.
    pub base: u64,
    /// What it lies in.
    pub lies_in: &'static str,
}

/// Picks the console from the DTB's summary, the board and springboard's own image. Fails only
/// when the named UART does not answer (then the board's UART is already the console, so the
/// error is reported there).
pub fn pick(summary: &Summary, board: &boards::Board, image: MemRange) -> Result<Pick, BootError> {
    let fallback = board.uart.base;
    let Some(dev) = summary.stdout.filter(|dev| dev.compatible == "arm,pl011") else {
        return Ok(Pick { base: fallback, refused: None });
    };
    let reg = dev.reg;
    let lies_in = if summary.memory.iter().any(|bank| bank.overlaps(&reg)) {
        Some("DRAM (/memory)")
    } else if image.overlaps(&reg) {
        Some("springboard's image")
    } else {
        None
    };
    if let Some(lies_in) = lies_in {
        return Ok(Pick { base: fallback, refused: Some(Refusal { base: reg.base, lies_in }) });
    }
    if let Err(what) = answers(reg) {
        return Err(BootError::Console { base: reg.base, what });
    }
    Ok(Pick { base: reg.base, refused: None })
}

/// Whether a PL011 answers at `reg`: its flag register reads without a fault and, when the
/// range covers them, its PrimeCell ID registers read 0xB105F00D.
fn answers(reg: MemRange) -> Result<(), &'static str> {
    if reg.base % 4 != 0 {
        return Err("is not 4-byte aligned");
    }
    // SAFETY: an aligned PL011 register without read side effects; not memory (checked by
    // the caller); a fault returns `None`.
    if unsafe { read32_or_fault(reg.base + UARTFR) }.is_none() {
        return Err("does not answer: reading its flag register faulted");
    }
    if reg.size < 0x1000 {
        return Ok(());
    }
    for (offset, want) in PCELL_ID {
        // SAFETY: as above; the ID registers are read-only.
        match unsafe { read32_or_fault(reg.base + offset) } {
            Some(got) if got & 0xff == want => {}
            Some(_) => return Err("is not a PrimeCell: its component ID is not 0xB105F00D"),
            None => return Err("does not answer: reading its component ID faulted"),
        }
    }
    Ok(())
}
