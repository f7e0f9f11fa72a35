//! What springboard was given, read before anything is chosen: where it was loaded and at
//! which exception level, the DTB (at `x0` or where the board says), what that DTB says, the
//! board, the console, and the resident region at the top of the first DRAM bank. Each step
//! prints one line saying what it found.

use crate::console::{self, Size};
use crate::console_pick::{self, Passed, Pick};
use crate::error::BootError;
use crate::power::Way;
use crate::{arch, dtb, say};
use image_formats::boot::{self, Refusal};
use image_formats::fdt::{self, Fdt, Summary};
use image_formats::MemRange;

/// Where springboard itself is, and how it was entered.
pub struct Springboard {
    /// Run-time address of the Image header.
    pub base: u64,
    /// Bytes from the header to the end of the stack (the header's `image_size`).
    pub size: u64,
    /// The exception level springboard was entered at.
    pub entry_el: u64,
}

impl Springboard {
    /// springboard's footprint as a range.
    pub fn image(&self) -> MemRange {
        MemRange { base: self.base, size: self.size }
    }
}

/// What springboard was given.
pub struct Given {
    /// springboard itself.
    pub me: Springboard,
    /// The DTB springboard was given.
    pub dtb: Fdt<'static>,
    /// Its address.
    pub dtb_addr: u64,
    /// What it says.
    pub summary: Summary<'static>,
    /// The resident stub region (stub + state page).
    pub resident: MemRange,
}

impl Given {
    /// Finds the DTB, reads it, starts the console and decides the resident region.
    pub fn read(x0: u64, me: Springboard) -> Result<Self, BootError> {
        let image = me.image();
        let found = dtb::find(x0, boards::DEFAULT, image)?;
        let summary = fdt::summarize(&found.fdt).map_err(BootError::Dtb)?;
        let board = summary.compatible.and_then(boards::by_compatible).unwrap_or(&boards::GENERIC);
        let power = Way::of(summary.psci_method, &found.fdt).map_err(BootError::Dtb)?;
        power.adopt();
        let pick = console_pick::pick(&summary, &found.fdt, image).map_err(BootError::Dtb)?;
        if let Some(uart) = pick.uart {
            // SAFETY: the DTB describes this UART, it answered a probe read and lies outside
            // memory and springboard's image (`console_pick`); springboard is the only
            // software running.
            unsafe { console::start(uart) };
        }
        say!(
            "springboard {} entered at EL{}, image {:#x}..{:#x} ({})",
            env!("CARGO_PKG_VERSION"),
            me.entry_el,
            me.base,
            me.base + me.size,
            Size(me.size)
        );
        say_console(&summary, &pick)?;
        say!(
            "fdt: {:#x} ({}, from {}), compatible \"{}\", board {}, power-off: {}",
            found.addr,
            Size(found.fdt.totalsize() as u64),
            found.source,
            summary.compatible.unwrap_or("?"),
            board.name,
            power.name()
        );
        let mut banks = summary.memory.iter();
        let first = *banks.next().ok_or(Refusal::NoMemory)?;
        say!("memory: {:#x}..{:#x} ({})", first.base, first.end(), Size(first.size));
        for bank in banks {
            say!("memory: {:#x}..{:#x} ({}), not used", bank.base, bank.end(), Size(bank.size));
        }
        let dtb_range = MemRange { base: found.addr, size: found.fdt.totalsize() as u64 };
        let resident = boot::resident_region(&summary, image, dtb_range, board.resident_size)?;
        if summary.psci_method.is_some() && crate::stub_psci::served_before(resident) {
            // The DTB's `/psci` is the one an earlier hand-off added for the stub's own PSCI
            // (a kernel passed it on through kexec): power off the board's way.
            let power = Way::of(None, &found.fdt).map_err(BootError::Dtb)?;
            power.adopt();
            say!("power-off: {}: the DTB's /psci is the earlier stub's", power.name());
        }
        Ok(Given { me, dtb: found.fdt, dtb_addr: found.addr, summary, resident })
    }

    /// Entered at EL1 above a springboard stub (an EL1 kernel kexec'd springboard): starts
    /// springboard again at EL2 through the stub, so that it owns EL2 as on a first start.
    pub fn climb_to_el2_through_a_resident_stub(&self) {
        if self.me.entry_el == 1 && arch::springboard_stub_resident() {
            say!("stub: a springboard stub is resident at EL2: re-entering springboard at EL2");
            // SAFETY: springboard's own image, unchanged since entry, re-entered from its
            // header with the DTB it was given, exactly as it was first started.
            unsafe { arch::soft_restart(self.me.base, self.dtb_addr, 0) }
        }
    }
}

/// Says which UART is the console and, when it is not `stdout-path`'s, why; fails when
/// `stdout-path`'s UART does not answer (reported on the other UART, if there is one).
fn say_console(summary: &Summary, pick: &Pick) -> Result<(), BootError> {
    let path = summary.stdout_path.unwrap_or("(none)");
    match pick.passed {
        None => {}
        Some(Passed::NoDevice) => {
            say!("console: /chosen/stdout-path \"{path}\" names no UART the CPU reaches")
        }
        Some(Passed::NoDriver { compatible }) => say!(
            "console: /chosen/stdout-path names a \"{compatible}\", which springboard cannot \
            drive"
        ),
        Some(Passed::OverMemory { base, lies_in }) => say!(
            "console: /chosen/stdout-path names a UART at {base:#x}, which lies in {lies_in}: \
            refused"
        ),
        Some(Passed::Silent { .. }) => {}
    }
    if let Some(uart) = pick.uart {
        say!("console: {} at {:#x}", uart.kind.name(), uart.reg.base);
    }
    match pick.passed {
        Some(Passed::Silent { base, what }) => Err(BootError::Console { base, what }),
        _ => Ok(()),
    }
}
