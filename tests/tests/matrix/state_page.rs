//! Hostile state pages, preloaded where springboard keeps its record: the top 8 KiB of the
//! first DRAM bank hold the resident region, and the record starts 4 KiB into it (the stub's
//! budget, `stub::abi::STATE_PAGE_OFFSET`). A record is data an operating system could have
//! written: springboard must boot from a torn or foreign one, and never trust one to point it
//! at memory it should not read.

use crate::common::{
    boots, bundle_id, line_says, read, refuses, tiny_bundle, two_entry_bundle, virt, write, DRAM,
    KERNEL_BASE,
};
use image_formats::state::{Mode, Outcome, State, MAGIC, VERSION};
use image_formats::MemRange;
use qemu_tests::Qemu;

/// The state record on `virt` with `-m 1G`: end of DRAM − 8 KiB + 4 KiB.
const STATE_PAGE: u64 = DRAM.0 + DRAM.1 - 0x2000 + 0x1000;
/// Where the tests plant a bundle that no `-initrd` names.
const PLANTED: u64 = 0x5000_0000;

/// `qemu` with `page` preloaded at [`STATE_PAGE`].
fn with_page(qemu: Qemu, name: &str, page: &[u8]) -> Qemu {
    let path = write(&format!("{name}.state"), page);
    qemu.load(&path, STATE_PAGE)
}

/// The two-entry bundle's id.
fn two_entry_id() -> u32 {
    bundle_id(&read(two_entry_bundle()))
}

#[test]
fn torn_state_record_with_the_right_magic_is_a_cold_start() {
    // Magic and version right, every later byte noise: the CRC cannot match.
    let mut page: Vec<u8> =
        (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    page[..8].copy_from_slice(&MAGIC);
    page[8..12].copy_from_slice(&VERSION.to_le_bytes());
    let name = "state-torn";
    let qemu = with_page(virt(name).initrd(two_entry_bundle()), name, &page);
    boots(qemu, &["springboard: state: first boot", "springboard: entry: 0 \"first\""]);
}

#[test]
fn valid_record_of_another_bundle_boots_the_first_entry() {
    // Another bundle's record, in the middle of trying its entry 1 after entry 0 failed: none
    // of that applies to this bundle.
    let mut state = State::fresh(two_entry_id() ^ 0x5a5a_5a5a, [7; 32], Mode::Single);
    state.boot_counter = 41;
    state.current = Some(1);
    state.outcomes[0] = Outcome::Failed;
    state.outcomes[1] = Outcome::Booting;
    let name = "state-foreign";
    let qemu = with_page(virt(name).initrd(two_entry_bundle()), name, &state.to_bytes());
    boots(qemu, &["springboard: entry: 0 \"first\""]);
}

#[test]
fn finished_sequence_followed_by_a_plain_start_boots_normally() {
    // What a finished kernel-swap sequence leaves: sequence mode, every entry passed, nothing
    // current. A plain start (no springboard.sequence) afterwards must boot, not power off.
    let mut state = State::fresh(two_entry_id(), [7; 32], Mode::Sequence);
    state.boot_counter = 3;
    state.outcomes[0] = Outcome::Passed;
    state.outcomes[1] = Outcome::Passed;
    let name = "state-finished";
    let qemu = with_page(virt(name).initrd(two_entry_bundle()), name, &state.to_bytes())
        .forbid(&["sequence: finished"]);
    boots(qemu, &["springboard: entry: 0 \"first\""]);
}

#[test]
fn boot_counter_at_its_maximum_does_not_wrap() {
    let mut state = State::fresh(two_entry_id(), [7; 32], Mode::Single);
    state.boot_counter = u64::MAX;
    let name = "state-counter-max";
    let qemu = with_page(virt(name).initrd(two_entry_bundle()), name, &state.to_bytes());
    let run = boots(qemu, &["springboard: entry: 0 \"first\""]);
    let line = run.assert_has("springboard: entry: 0 \"first\"");
    line_says(&run, "springboard: entry: 0 \"first\"", &[&format!("(boot {}", u64::MAX)]);
    assert!(!line.contains("(boot 0"), "the counter wrapped: {line}");
}

/// A sequence-mode record whose kept bundle is `(base, size)`, for a bundle with id `id`,
/// booting entry 0; springboard is started with no `-initrd`, so only the record names a
/// bundle.
fn kept(id: u32, base: u64, size: u64) -> Vec<u8> {
    let mut state = State::fresh(id, [7; 32], Mode::Sequence);
    state.boot_counter = 1;
    state.bundle = Some(MemRange::new(base, size));
    state.current = Some(0);
    state.outcomes[0] = Outcome::Booting;
    state.to_bytes().to_vec()
}

#[test]
fn kept_bundle_that_is_not_the_records_own_is_refused() {
    // A well-formed bundle planted where the record says, but the record belongs to another.
    let planted = tiny_bundle();
    let page = kept(bundle_id(planted) ^ 1, PLANTED, planted.len() as u64);
    let bundle = write("state-planted.bundle", planted);
    let name = "state-planted";
    let qemu = with_page(virt(name).load(&bundle, PLANTED), name, &page);
    let run = refuses(qemu, "bundle");
    line_says(&run, "springboard: error: bundle:", &["kept"]);
}

#[test]
fn kept_bundle_outside_dram_is_refused() {
    let page = kept(0x1234_5678, 0x1_0000_0000, 0x10_0000);
    let name = "state-kept-outside";
    let run = refuses(with_page(virt(name), name, &page), "bundle-range");
    line_says(&run, "springboard: error: bundle-range:", &["0x100000000"]);
}

#[test]
fn kept_bundle_over_springboard_itself_is_refused() {
    let page = kept(0x1234_5678, KERNEL_BASE, 0x10_0000);
    let name = "state-kept-over-springboard";
    let run = refuses(with_page(virt(name), name, &page), "bundle-range");
    line_says(&run, "springboard: error: bundle-range:", &["0x40200000"]);
}
