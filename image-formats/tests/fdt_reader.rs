//! Reading real and hand-written DTBs: header, node lookup, properties and the summary.

mod fdt_support;

use fdt_support::*;
use image_formats::fdt::{summarize, Fdt};
use image_formats::MemRange;

fn range(base: u64, size: u64) -> MemRange {
    MemRange { base, size }
}

#[test]
fn summarizes_qemu_virt() {
    let fdt = Fdt::new(QEMU_VIRT).unwrap();
    let s = summarize(&fdt).unwrap();
    assert_eq!(s.compatible, Some("linux,dummy-virt"));
    assert_eq!(s.memory.as_slice(), [range(0x4000_0000, 0x4000_0000)]);
    assert!(s.memreserve.is_empty());
    assert!(s.reserved_memory.is_empty());
    assert_eq!(s.bootargs, None);
    assert_eq!(s.initrd, None);
    assert_eq!(s.psci_method, Some("smc"));
    assert_eq!(s.stdout_path, Some("/pl011@9000000"));
    let pl011 = ("arm,pl011", range(0x900_0000, 0x1000));
    assert_eq!(s.stdout.map(|d| (d.compatible, d.reg)), Some(pl011));
}

#[test]
fn reads_qemu_initrd_and_bootargs() {
    let s = summarize(&Fdt::new(QEMU_VIRT_INITRD).unwrap()).unwrap();
    assert_eq!(s.initrd, Some(range(0x4800_0000, 0x1_0000)));
    assert_eq!(s.bootargs, Some("console=ttyAMA0"));
}

#[test]
fn qemu_blob_is_one_mib() {
    let fdt = Fdt::new(QEMU_VIRT).unwrap();
    assert_eq!(fdt.totalsize(), 0x10_0000);
    assert_eq!(fdt.as_bytes().len(), 0x10_0000);
    assert_eq!(Fdt::totalsize_of(&QEMU_VIRT[..40]).unwrap(), 0x10_0000);
}

#[test]
fn reads_across_qemu_nop_tokens() {
    assert_eq!(nop_count(QEMU_VIRT_NOPS), 54, "the fixture holds NOPs");
    let fdt = Fdt::new(QEMU_VIRT_NOPS).unwrap();
    let s = summarize(&fdt).unwrap();
    assert_eq!(s.memory.as_slice(), [range(0x4000_0000, 0x4000_0000)]);
    assert_eq!(s.stdout.map(|d| d.reg), Some(range(0x900_0000, 0x1000)));
    assert_eq!(s.psci_method, Some("smc"));
    let nodes = fdt.root().unwrap().children().count();
    let plain = Fdt::new(QEMU_VIRT).unwrap().root().unwrap().children().count();
    assert_eq!(nodes, plain, "the NOP'd memory node is gone, its replacement is there");
}

#[test]
fn summarizes_board_with_banks_aliases_and_reservations() {
    let s = summarize(&Fdt::new(BOARD).unwrap()).unwrap();
    assert_eq!(s.compatible, Some("acme,rocket-board"));
    // Two banks in one node, one in another; the disabled node is left out.
    let banks = [
        range(0x8000_0000, 0x4000_0000),
        range(0x8_8000_0000, 0x1_0000_0000),
        range(0xc000_0000, 0x2000_0000),
    ];
    assert_eq!(s.memory.as_slice(), banks);
    assert_eq!(
        s.memreserve.as_slice(),
        [range(0x8000_0000, 0x1_0000), range(0x80f0_0000, 0x10_0000)]
    );
    // linux,cma has no reg (a dynamic pool) and is left out.
    assert_eq!(
        s.reserved_memory.as_slice(),
        [range(0x8100_0000, 0x20_0000), range(0x9f00_0000, 0x80_0000)]
    );
    assert_eq!(s.bootargs, Some("console=ttyAMA0 root=/dev/vda"));
    assert_eq!(s.stdout_path, Some("serial0:115200n8"));
    // serial0 is an alias for a node on a 1/1-cell bus; ":115200n8" is stripped.
    let uart = ("arm,pl011", range(0x1c09_0000, 0x1000));
    assert_eq!(s.stdout.map(|d| (d.compatible, d.reg)), Some(uart));
    // linux,initrd-start is one cell, linux,initrd-end two.
    assert_eq!(s.initrd, Some(range(0x8400_0000, 0x20_0000)));
    assert_eq!(s.psci_method, Some("hvc"));
}

