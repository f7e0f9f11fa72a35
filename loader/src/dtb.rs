//! Finding the DTB springboard was given: `x0` first, then where the board says firmware
//! leaves one (TF-A's default BL33 entry passes the CPU number in `x0`).

use crate::error::BootError;
use crate::mem;
use image_formats::fdt::Fdt;
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

/// Bytes of the FDT header that hold `totalsize` (devicetree specification 0.4, 5.2).
const HEADER_LEN: u64 = 40;

/// Looks for a DTB at `x0`, then at `board.dtb_fallback`. Only addresses inside the board's
/// DRAM and outside springboard's own `image` are read, so a CPU number in `x0` is never
/// dereferenced; a DTB whose `totalsize` reaches into the image is refused before the rest of
/// it is read.
pub fn find(x0: u64, board: &boards::Board, image: MemRange) -> Result<FoundDtb, BootError> {
    let candidates = [(Some(x0), "x0"), (board.dtb_fallback, "board fallback")];
    let mut last_error = None;
    for (addr, source) in candidates {
        let Some(addr) = addr else { continue };
        match read_at(addr, board, image) {
            Ok(Some(fdt)) => return Ok(FoundDtb { addr, fdt, source }),
            Ok(None) => {}
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.unwrap_or(BootError::NoDtb { x0, fallback: board.dtb_fallback }))
}

/// `Ok(None)` when `addr` cannot hold a DTB at all (outside DRAM, misaligned, no magic);
/// an error when it has the FDT magic but is malformed.
fn read_at(
    addr: u64,
    board: &boards::Board,
    image: MemRange,
) -> Result<Option<Fdt<'static>>, BootError> {
    let header = MemRange::new(addr, HEADER_LEN);
    if addr % 8 != 0 || !board.dram.contains(&header) {
        return Ok(None);
    }
    // springboard's own image holds no DTB: the address is no candidate (TF-A's fallback
    // address is the base of DRAM, where springboard may itself have been loaded).
    if header.overlaps(&image) {
        return Ok(None);
    }
    // SAFETY: the 40 bytes lie inside the board's DRAM (checked above), which nothing else
    // writes while springboard runs.
    let bytes = unsafe { mem::bytes(addr, HEADER_LEN) };
    let Ok(total) = Fdt::totalsize_of(bytes) else {
        return Ok(None);
    };
    let total = total as u64;
    if !board.dram.contains(&MemRange::new(addr, total)) {
        return Ok(None);
    }
    over_image(addr, total, image)?;
    // SAFETY: `[addr, addr + totalsize)` is inside the board's DRAM (checked above) and is
    // only read.
    let blob = unsafe { mem::bytes(addr, total) };
    Fdt::new(blob).map(Some).map_err(BootError::Dtb)
}

/// Refuses `[addr, addr + len)` when it overlaps springboard's image, whose .bss and stack are
/// being written.
fn over_image(addr: u64, len: u64, image: MemRange) -> Result<(), BootError> {
    if (MemRange { base: addr, size: len }).overlaps(&image) {
        return Err(BootError::DtbOverlaps { base: addr, size: len, with: "springboard's image" });
    }
    Ok(())
}
