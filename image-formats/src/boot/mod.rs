//! springboard's boot decisions as a model (DESIGN §2.1): from what springboard was given — the
//! incoming DTB's summary, where springboard, that DTB and the bundle lie, the chosen entry's
//! payloads, an entry's own DTB, Kexec HandOver's scratch ranges, the exception level it was
//! entered at and `springboard.handoff` — to what the kernel is told (its reservations, its
//! memory, its PSCI conduit), where the kernel, its DTB and an initrd copy go, and how the CPU
//! is entered.
//!
//! Nothing here reads or writes memory: the loader reads what the model says may be read, and
//! writes only what an [`EntryPlan`]'s [`writes`](EntryPlan::writes) list. The property tests
//! (`tests/boot_model.rs`) and the `boot_model` fuzz target check that every write lies in
//! DRAM, inside the plan or the resident region, and overlaps nothing that must survive: the
//! bundle (verified once, never read again after a write could have changed it), the incoming
//! DTB, springboard itself, the console's registers and every reservation of either DTB.

mod cpus;
mod layout;
mod occupied;
mod place;
mod refusal;
mod view;

pub use cpus::{cpus, Cpu, Cpus, MAX_CPUS};
pub use layout::{check_bundle_range, check_kho_array, resident_region, Machine};
pub use occupied::Occupied;
pub use place::{place, EntryPlan, Write, WriteKind};
pub use refusal::Refusal;
pub use view::{
    bundle_reservation, stub_reservation, view, Conduit, Enter, EntryFacts, Kho, View, BUNDLE_NODE,
    MAX_RESERVATIONS, STUB_NODE,
};
