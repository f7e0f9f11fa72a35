//! Everything the next stage reads, cleaned to the point of coherency before the MMU and
//! caches go off.
//!
//! springboard wrote the kernel, its DTB, an initrd copy, the stub and the state page with its
//! data cache on: the newest bytes may be only in the cache. The next stage starts with the
//! MMU and caches off and reads memory (booting.rst: "The address range corresponding to the
//! loaded kernel image must be cleaned to the PoC"; the stub runs at EL2 with its caches off;
//! the next springboard reads the state page with its caches off until its own MMU is on).
//! Cleaning by address (`dc cvac`, as booting.rst asks "in the presence of a system cache"),
//! not by set/way, reaches every cache up to the point of coherency.
//!
//! The kexec case: the previous kernel may have left dirty lines for any of these ranges. The
//! copies were written through the cache with the same attributes that kernel used (Normal
//! write-back, inner shareable), so each store hit or replaced such a line — the cache is
//! coherent with itself — and the clean here writes springboard's bytes, not the old ones,
//! back to memory. Nothing is written with the cache off before the MMU goes on except
//! springboard's own image, which `mmu::enable` invalidates first.

use crate::console::Size;
use crate::{arch, say};
use image_formats::MemRange;

/// The ranges the next stage reads.
pub struct NextStage {
    /// The kernel as copied (or inflated).
    pub kernel: MemRange,
    /// The kernel's DTB as written.
    pub dtb: MemRange,
    /// The initrd handed over: its copy, or the range inside the bundle.
    pub initrd: Option<MemRange>,
    /// The resident region: the stub and the state page.
    pub resident: MemRange,
}

impl NextStage {
    /// Cleans every range to the point of coherency and says so; the MMU and caches go off
    /// right after, in `arch::soft_restart` or `arch::jump`.
    pub fn clean(&self) {
        let ranges = [Some(self.kernel), Some(self.dtb), self.initrd, Some(self.resident)];
        for range in ranges.into_iter().flatten() {
            arch::clean_dcache_to_poc(range.base, range.size);
        }
        let (initrd_base, initrd_size) = self.initrd.map_or((0, 0), |r| (r.base, r.size));
        say!(
            "mmu: off, caches off (cleaned to PoC: kernel {:#x} {}, dtb {:#x} {}, initrd {:#x} \
            {}, stub and state page {:#x} {}), I-cache invalidated",
            self.kernel.base,
            Size(self.kernel.size),
            self.dtb.base,
            Size(self.dtb.size),
            initrd_base,
            Size(initrd_size),
            self.resident.base,
            Size(self.resident.size)
        );
    }
}
