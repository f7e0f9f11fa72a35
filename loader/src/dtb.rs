//! Finding the DTB springboard was given: `x0` first, then where the board says firmware
//! leaves one (TF-A's default BL33 entry passes the CPU number in `x0`).

use crate::error::BootError;
use crate::exceptions::read32_or_fault;
use crate::mem;
use image_formats::fdt::{self, Fdt};
use image_formats::MemRange;

/// Where the DTB was found.
pub struct FoundDtb {
    /// Its physical address.
    pub addr: u64,
    /// The validated blob.
    pub fdt: Fdt<'static>,
    /// `"x0"` or `"board fallback"`, for the console.
    pub source: &'static str,
}

/// Bytes of the FDT header (Devicetree Specification v0.4, 5.2).
const HEADER_LEN: u64 = fdt::HEADER_LEN as u64;
/// Offset of its `totalsize` field.
const TOTALSIZE_OFFSET: u64 = fdt::TOTALSIZE_OFFSET as u64;

/// Looks for a DTB at `x0`, then at `board.dtb_fallback`. The FDT magic and `totalsize` are
/// read with loads whose faults are caught, so a CPU number in `x0` (or an address where
/// nothing answers) is no candidate rather than an abort; a DTB whose `totalsize` reaches
/// into springboard's own `image` is refused before the rest of it is read.
pub fn find(x0: u64, board: &boards::Board, image: MemRange) -> Result<FoundDtb, BootError> {
    let candidates = [(Some(x0), "x0"), (board.dtb_fallback, "board fallback")];
    let mut last_error = None;
    for (addr, source) in candidates {
        let Some(addr) = addr else { continue };
        match read_at(addr, image) {
            Ok(Some(fdt)) => return Ok(FoundDtb { addr, fdt, source }),
            Ok(None) => {}
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.unwrap_or(BootError::NoDtb { x0, fallback: board.dtb_fallback }))
}

/// `Ok(None)` when `addr` cannot hold a DTB at all (misaligned, over springboard's image,
/// nothing answers, no magic); an error when it has the FDT magic but is malformed.
fn read_at(addr: u64, image: MemRange) -> Result<Option<Fdt<'static>>, BootError> {
    let header = MemRange::new(addr, HEADER_LEN);
    // springboard's own image holds no DTB: the address is no candidate (TF-A's fallback
    // address is the base of DRAM, where springboard may itself have been loaded).
    if addr % 8 != 0 || header.checked_end().is_none() || header.overlaps(&image) {
        return Ok(None);
    }
    // SAFETY: 4-byte aligned loads of what should be an FDT header; a fault is caught.
    let word = |at: u64| unsafe { read32_or_fault(addr + at) }.map(u32::from_be);
    if word(0) != Some(fdt::MAGIC) {
        return Ok(None);
    }
    let Some(total) = word(TOTALSIZE_OFFSET) else {
        return Ok(None);
    };
    let total = u64::from(total);
    if MemRange::new(addr, total).checked_end().is_none() {
        return Ok(None);
    }
    over_image(addr, total, image)?;
    // SAFETY: `[addr, addr + totalsize)` starts with an FDT header that was read, lies outside
    // springboard's image and is only read; Fdt::new checks every offset inside it.
    let blob = unsafe { mem::bytes(addr, total) };
    Fdt::new(blob).map(Some).map_err(BootError::Dtb)
}

/// Refuses `[addr, addr + len)` when it overlaps springboard's image, whose .bss and stack are
/// being written.
fn over_image(addr: u64, len: u64, image: MemRange) -> Result<(), BootError> {
    if MemRange::new(addr, len).overlaps(&image) {
        return Err(BootError::DtbOverlaps { base: addr, size: len, with: "springboard's image" });
    }
    Ok(())
}
