//! Which UART the console uses: the one `/chosen/stdout-path` names, unless springboard has no
//! driver for it, its `reg` lies over memory (DRAM, springboard's own image) — writing
//! "registers" there would corrupt what springboard is about to boot — or nothing answers
//! there; else the first UART in the DTB that passes the same checks; else none.

use crate::console::{Kind, Uart};
use crate::exceptions::read32_or_fault;
use image_formats::fdt::{self, Device, Fdt, FdtError, Summary};
use image_formats::MemRange;

/// PrimeCell component ID registers `UARTPCellID0..3` (PL011 TRM r1p5, 3.3.15) and the value
/// they read as, low byte of each word first: 0xB105F00D, which Linux's AMBA bus also requires.
const PCELL_ID: [(u64, u32); 4] = [(0xff0, 0x0d), (0xff4, 0xf0), (0xff8, 0x05), (0xffc, 0xb1)];

/// The console springboard writes to, and why it is not `stdout-path`'s device when it is not.
pub struct Pick<'a> {
    /// The console, if the DTB describes a usable UART.
    pub uart: Option<Uart>,
    /// Why `stdout-path`'s device was passed over, if it was.
    pub passed: Option<Passed<'a>>,
}

/// Why `stdout-path`'s device is not the console.
pub enum Passed<'a> {
    /// `stdout-path` is missing or names no device the CPU reaches.
    NoDevice,
    /// springboard has no driver for it.
    NoDriver {
        /// Its first `compatible` string.
        compatible: &'a str,
    },
    /// Its registers would lie over memory.
    OverMemory {
        /// Its base address.
        base: u64,
        /// What it lies in.
        lies_in: &'static str,
    },
    /// Nothing answers at its address.
    Silent {
        /// Its base address.
        base: u64,
        /// What the probe found.
        what: &'static str,
    },
}

/// Picks the console from the DTB and springboard's own image.
pub fn pick<'a>(
    summary: &Summary<'a>,
    fdt: &Fdt<'a>,
    image: MemRange,
) -> Result<Pick<'a>, FdtError> {
    let passed = match summary.stdout {
        None => Passed::NoDevice,
        Some(dev) => match usable(&dev, summary, image) {
            Ok(uart) => return Ok(Pick { uart: Some(uart), passed: None }),
            Err(passed) => passed,
        },
    };
    let other = fdt::first_device(fdt, |dev| usable(dev, summary, image).is_ok())?;
    let uart = other.and_then(|dev| usable(&dev, summary, image).ok());
    Ok(Pick { uart, passed: Some(passed) })
}

/// `dev` as a console, or why not.
fn usable<'a>(dev: &Device<'a>, summary: &Summary, image: MemRange) -> Result<Uart, Passed<'a>> {
    let kind = Kind::of(dev).ok_or(Passed::NoDriver { compatible: dev.compatible })?;
    let reg = dev.reg;
    let lies_in = if summary.memory.iter().any(|bank| bank.overlaps(&reg)) {
        Some("DRAM (/memory)")
    } else if image.overlaps(&reg) {
        Some("springboard's image")
    } else if reg.base == 0 {
        Some("address 0")
    } else {
        None
    };
    if let Some(lies_in) = lies_in {
        return Err(Passed::OverMemory { base: reg.base, lies_in });
    }
    answers(kind, reg).map_err(|what| Passed::Silent { base: reg.base, what })?;
    Ok(Uart { kind, reg })
}

/// Whether a UART of `kind` answers at `reg`: its status register reads without a fault and,
/// for a PL011 whose range covers them, its PrimeCell ID registers read 0xB105F00D.
fn answers(kind: Kind, reg: MemRange) -> Result<(), &'static str> {
    if reg.base % 4 != 0 {
        return Err("is not 4-byte aligned");
    }
    // SAFETY: an aligned status register without read side effects; not memory (checked by
    // the caller); a fault returns `None`.
    if unsafe { read32_or_fault(reg.base + kind.status_offset()) }.is_none() {
        return Err("does not answer: reading its status register faulted");
    }
    if kind != Kind::Pl011 || reg.size < 0x1000 {
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
