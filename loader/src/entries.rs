//! Choosing entries: the state page's record, fallbacks and boot limits, the kernel-swap
//! sequence; each chosen entry is attempted (`attempt`) until one is handed over or nothing is
//! left to try.

use crate::bundle_source::Located;
use crate::error::BootError;
use crate::given::{Given, Springboard};
use crate::options::Options;
use crate::state_page::StatePage;
use crate::{attempt, power, say};
use image_formats::bundle::Bundle;
use image_formats::bundle::DEFAULT_BOOTLIMIT;
use image_formats::fdt::{Fdt, Summary};
use image_formats::state::{self, Choice, Mode, Opened, Outcome, Report, Rule, State, MAX_ENTRIES};
use image_formats::MemRange;

/// Everything found before an entry is chosen.
pub struct Found {
    /// springboard itself.
    pub me: Springboard,
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

impl Found {
    /// What was given, the bundle found and springboard's options, together.
    pub fn new(given: Given, bundle: Located, options: Options) -> Self {
        Found {
            me: given.me,
            dtb: given.dtb,
            dtb_addr: given.dtb_addr,
            summary: given.summary,
            resident: given.resident,
            bundle: bundle.bundle,
            bundle_base: bundle.base,
            options,
        }
    }
}

/// Opens the state record for the bundle found: `earlier`'s when it belongs to it, else a
/// fresh one; after a finished sequence, its results are printed once.
pub fn open_state(found: &Found, earlier: Option<State>) -> StatePage {
    let mode = if found.options.sequence { Mode::Sequence } else { Mode::Single };
    let id = state::bundle_id(&found.bundle);
    let clear = found.options.clear_state;
    let (page, opened) = StatePage::open(found.resident, earlier, clear, id, mode, &found.dtb);
    if let Opened::AfterSequence(old) = &opened {
        print_outcomes(found, old, "state: finished sequence");
    }
    page
}

/// Chooses entries (state page, fallbacks and boot limits, sequence) and attempts each until
/// one is handed over, or nothing is left to try.
pub fn run(found: &Found, page: &mut StatePage) -> Result<core::convert::Infallible, BootError> {
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
                "state: boot {boot}: entry {entry} did not report (reset, panic or hang): failed \
                after {attempts} of {limit} attempts"
            ),
            (None, _) => say!(
                "state: boot {boot}: entry {entry} did not report (reset, panic or hang): attempt \
                {attempts} of {limit}, trying it again"
            ),
        }
    }
    let mut choice = state::choose(&mut page.state, rules, requested, report);
    loop {
        let index = match choice {
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
        // The attempt failed: close it as failed and choose again. When that chooses the same
        // entry (or none), the error stands; the record is only committed at a hand-off or at
        // the end of a sequence, so this choice is not kept.
        choice = state::choose(&mut page.state, rules, requested, Some(Report::Fail));
        if choice == Choice::Boot(index) || matches!(choice, Choice::Unavailable(_)) {
            return Err(err);
        }
        say!("entry {index} failed: {}: {err}; choosing again", err.code());
    }
}

/// Sequence mode, every entry has run: print the results, keep the record (the next start
/// prints them once more and begins afresh), power off.
fn finished(found: &Found, page: &mut StatePage) -> ! {
    let failed = print_outcomes(found, &page.state, "sequence");
    say!("sequence: finished, {failed} of {} entries did not pass", found.bundle.entry_count());
    page.commit();
    power::off()
}

/// Prints each entry's outcome in `record`, each line starting with `prefix`, and returns how
/// many did not pass.
fn print_outcomes(found: &Found, record: &State, prefix: &str) -> usize {
    let mut failed = 0;
    for (index, entry) in found.bundle.entries().enumerate().take(MAX_ENTRIES) {
        let outcome = record.outcomes[index];
        failed += usize::from(outcome != Outcome::Passed);
        say!("{prefix}: entry {index} \"{}\": {}", entry.name, outcome.word());
    }
    failed
}
