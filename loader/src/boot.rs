//! The boot flow at EL1: DTB → board → console → bundle → state → entry → verify → place →
//! hand off. Each step prints one line saying what it found or did.

use crate::bundle_source::Kept;
use crate::console::{self, Size};
use crate::error::BootError;
use crate::options::Options;
use crate::state_page::{self, StatePage};
use crate::{arch, attempt, bundle_source, console_pick, dtb, say};
use image_formats::boot::{self as plan, Refusal};
use image_formats::bundle::Bundle;
use image_formats::bundle::DEFAULT_BOOTLIMIT;
use image_formats::fdt::{self, Fdt, MemRange, Summary};
use image_formats::state::{self, Choice, Mode, Opened, Outcome, Report, Rule, State, MAX_ENTRIES};

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
    let image = MemRange { base: me.base, size: me.size };
    let found = dtb::find(x0, boards::DEFAULT, image)?;
    let summary = fdt::summarize(&found.fdt).map_err(BootError::Dtb)?;
    let board = summary.compatible.and_then(boards::by_compatible).unwrap_or(boards::DEFAULT);
    if summary.psci_method == Some("hvc") {
        crate::set_conduit(arch::Conduit::Hvc);
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
            "console: /chosen/stdout-path names a PL011 at {:#x}, which lies in {}: refused, using the board's UART at {:#x}",
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
    if me.entry_el == 1 && arch::springboard_stub_resident() {
        say!("stub: a springboard stub is resident at EL2: re-entering springboard at EL2");
        // SAFETY: springboard's own image, unchanged since entry, re-entered from its header
        // with the DTB it was given, exactly as it was first started.
        unsafe { arch::soft_restart(me.base, found.addr, 0) }
    }
    let dram = summary.memory.iter().next().copied().ok_or(Refusal::NoMemory)?;
    say!("memory: {:#x}..{:#x} ({})", dram.base, dram.end(), Size(dram.size));
    let dtb_range = MemRange { base: found.addr, size: found.fdt.totalsize() as u64 };
    let resident = plan::resident_region(&summary, image, dtb_range, board.resident_size)?;
    let options = Options::parse(summary.bootargs.unwrap_or(""))?;
    let earlier = state_page::earlier(resident);
    let kept = earlier.as_ref().filter(|_| !options.clear_state).and_then(Kept::of);
    let located = bundle_source::find(&summary, &me, resident, kept)?;
    let found = Found {
        me,
        dtb: found.fdt,
        dtb_addr: found.addr,
        summary,
        resident,
        bundle: located.bundle,
        bundle_base: located.base,
        options,
    };
    let mode = if found.options.sequence { Mode::Sequence } else { Mode::Single };
    let id = state::bundle_id(&found.bundle);
    let clear = found.options.clear_state;
    let (mut page, opened) = StatePage::open(resident, earlier, clear, id, mode, &found.dtb);
    if let Opened::AfterSequence(old) = &opened {
        print_outcomes(&found, old, "state: finished sequence");
    }
    run_entries(&found, &mut page)
}

/// Chooses entries (state page, fallbacks and boot limits, sequence) and attempts each until
/// one is handed over, or nothing is left to try.
fn run_entries(
    found: &Found,
    page: &mut StatePage,
) -> Result<core::convert::Infallible, BootError> {
    let mut rules = [Rule { fallback: None, bootlimit: DEFAULT_BOOTLIMIT }; MAX_ENTRIES];
    for (slot, entry) in rules.iter_mut().zip(found.bundle.entries()) {
        *slot = Rule { fallback: entry.fallback, bootlimit: entry.bootlimit };
    }
    let rules = &rules[..found.bundle.entry_count().min(MAX_ENTRIES)];
    let requested = match found.options.entry {
        Some(name) => {
            let index = found.bundle.entry_by_name(name).ok_or(BootError::NoSuchEntry(name))?.0;
            if index >= MAX_ENTRIES {
                say!(
                    "entry: \"{name}\" is entry {index}; the state page tracks entries 0 to {}",
                    MAX_ENTRIES - 1
                );
                return Err(BootError::NoSuchEntry(name));
            }
            index
        }
        None => 0,
    };
    let report = found.options.result;
    if let Some(closed) = state::closing(&page.state, rules, report) {
        let (boot, entry) = (page.state.boot_counter, closed.entry);
        let (attempts, limit) = (closed.attempts, closed.bootlimit);
        match (report, closed.outcome) {
            (Some(Report::Pass), _) => say!("state: boot {boot}: entry {entry} reported pass"),
            (Some(Report::Fail), _) => say!("state: boot {boot}: entry {entry} reported fail"),
            (None, Outcome::Failed) if limit == 1 => say!(
                "state: boot {boot}: entry {entry} did not report (reset, panic or hang): failed"
            ),
            (None, Outcome::Failed) => say!(
                "state: boot {boot}: entry {entry} did not report (reset, panic or hang): failed after {attempts} of {limit} attempts"
            ),
            (None, _) => say!(
                "state: boot {boot}: entry {entry} did not report (reset, panic or hang): attempt {attempts} of {limit}, trying it again"
            ),
        }
    }
    let mut report = report;
    loop {
        let index = match state::choose(&mut page.state, rules, requested, report) {
            Choice::Boot(index) => index,
            Choice::Finished => finished(found, page),
            // `requested` was checked against the bundle and MAX_ENTRIES above.
            Choice::Unavailable(_) => {
                return Err(BootError::NoSuchEntry(found.options.entry.unwrap_or("0")))
            }
        };
        let err = match attempt::boot_entry(found, index, page) {
            Err(e) => e,
            Ok(never) => match never {},
        };
        let mut peek = page.state.clone();
        let next = state::choose(&mut peek, rules, requested, Some(Report::Fail));
        if next == Choice::Boot(index) || matches!(next, Choice::Unavailable(_)) {
            return Err(err);
        }
        say!("entry {index} failed: {}: {err}; choosing again", err.code());
        report = Some(Report::Fail);
    }
}

/// Sequence mode, every entry has run: print the results, keep the record (the next start
/// prints them once more and begins afresh), power off.
fn finished(found: &Found, page: &mut StatePage) -> ! {
    let failed = print_outcomes(found, &page.state, "sequence");
    say!("sequence: finished, {failed} of {} entries did not pass", found.bundle.entry_count());
    page.commit();
    arch::system_off(crate::conduit())
}

/// Prints each entry's outcome in `record`, each line starting with `prefix`, and returns how
/// many did not pass.
fn print_outcomes(found: &Found, record: &State, prefix: &str) -> usize {
    let mut failed = 0;
    for (index, entry) in found.bundle.entries().enumerate().take(MAX_ENTRIES) {
        let outcome = record.outcomes[index];
        failed += usize::from(outcome != Outcome::Passed);
        say!("{prefix}: entry {index} \"{}\": {outcome:?}", entry.name);
    }
    failed
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
