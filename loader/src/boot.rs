//! The boot flow at EL1: DTB → board → console → bundle → state → entry → verify → place →
//! hand off. Each step prints one line saying what it found or did.

use crate::console::{self, Size};
use crate::error::BootError;
use crate::options::Options;
use crate::state_page::{self, StatePage};
use crate::{arch, attempt, bundle_source, dtb, say};
use image_formats::bundle::Bundle;
use image_formats::fdt::{self, Fdt, MemRange, Summary};
use image_formats::state::{self, Choice, Mode, Outcome, Report, MAX_ENTRIES};

/// Where springboard itself is: its run-time base and its whole footprint.
pub struct Me {
    /// Run-time address of the Image header.
    pub base: u64,
    /// Bytes from the header to the end of the stack (the header's `image_size`).
    pub size: u64,
    /// The exception level springboard was entered at.
    pub entry_el: u64,
}

/// Everything found before an entry is chosen.
pub struct Found {
    /// springboard itself.
    pub me: Me,
    /// The DTB springboard was given and where it is.
    pub dtb: Fdt<'static>,
    /// Its address.
    pub dtb_addr: u64,
    /// What it says.
    pub summary: Summary<'static>,
    /// The first DRAM bank.
    pub dram: MemRange,
    /// The resident stub region (stub + state page).
    pub resident: MemRange,
    /// The bundle and its address.
    pub bundle: Bundle<'static>,
    /// Its address.
    pub bundle_base: u64,
    /// springboard's options from the command line.
    pub options: Options,
}

/// Boots the bundle's chosen entry; returns only with the reason it could not.
pub fn boot(x0: u64, me: Me) -> Result<core::convert::Infallible, BootError> {
    let found = dtb::find(x0, boards::DEFAULT)?;
    let summary = fdt::summarize(&found.fdt).map_err(BootError::Dtb)?;
    let board = summary.compatible.and_then(boards::by_compatible).unwrap_or(boards::DEFAULT);
    start_console(&summary, board);
    if summary.psci_method == Some("hvc") {
        crate::set_conduit(arch::Conduit::Hvc);
    }
    say!(
        "springboard {} entered at EL{}, image {:#x}..{:#x} ({})",
        env!("CARGO_PKG_VERSION"),
        me.entry_el,
        me.base,
        me.base + me.size,
        Size(me.size)
    );
    say!(
        "fdt: {:#x} ({}, from {}), compatible \"{}\", board {}",
        found.addr,
        Size(found.fdt.totalsize() as u64),
        found.source,
        summary.compatible.unwrap_or("?"),
        board.name
    );
    if me.entry_el == 1 && arch::springboard_stub_resident() {
        say!("stub: a springboard stub is resident at EL2: re-entering springboard at EL2");
        // SAFETY: springboard's own image, unchanged since entry, re-entered from its header
        // with the DTB it was given, exactly as it was first started.
        unsafe { arch::soft_restart(me.base, found.addr, 0) }
    }
    let dram = summary.memory.iter().next().copied().ok_or(BootError::NoMemory)?;
    say!("memory: {:#x}..{:#x} ({})", dram.base, dram.end(), Size(dram.size));
    let resident = MemRange { base: dram.end() - board.resident_size, size: board.resident_size };
    let earlier = state_page::earlier(resident);
    let kept = earlier.as_ref().and_then(|s| s.bundle);
    let located = bundle_source::find(&summary, &me, kept)?;
    let options = Options::parse(summary.bootargs.unwrap_or(""))?;
    let found = Found {
        me,
        dtb: found.fdt,
        dtb_addr: found.addr,
        summary,
        dram,
        resident,
        bundle: located.bundle,
        bundle_base: located.base,
        options,
    };
    let mode = if found.options.sequence { Mode::Sequence } else { Mode::Single };
    let id = crc32fast::hash(&found.bundle.as_bytes()[..image_formats::bundle::HEADER_SIZE]);
    let mut page = StatePage::open(resident, earlier, id, mode, &found.dtb);
    run_entries(&found, &mut page)
}

/// Chooses entries (state page, fallbacks, sequence) and attempts each until one is handed
/// over, or nothing is left to try.
fn run_entries(
    found: &Found,
    page: &mut StatePage,
) -> Result<core::convert::Infallible, BootError> {
    let mut fallbacks = [None; MAX_ENTRIES];
    for (slot, entry) in fallbacks.iter_mut().zip(found.bundle.entries()) {
        *slot = entry.fallback;
    }
    let count = found.bundle.entry_count().min(MAX_ENTRIES);
    let requested = match found.options.entry {
        Some(name) => found.bundle.entry_by_name(name).ok_or(BootError::NoSuchEntry(name))?.0,
        None => 0,
    };
    if let Some(previous) = page.state.current {
        let report = match found.options.result {
            Some(Report::Pass) => "reported pass",
            Some(Report::Fail) => "reported fail",
            None => "did not report (reset, panic or hang): failed",
        };
        say!("state: boot {}: entry {previous} {report}", page.state.boot_counter);
    }
    let mut report = found.options.result;
    loop {
        let index = match state::choose(&mut page.state, &fallbacks[..count], requested, report) {
            Choice::Boot(index) => index,
            Choice::Finished => finished(found, page),
        };
        let err = match attempt::boot_entry(found, index, page) {
            Err(e) => e,
            Ok(never) => match never {},
        };
        let mut peek = page.state.clone();
        let next = state::choose(&mut peek, &fallbacks[..count], requested, Some(Report::Fail));
        if next == Choice::Boot(index)
            || (next == Choice::Finished && page.state.mode == Mode::Single)
        {
            return Err(err);
        }
        say!("entry {index} failed: {}: {err}; choosing again", err.code());
        report = Some(Report::Fail);
    }
}

/// Sequence mode, every entry has run: print the results, keep the record, power off.
fn finished(found: &Found, page: &mut StatePage) -> ! {
    let mut failed = 0;
    for (index, entry) in found.bundle.entries().enumerate().take(MAX_ENTRIES) {
        let outcome = page.state.outcomes[index];
        failed += usize::from(outcome != Outcome::Passed);
        say!("sequence: entry {index} \"{}\": {outcome:?}", entry.name);
    }
    say!("sequence: finished, {failed} of {} entries did not pass", found.bundle.entry_count());
    page.commit();
    arch::system_off(crate::conduit())
}

/// Picks the PL011 named by `/chosen/stdout-path`, else the board's.
fn start_console(summary: &Summary, board: &boards::Board) {
    let base = match summary.stdout {
        Some(dev) if dev.compatible == "arm,pl011" => dev.reg.base,
        _ => board.uart.base,
    };
    // SAFETY: the DTB (or, without one, the board description) names this PL011 as the
    // console; springboard is the only software running.
    unsafe { console::use_pl011(base) };
}
