//! One check per clause of the ABI (DESIGN §3), named as the QEMU test expects them.

use crate::calls::{self, guarded_hvc, hvc};
use crate::check;
use crate::probe::{self, Seen, ARG_A, ARG_B, ARG_C, MARKER_ANSWER, MARKER_CALL, ROUNDS};
use stub::abi::*;

/// `SCTLR_EL2.{M, C, I}` (bits 0, 2, 12).
const SCTLR_M_C_I: u64 = (1 << 0) | (1 << 2) | (1 << 12);
/// DAIF with D, A, I and F set (bits 9..6).
const DAIF_ALL: u64 = 0xf << 6;
/// PSCI `PSCI_VERSION` (Arm DEN 0022D 5.1.1).
const PSCI_VERSION: u64 = 0x8400_0000;
/// `SMCCC_VERSION` (Arm DEN 0028E 7.2): an architecture call the stub relays to EL3.
const SMCCC_VERSION: u64 = 0x8000_0000;

/// The checks that need neither the soft-restart probe nor the stub's address.
pub fn before_soft_restart() {
    let [w0, w1, w2, w3] = hvc(SMCCC_VENDOR_HYP_UID, 0);
    let uid = SPRINGBOARD_UID.map(u64::from);
    check(
        "vendor-hyp-uid",
        [w0, w1, w2, w3] == uid,
        format_args!("{w0:#x} {w1:#x} {w2:#x} {w3:#x}"),
    );
    let [count, ..] = hvc(SMCCC_VENDOR_HYP_CALL_COUNT, 0);
    check("vendor-hyp-call-count", count == SPRINGBOARD_CALL_COUNT, format_args!("{count:#x}"));
    let [major, minor, ..] = hvc(SMCCC_VENDOR_HYP_REVISION, 0);
    check(
        "vendor-hyp-revision",
        (major, minor) == SPRINGBOARD_REVISION,
        format_args!("{major}.{minor}"),
    );

    let mut clobbered = 0;
    let mut answers = |calls: &[u64], want: u64| {
        let mut bad = None;
        for &x0 in calls {
            let out = guarded_hvc(x0, 0x1234);
            clobbered += out.changed;
            if out.x0 != want {
                bad = Some((x0, out.x0));
            }
        }
        bad
    };
    let bad = answers(&[5, 0x1000, 0x7fff_ffff, 0x1_8400_0000, u64::MAX], HVC_STUB_ERR);
    let (x0, got) = bad.unwrap_or_default();
    check("unknown-calls-return-stub-err", bad.is_none(), format_args!("x0 {x0:#x} gave {got:#x}"));
    // SiP, OEM, an unknown vendor-hypervisor call, a trusted-OS call, the top of the range.
    let fast = [0xc200_1234, 0x8300_0000, 0x8600_0042, 0xb200_0000, 0xffff_ffff];
    let bad = answers(&fast, SMCCC_NOT_SUPPORTED as u64);
    let (x0, got) = bad.unwrap_or_default();
    check(
        "unknown-fast-calls-return-not-supported",
        bad.is_none(),
        format_args!("x0 {x0:#x} gave {got:#x}"),
    );
    let finalise = guarded_hvc(HVC_FINALISE_EL2, 0);
    clobbered += finalise.changed;
    check(
        "finalise-el2-is-refused",
        finalise.x0 == HVC_STUB_ERR,
        format_args!("{:#x}", finalise.x0),
    );

    let gic = (calls::id_aa64pfr0() >> 24) & 0xf != 0;
    let [status, vtr, ..] = hvc(HVC_GET_ICH_VTR_EL2, 0);
    let want = if gic { 0 } else { HVC_STUB_ERR };
    check(
        "get-ich-vtr-el2",
        status == want && (!gic || vtr != 0),
        format_args!("GICv3 sysregs {gic}: x0 {status:#x} x1 {vtr:#x}"),
    );

    let psci = guarded_hvc(PSCI_VERSION, 0);
    clobbered += psci.changed;
    check(
        "psci-relayed-to-el3",
        psci.x0 != HVC_STUB_ERR && psci.x0 >> 16 >= 1 && psci.x0 >> 32 == 0,
        format_args!("PSCI_VERSION gave {:#x}", psci.x0),
    );

    // SMCCC_VERSION reaches EL3's firmware when there is one, else NOT_SUPPORTED.
    let el3 = (calls::id_aa64pfr0() >> ID_AA64PFR0_EL3_SHIFT) & 0xf != 0;
    let version = guarded_hvc(SMCCC_VERSION, 0);
    clobbered += version.changed;
    let relayed = version.x0 >> 16 >= 1 && version.x0 >> 31 == 0;
    check(
        "smccc-version-relayed-to-el3-or-not-supported",
        if el3 { relayed } else { version.x0 == SMCCC_NOT_SUPPORTED as u64 },
        format_args!("EL3 {el3}: SMCCC_VERSION gave {:#x}", version.x0),
    );

    let entry = guarded_hvc(HVC_SOFT_RESTART, calls::vectors() + 2);
    clobbered += entry.changed;
    check(
        "soft-restart-rejects-misaligned-entry",
        entry.x0 == HVC_STUB_ERR,
        format_args!("x0 {:#x}", entry.x0),
    );

    let misaligned = guarded_hvc(HVC_SET_VECTORS, calls::vectors() + VECTOR_SLOT_SIZE as u64);
    clobbered += misaligned.changed;
    let [after, ..] = hvc(MARKER_CALL, 0);
    check(
        "set-vectors-rejects-misaligned",
        misaligned.x0 == HVC_STUB_ERR && after == HVC_STUB_ERR,
        format_args!("x0 {:#x}, then the marker call gave {after:#x}", misaligned.x0),
    );
    check("callee-saved-registers-survive", clobbered == 0, format_args!("{clobbered} changed"));
}

