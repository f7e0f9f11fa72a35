//! What springboard was given, read before anything is chosen: where it was loaded and at
//! which exception level, the DTB (at `x0` or where the board says), what that DTB says, the
//! board, the console, and the resident region at the top of the first DRAM bank. Each step
//! prints one line saying what it found.

use crate::console::{self, Size};
use crate::error::BootError;
use crate::{arch, console_pick, dtb, say};
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
        let board = summary.compatible.and_then(boards::by_compatible).unwrap_or(boards::DEFAULT);
        if let Some(conduit) = summary.psci_method.and_then(arch::Conduit::from_method) {
            crate::set_conduit(conduit);
        }
        let console = start_console(&summary, board, image)?;
        say!(
            "springboard {} entered at EL{}, image {:#x}..{:#x} ({})",
            env!("CARGO_PKG_VERSION"),
            me.entry_el,
            me.base,
            me.base + me.size,
            Size(me.size)
        );
        if let Some(refused) = console.refused {
            say!(
                "console: /chosen/stdout-path names a PL011 at {:#x}, which lies in {}: refused, \
                using the board's UART at {:#x}",
                refused.base,
                refused.lies_in,
                console.base
            );
        }
        say!(
            "fdt: {:#x} ({}, from {}), compatible \"{}\", board {}",
            found.addr,
            Size(found.fdt.totalsize() as u64),
            found.source,
            summary.compatible.unwrap_or("?"),
            board.name
        );
        let dram = summary.memory.iter().next().copied().ok_or(Refusal::NoMemory)?;
        say!("memory: {:#x}..{:#x} ({})", dram.base, dram.end(), Size(dram.size));
        let dtb_range = MemRange { base: found.addr, size: found.fdt.totalsize() as u64 };
        let resident = boot::resident_region(&summary, image, dtb_range, board.resident_size)?;
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

/// Makes the console the PL011 that `/chosen/stdout-path` names, unless it is refused
/// ([`console_pick`]); else the board's UART.
fn start_console(
    summary: &Summary,
    board: &boards::Board,
    image: MemRange,
) -> Result<console_pick::Pick, BootError> {
    let pick = console_pick::pick(summary, board, image);
    let base = pick.as_ref().map_or(board.uart.base, |p| p.base);
    // SAFETY: the DTB names this PL011 as the console and it answered outside memory, or it is
    // the board description's own UART; springboard is the only software running.
    unsafe { console::use_pl011(base) };
    pick
}
