//! Kexec HandOver (Linux 6.16+): when the incoming DTB's `/chosen` has `linux,kho-fdt`, the
//! kernel that kexec'd springboard preserved memory anywhere outside its scratch ranges. This
//! reads the `struct kho_scratch` array the DTB points to (see `image_formats::kho` for the
//! format and its sources) so that the kernel, its DTB and its initrd are placed only inside
//! those ranges, and checks that springboard's own resident region is memory the previous
//! kernel did not use.

use crate::console::Size;
use crate::entries::Found;
use crate::error::BootError;
use crate::{mem, say};
use image_formats::boot;
use image_formats::kho::{self, Handover, Scratch};
use image_formats::MemRange;

/// A KHO description that passed every check.
pub struct Kho {
    /// Where the KHO FDT and the scratch array are (both must survive springboard).
    pub handover: Handover,
    /// The scratch ranges.
    pub scratch: Scratch,
}

/// The incoming DTB's KHO description, when it has one; an error when it is malformed or when
/// the array lies in springboard or its resident region (the boot model checks that the
/// resident region itself is scratch or reserved).
pub fn read(found: &Found) -> Result<Option<Kho>, BootError> {
    let summary = &found.summary;
    let dram = summary.memory.as_slice();
    let Some(handover) =
        kho::locate(summary.kho_fdt, summary.kho_scratch, dram).map_err(BootError::Kho)?
    else {
        return Ok(None);
    };
    let array = handover.array;
    let image = MemRange { base: found.me.base, size: found.me.size };
    boot::check_kho_array(&handover, image, found.resident)?;
    // SAFETY: `locate` checked the array lies inside the DTB's DRAM; it is not springboard's
    // image (whose stack and data are written) nor the resident region (checked above), and
    // springboard writes nothing else before the plan, which keeps clear of it.
    let bytes = unsafe { mem::bytes(array.base, array.size) };
    let scratch = kho::scratch_ranges(bytes, dram).map_err(BootError::Kho)?;
    let total: u64 = scratch.as_slice().iter().map(|r| r.size).sum();
    let count = scratch.as_slice().len();
    say!(
        "kho: {count} scratch range{} ({}) from the array at {:#x}, KHO FDT at {:#x}: placing \
        only inside them",
        if count == 1 { "" } else { "s" },
        Size(total),
        array.base,
        handover.fdt.base
    );
    Ok(Some(Kho { handover, scratch }))
}
