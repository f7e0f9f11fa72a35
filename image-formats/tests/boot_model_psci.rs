//! The model's PSCI decisions (`boot::View::psci` and `stub_psci`): a kernel entered at EL1
//! above the stub gets PSCI over `hvc` — relayed to firmware where the firmware's DTB has
//! `/psci`, served by the stub itself where it has none (a spin-table board such as raspi3b),
//! including after a kexec, when the `/psci` in the DTB is the one an earlier hand-off added.

mod boot_model_support;

use boot_model_support::*;
use image_formats::boot::{view, Conduit, Enter, View};
use image_formats::placement::KernelRequest;
use image_formats::MemRange;

const MIB: u64 = 1 << 20;

/// QEMU `raspi3b` as springboard finds it: DRAM at 0, the pen's page reserved, no `/psci`.
fn raspi3b(psci: Option<&'static str>, el1: bool) -> Case {
    let memory = [MemRange { base: 0, size: 0x3c00_0000 }];
    let pen = [MemRange { base: 0, size: PAGE }];
    Case {
        firmware: summary(&memory, &pen, &[], psci),
        own: None,
        kho: None,
        start: Start {
            image: MemRange { base: 0x20_0000, size: MIB },
            dtb: MemRange { base: 0x820_0000, size: 64 * 1024 },
            resident_size: 0x2000,
            bundle: MemRange { base: 0x800_0000, size: 34 * MIB },
            console: Some(MemRange { base: 0x3f21_5040, size: 0x40 }),
            entry_el: 2,
        },
        entry: Entry {
            kernel: KernelRequest { load_offset: 0, footprint: 34 * MIB, anywhere: true },
            kernel_len: 32 * MIB,
            initrd: Some(MemRange { base: 0xa00_0000, size: 2 * MIB }),
            keep_bundle: false,
            el1,
            dtb_bound: 64 * 1024,
        },
    }
}

/// The view of `case`; `served_before` says the state page's stub served PSCI.
fn view_of(case: &Case, served_before: bool) -> View {
    let resident = MemRange { base: 0x3c00_0000 - 0x2000, size: 0x2000 };
    let mut machine = case.machine(resident);
    machine.stub_served_psci = served_before;
    view(&machine, &case.facts(), None).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn el1_on_a_board_without_psci_gets_psci_from_the_stub_over_hvc() {
    let v = view_of(&raspi3b(None, true), false);
    assert_eq!((v.enter, v.psci, v.stub_psci), (Enter::El1AboveStub, Some(Conduit::Hvc), true));
    assert_eq!(run(&raspi3b(None, true)), Ok(Outcome::Planned));
}

#[test]
fn el2_on_a_board_without_psci_leaves_the_spin_table_to_the_kernel() {
    let v = view_of(&raspi3b(None, false), false);
    assert_eq!((v.enter, v.stub_psci), (Enter::El2, false));
}

#[test]
fn el1_with_firmware_psci_relays_to_it() {
    let v = view_of(&raspi3b(Some("smc"), true), false);
    assert_eq!((v.enter, v.psci, v.stub_psci), (Enter::El1AboveStub, Some(Conduit::Hvc), false));
}

/// After a kexec the DTB has the `/psci` (`hvc`) an earlier hand-off added; the state page
/// says whose it is.
#[test]
fn the_stubs_own_psci_passed_on_through_kexec_is_served_again() {
    let case = raspi3b(Some("hvc"), true);
    assert!(view_of(&case, true).stub_psci, "the earlier stub served it: serve it again");
    assert!(!view_of(&case, false).stub_psci, "firmware's hvc PSCI: relay");
}

#[test]
fn an_entry_dtb_without_psci_is_accepted_when_the_psci_was_the_stubs() {
    let mut case = raspi3b(Some("hvc"), true);
    case.own = Some(summary(&[MemRange { base: 0, size: 0x3c00_0000 }], &[], &[], None));
    assert!(view_of(&case, true).stub_psci);
    let resident = MemRange { base: 0x3c00_0000 - 0x2000, size: 0x2000 };
    let machine = case.machine(resident);
    let refused = view(&machine, &case.facts(), None).err().expect("firmware PSCI: refused");
    assert_eq!(refused.code(), "dtb", "{refused}");
}

#[test]
fn entered_at_el1_there_is_no_stub_to_serve_psci() {
    let mut case = raspi3b(None, true);
    case.start.entry_el = 1;
    let v = view_of(&case, true);
    assert_eq!((v.enter, v.psci, v.stub_psci), (Enter::El1Direct, None, false));
}
