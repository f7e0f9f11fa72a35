//! The state page after the resident stub (DESIGN §4): read at every start, updated with the
//! entry about to boot, written just before the hand-off. It carries the boot counter, the
//! per-entry outcomes (boot counting and fallbacks, kernel-swap sequences), the kept seed and
//! the location of a bundle kept resident. Whatever it says is data an OS could have written:
//! it chooses among the bundle's entries and nothing more (README, "The state page").

use crate::{arch, mem, say};
use image_formats::fdt::Fdt;
use image_formats::seeds::{self, Seeds};
use image_formats::state::{self, Mode, Opened, State, STATE_SIZE};
use image_formats::MemRange;
use stub::abi::STATE_PAGE_OFFSET;

// The record and the stub's CPU slots share the state page without overlapping.
const _: () = assert!(STATE_SIZE as u64 <= stub::abi::CPU_SLOTS_OFFSET);

/// The state record of this machine, as read at start and as it will be written.
pub struct StatePage {
    addr: u64,
    /// The record.
    pub state: State,
}

/// The address of the state record inside the resident region.
fn address(resident: MemRange) -> u64 {
    resident.base + STATE_PAGE_OFFSET
}

/// The record an earlier run left, if any (a cold boot leaves none).
pub fn earlier(resident: MemRange) -> Option<State> {
    // SAFETY: the resident region is the top of the first DRAM bank (boot.rs); its state page
    // is RAM (whoever wrote it last, its bytes are only read as data), and nothing writes it
    // while this slice is read.
    let bytes = unsafe { mem::bytes(address(resident), STATE_SIZE as u64) };
    State::read(bytes)
}

impl StatePage {
    /// The record this start works with ([`state::open`]): the `earlier` one if it belongs to
    /// `bundle_id` and is not a finished sequence, else a fresh one in `mode` — a fresh one
    /// always when `clear`. Its seed is mixed with this start's fresh material (the DTB's
    /// seeds, RNDR, the counter) every time, so a replayed page does not replay the seeds.
    pub fn open(
        resident: MemRange,
        earlier: Option<State>,
        clear: bool,
        bundle_id: u32,
        mode: Mode,
        dtb: &Fdt,
    ) -> (Self, Opened) {
        let (mut state, opened) = state::open(earlier, clear, bundle_id, mode);
        match &opened {
            Opened::Cold => say!("state: first boot: no record, a fresh one"),
            Opened::Cleared => {
                say!("state: cleared by springboard.state=clear: a fresh record, nothing kept")
            }
            Opened::OtherBundle => {
                say!("state: the record was another bundle's: its outcomes start afresh")
            }
            Opened::AfterSequence(_) => {
                say!("state: the sequence before this start had finished: a fresh record")
            }
            Opened::Continued => {}
        }
        state.seed = mixed_seed(&state.seed, dtb);
        (StatePage { addr: address(resident), state }, opened)
    }

    /// The seeds for this hand-off: from RNDR when the CPU has it, else derived from the kept
    /// seed and the boot counter. Prints a fingerprint of the `rng-seed`, so that tests (and
    /// people) can see two hand-offs got different seeds.
    pub fn seeds(&self) -> (Seeds, &'static str) {
        let mut words = [0u64; 5];
        let (seeds, source) = if words.iter_mut().all(|w| arch::rndr().map(|v| *w = v).is_some()) {
            let mut rng = [0; 32];
            for (chunk, word) in rng.chunks_mut(8).zip(words) {
                chunk.copy_from_slice(&word.to_le_bytes());
            }
            (Seeds { rng, kaslr: words[4].max(1) }, "RNDR")
        } else {
            (seeds::derive(&self.state.seed, self.state.boot_counter), "the kept seed")
        };
        say!("state: rng-seed fingerprint {:08x}", seeds::fingerprint(&seeds.rng));
        (seeds, source)
    }

    /// Writes the record to the state page and cleans it to the point of coherency.
    pub fn commit(&self) {
        let bytes = self.state.to_bytes();
        // SAFETY: the state page is inside the resident region, which the plan keeps free and
        // the kernel is told is reserved; no other slice covers it now.
        let out = unsafe { mem::bytes_mut(self.addr, STATE_SIZE as u64) };
        out.copy_from_slice(&bytes);
        arch::clean_dcache_to_poc(self.addr, STATE_SIZE as u64);
    }
}

/// The kept seed mixed with whatever fresh entropy this start has: the incoming DTB's seeds
/// (QEMU and firmware give some), RNDR, the counter.
fn mixed_seed(kept: &[u8; 32], dtb: &Fdt) -> [u8; 32] {
    let chosen = dtb.find_node("/chosen").ok().flatten();
    let prop = |name| chosen.and_then(|c| c.property(name).ok().flatten()).unwrap_or(&[]);
    let rndr = arch::rndr();
    let counter = arch::counter().to_le_bytes();
    let (rng_seed, kaslr_seed) = (prop("rng-seed"), prop("kaslr-seed"));
    let rndr_bytes = rndr.unwrap_or(0).to_le_bytes();
    let seed = seeds::mix(kept, &[rng_seed, kaslr_seed, &rndr_bytes, &counter]);
    say!(
        "state: kept seed mixed with the DTB's seeds ({} bytes), {}, and the counter",
        rng_seed.len() + kaslr_seed.len(),
        if rndr.is_some() { "RNDR" } else { "no RNDR" }
    );
    seed
}
