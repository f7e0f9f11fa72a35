//! Where the kernel, its DTB and an initrd copy go, and the list of every write the loader
//! makes for one entry.

use super::{EntryFacts, Refusal, View};
use crate::placement::{self, Plan, Request};
use crate::MemRange;

/// Where everything of one entry goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryPlan {
    /// The kernel's base, entry and footprint, and the DTB's address.
    pub placement: Plan,
    /// The kernel's DTB: at most this many bytes at `placement.dtb`.
    pub dtb: MemRange,
    /// The bytes copied (or inflated) to the kernel's entry.
    pub kernel: MemRange,
    /// The initrd the kernel is told about: in place in the bundle, or the copy.
    pub initrd: Option<MemRange>,
    /// Where an initrd copied out of the bundle goes.
    pub initrd_copy: Option<MemRange>,
}

/// What a write is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    /// The kernel Image, copied or inflated to its entry.
    Kernel,
    /// The kernel's DTB.
    Dtb,
    /// The initrd copied out of the bundle.
    InitrdCopy,
    /// The resident stub and state page.
    Resident,
}

/// One range the loader writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Write {
    /// What is written there.
    pub kind: WriteKind,
    /// Where.
    pub range: MemRange,
}

/// Places the kernel, its DTB (`dtb_bound` bytes at most, the size the patched DTB may grow
/// to with the view's edits) and an initrd copy.
pub fn place(entry: &EntryFacts, view: &View, dtb_bound: u64) -> Result<EntryPlan, Refusal> {
    let refuse = |e| if view.kho { Refusal::KhoPlacement(e) } else { Refusal::Placement(e) };
    let in_place = entry.initrd.filter(|_| !view.copy_initrd);
    let request = Request {
        dram: view.banks(),
        occupied: view.occupied().as_slice(),
        kernel: entry.kernel,
        dtb_size: dtb_bound,
        initrd: in_place,
    };
    let plan = placement::plan(&request).map_err(refuse)?;
    let initrd_copy = match entry.initrd.filter(|_| view.copy_initrd) {
        Some(from) => {
            let to = placement::place_initrd_copy(&request, &plan, from.size).map_err(refuse)?;
            Some(MemRange::new(to, from.size))
        }
        None => None,
    };
    Ok(EntryPlan {
        placement: plan,
        dtb: MemRange { base: plan.dtb, size: dtb_bound },
        kernel: MemRange { base: plan.kernel_entry, size: entry.kernel_len },
        initrd: initrd_copy.or(in_place),
        initrd_copy,
    })
}

impl EntryPlan {
    /// Every range the loader writes for this entry, the resident region (`resident`: the stub
    /// and the state page) included; nothing else is written.
    pub fn writes(&self, resident: MemRange) -> impl Iterator<Item = Write> {
        [
            Some(Write { kind: WriteKind::Kernel, range: self.kernel }),
            Some(Write { kind: WriteKind::Dtb, range: self.dtb }),
            self.initrd_copy.map(|range| Write { kind: WriteKind::InitrdCopy, range }),
            Some(Write { kind: WriteKind::Resident, range: resident }),
        ]
        .into_iter()
        .flatten()
    }
}
