//! The assembly side (`entry.S`) and what its EL2 probe records in `probe_area`.

use image_formats::image;
use stub::abi;

/// Where `payload.ld` links the payload, and hence where springboard must have put it.
pub const LINKED_AT: u64 = 0x4040_0000;
/// `text_offset` in the Image header: the payload is linked at DRAM base (0x40000000) + this.
const TEXT_OFFSET: u64 = LINKED_AT - 0x4000_0000;
/// Image flags: little-endian, 4 KiB pages, placed as close to the base of DRAM as possible.
const IMAGE_FLAGS: u64 = image::flags::little_endian(image::PageSize::Size4K, false);
/// Soft restarts in a row.
pub const ROUNDS: u64 = 1000;
/// Distinctive values for the caller's x2, x3, x4 in `HVC_SOFT_RESTART`.
pub const ARG_A: u64 = 0x1111_2222_3333_4444;
/// The caller's x3 (also expected back in x1, and still in x3).
pub const ARG_B: u64 = 0x5555_6666_7777_8888;
/// The caller's x4.
pub const ARG_C: u64 = 0x9999_aaaa_bbbb_cccc;
/// A call number the payload's own EL2 vectors answer with [`MARKER_ANSWER`].
pub const MARKER_CALL: u64 = 0x5a5;
/// What the payload's EL2 vectors answer to [`MARKER_CALL`].
pub const MARKER_ANSWER: u64 = 0x5ca1_ab1e;

/// Byte offsets in `probe_area` (u64 each).
mod off {
    pub const COUNT: usize = 0;
    pub const X0: usize = 8;
    pub const X2: usize = 24;
    pub const EL: usize = 40;
    pub const DAIF: usize = 48;
    pub const SCTLR: usize = 56;
    pub const VBAR: usize = 64;
    pub const SPSEL: usize = 72;
    pub const LAST_VBAR: usize = 80;
    pub const LAST_SCTLR: usize = 88;
    pub const LAST_DAIF: usize = 96;
    pub const DRIFT: usize = 104;
    pub const SP: usize = 112;
    pub const STUB: usize = 120;
    pub const SIZE: usize = 128;
}

core::arch::global_asm!(
    include_str!("../../../stub/src/adr_l.S"),
    include_str!("entry.S"),
    text_offset = const TEXT_OFFSET,
    image_flags = const IMAGE_FLAGS,
    image_magic = const image::MAGIC,
    header_len = const image::HEADER_LEN,
    soft_restart = const abi::HVC_SOFT_RESTART,
    arg_a = const ARG_A,
    arg_b = const ARG_B,
    arg_c = const ARG_C,
    rounds = const ROUNDS,
    spsr_el1h = const stub::regs::SPSR_EL2_EL1H_MASKED,
    vectors_size = const abi::VECTORS_SIZE,
    slot_size = const abi::VECTOR_SLOT_SIZE,
    lower_a64_sync = const abi::VECTOR_LOWER_A64_SYNC,
    marker_call = const MARKER_CALL,
    marker_answer = const MARKER_ANSWER,
    p_count = const off::COUNT,
    p_x0 = const off::X0,
    p_x2 = const off::X2,
    p_el = const off::EL,
    p_daif = const off::DAIF,
    p_sctlr = const off::SCTLR,
    p_vbar = const off::VBAR,
    p_spsel = const off::SPSEL,
    p_last_vbar = const off::LAST_VBAR,
    p_last_sctlr = const off::LAST_SCTLR,
    p_last_daif = const off::LAST_DAIF,
    p_drift = const off::DRIFT,
    p_sp = const off::SP,
    p_stub = const off::STUB,
    probe_size = const off::SIZE,
);

extern "C" {
    static mut probe_area: [u64; off::SIZE / 8];
    fn el1_soft_restart_round() -> !;
}

/// What the EL2 probe saw: registers on the first entry, state after the last.
pub struct Seen {
    /// Entries into the probe.
    pub count: u64,
    /// x0..x3 on the first entry.
    pub x: [u64; 4],
    /// CurrentEL, DAIF, SCTLR_EL2, VBAR_EL2, SPSel on the first entry.
    pub el: u64,
    /// DAIF on the first entry.
    pub daif: u64,
    /// SCTLR_EL2 on the first entry.
    pub sctlr: u64,
    /// VBAR_EL2 on the first entry.
    pub vbar: u64,
    /// SPSel on the first entry.
    pub spsel: u64,
    /// VBAR_EL2, SCTLR_EL2 and DAIF on the last entry.
    pub last: [u64; 3],
    /// Later entries whose x0..x3 differed from the first.
    pub drift: u64,
}

fn word(offset: usize) -> u64 {
    // SAFETY: `probe_area` is the payload's own .bss block (entry.S); only this CPU touches it
    // and no reference to it is held, so a volatile read of one aligned word is sound.
    unsafe { core::ptr::addr_of!(probe_area).cast::<u64>().add(offset / 8).read_volatile() }
}

/// Reads the probe's record.
pub fn read() -> Seen {
    Seen {
        count: word(off::COUNT),
        x: [word(off::X0), word(off::X0 + 8), word(off::X2), word(off::X2 + 8)],
        el: word(off::EL),
        daif: word(off::DAIF),
        sctlr: word(off::SCTLR),
        vbar: word(off::VBAR),
        spsel: word(off::SPSEL),
        last: [word(off::LAST_VBAR), word(off::LAST_SCTLR), word(off::LAST_DAIF)],
        drift: word(off::DRIFT),
    }
}

/// Tells the payload's EL2 vectors where springboard's stub is (they pass calls on to it).
pub fn set_stub(address: u64) {
    // SAFETY: as in `word`, for a write.
    unsafe {
        core::ptr::addr_of_mut!(probe_area).cast::<u64>().add(off::STUB / 8).write_volatile(address)
    }
}

/// Starts the soft-restart rounds; execution continues in `payload_resume`.
pub fn start_rounds() -> ! {
    // SAFETY: the routine calls HVC_SOFT_RESTART into the payload's own EL2 probe, which
    // returns to EL1 at a fresh stack in `payload_resume`; nothing of this frame is used again.
    unsafe { el1_soft_restart_round() }
}