/// What the EL2 probe saw across the soft restarts.
pub fn soft_restart(seen: &Seen) {
    check(
        "soft-restart-enters-el2",
        seen.el == 2 << 2 && seen.spsel == 1,
        format_args!("CurrentEL {:#x} SPSel {}", seen.el, seen.spsel),
    );
    check("soft-restart-masks-daif", seen.daif == DAIF_ALL, format_args!("DAIF {:#x}", seen.daif));
    check(
        "soft-restart-mmu-and-caches-off",
        seen.sctlr & SCTLR_M_C_I == 0,
        format_args!("SCTLR_EL2 {:#x}", seen.sctlr),
    );
    let stub = crate::stub_address();
    check(
        "soft-restart-vbar-is-the-stub",
        stub == Some(seen.vbar),
        format_args!("VBAR_EL2 {:#x}, DTB reserves {stub:#x?}", seen.vbar),
    );
    check(
        "soft-restart-moves-arguments",
        seen.x == [ARG_A, ARG_B, ARG_C, ARG_B],
        format_args!("x0..x3 {:#x} {:#x} {:#x} {:#x}", seen.x[0], seen.x[1], seen.x[2], seen.x[3]),
    );
    check(
        "soft-restart-1000-rounds-without-drift",
        seen.count == ROUNDS && seen.drift == 0 && seen.last == [seen.vbar, seen.sctlr, seen.daif],
        format_args!("{} rounds, {} drifted, last {:#x?}", seen.count, seen.drift, seen.last),
    );
}

/// `HVC_SET_VECTORS` / `HVC_RESET_VECTORS` with the payload's own table, which passes every
/// call but the marker on to springboard's stub.
pub fn after_soft_restart(seen: &Seen) {
    probe::set_stub(seen.vbar);
    let set = guarded_hvc(HVC_SET_VECTORS, calls::vectors());
    let [marker, ..] = hvc(MARKER_CALL, 0);
    check(
        "set-vectors-installs-the-callers-table",
        set.x0 == 0 && set.changed == 0 && marker == MARKER_ANSWER,
        format_args!("x0 {:#x}, then the marker call gave {marker:#x}", set.x0),
    );
    let reset = guarded_hvc(HVC_RESET_VECTORS, 0);
    let [marker, ..] = hvc(MARKER_CALL, 0);
    check(
        "reset-vectors-restores-the-stub",
        reset.x0 == 0 && reset.changed == 0 && marker == HVC_STUB_ERR,
        format_args!("x0 {:#x}, then the marker call gave {marker:#x}", reset.x0),
    );
}