#[test]
fn summarizes_tree_without_chosen() {
    let s = summarize(&Fdt::new(MINIMAL_32BIT).unwrap()).unwrap();
    assert_eq!(s.memory.as_slice(), [range(0x4000_0000, 0x800_0000)]);
    assert_eq!(
        (s.bootargs, s.stdout_path, s.stdout, s.initrd, s.psci_method),
        (None, None, None, None, None)
    );
}

#[test]
fn finds_nodes_with_and_without_unit_address() {
    let fdt = Fdt::new(QEMU_VIRT).unwrap();
    let exact = fdt.find_node("/pl011@9000000").unwrap().unwrap();
    let short = fdt.find_node("/pl011").unwrap().unwrap();
    assert_eq!((exact.name(), exact.offset()), (short.name(), short.offset()));
    assert_eq!(fdt.find_node("/").unwrap().unwrap().name(), "");
    assert_eq!(fdt.find_node("/chosen/").unwrap().unwrap().name(), "chosen");
    assert!(fdt.find_node("/pl011@9000001").unwrap().is_none());
    assert!(fdt.find_node("/pl0").unwrap().is_none());
    assert!(fdt.find_node("chosen").unwrap().is_none(), "relative paths name no node");
    let board = Fdt::new(BOARD).unwrap();
    let nested = board.find_node("/soc/serial@1c0a0000").unwrap().unwrap();
    assert_eq!(nested.reg().unwrap().collect::<Vec<_>>(), [range(0x1c0a_0000, 0x1000)]);
}

#[test]
fn decodes_reg_with_parent_cells_and_reads_properties() {
    let fdt = Fdt::new(QEMU_VIRT).unwrap();
    let pl011 = fdt.find_node("/pl011@9000000").unwrap().unwrap();
    assert!(pl011.is_compatible("arm,primecell").unwrap());
    assert!(!pl011.is_compatible("arm,pl01").unwrap());
    assert_eq!(pl011.property("compatible").unwrap(), Some(&b"arm,pl011\0arm,primecell\0"[..]));
    assert_eq!(pl011.property("no-such").unwrap(), None);
    let names: Vec<&str> = pl011.properties().map(|p| p.unwrap().0).collect();
    assert_eq!(names, ["clock-names", "clocks", "interrupts", "reg", "compatible"]);
    let root = fdt.root().unwrap();
    assert_eq!(root.child_cells().unwrap(), (2, 2));
    assert!(root.reg().unwrap().next().is_none(), "no reg: empty iterator");
}

#[test]
fn reads_memreserve_entries() {
    let fdt = Fdt::new(&tiny()).unwrap().memreserve().collect::<Result<Vec<_>, _>>();
    assert_eq!(fdt.unwrap(), [range(0x8000_0000, 0x1000)]);
}

#[test]
fn reads_hand_built_blob_across_its_nop() {
    let blob = tiny();
    let fdt = Fdt::new(&blob).unwrap();
    let chosen = fdt.find_node("/chosen").unwrap().unwrap();
    assert_eq!(chosen.offset(), CHOSEN);
    assert_eq!(chosen.str_property("bootargs").unwrap(), Some("hi"));
    assert_eq!(fdt.root().unwrap().u32_property("#address-cells").unwrap(), Some(2));
}

#[test]
fn accepts_buffer_longer_than_totalsize() {
    let mut blob = tiny();
    blob.extend([0xff; 64]);
    let fdt = Fdt::new(&blob).unwrap();
    assert_eq!(fdt.totalsize(), TOTAL);
    assert_eq!(fdt.as_bytes(), &blob[..TOTAL]);
    assert_eq!(Fdt::totalsize_of(&blob[..40]).unwrap(), TOTAL);
}

#[test]
fn range_end_is_base_plus_size() {
    assert_eq!(range(0x4000_0000, 0x1000).end(), 0x4000_1000);
}
