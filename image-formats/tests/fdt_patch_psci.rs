//! The hand-off's edits for PSCI from the resident stub on a spin-table board
//! (`fixtures/fdt/spin-table.dts`): `/psci` added, every `/cpus/cpu@N` `enable-method`
//! replaced; and the CPUs the stub is told about (`boot::cpus`).

mod fdt_support;

use fdt_support::*;
use image_formats::boot::{cpus, Cpu};
use image_formats::fdt::{patch, summarize, Edits, Fdt, FdtErrorKind, NewNode};

const SPIN_TABLE: &[u8] = include_bytes!("fixtures/fdt/spin-table.dtb");

const PSCI: NewNode = ("psci", &[("compatible", b"arm,psci-1.0\0"), ("method", b"hvc\0")]);
const ENABLE_METHOD: (&str, &str, &[u8]) = ("cpus/cpu", "enable-method", b"psci\0");

fn stub_psci_edits() -> Vec<u8> {
    let replace = [("psci", "method", &b"hvc\0"[..]), ENABLE_METHOD];
    patched(SPIN_TABLE, &Edits { replace: &replace, add: &[PSCI], ..Edits::default() })
}

#[test]
fn adds_psci_and_makes_every_cpu_use_it() {
    let out = stub_psci_edits();
    let fdt = Fdt::new(&out).unwrap();
    let psci = fdt.find_node("/psci").unwrap().expect("/psci added");
    assert_eq!(psci.str_property("compatible").unwrap(), Some("arm,psci-1.0"));
    assert_eq!(summarize(&fdt).unwrap().psci_method, Some("hvc"));
    for n in 0..4 {
        let cpu = fdt.find_node(&format!("/cpus/cpu@{n}")).unwrap().unwrap();
        assert_eq!(cpu.str_property("enable-method").unwrap(), Some("psci"), "cpu@{n}");
        // The release address stays: the stub reads it from the firmware's DTB, and a kernel
        // ignores it with PSCI.
        assert!(cpu.property("cpu-release-addr").unwrap().is_some(), "cpu@{n}");
    }
    // `/cpus` itself (a depth-2 node) keeps its own enable-method: only grandchildren match.
    let parent = fdt.find_node("/cpus").unwrap().unwrap();
    assert_eq!(parent.str_property("enable-method").unwrap(), Some("brcm,bcm2836-smp"));
    // Everything else is kept.
    assert_eq!(summarize(&fdt).unwrap().memreserve.as_slice().len(), 1);
    assert!(fdt.find_node("/cpus/l2-cache0").unwrap().is_some());
}

/// A kernel passes the DTB it was given on through kexec: patched again, it keeps one `/psci`.
#[test]
fn adds_psci_only_where_there_is_none() {
    let once = stub_psci_edits();
    let replace = [("psci", "method", &b"hvc\0"[..]), ENABLE_METHOD];
    let twice = patched(&once, &Edits { replace: &replace, add: &[PSCI], ..Edits::default() });
    assert_eq!(twice.len(), once.len(), "nothing added the second time");
    let fdt = Fdt::new(&twice).unwrap();
    let root = fdt.root().unwrap();
    let psci_nodes = root.children().filter(|c| c.as_ref().unwrap().name() == "psci").count();
    assert_eq!(psci_nodes, 1);
}

#[test]
fn replaces_a_grandchild_property_only_where_it_exists() {
    let replace = [("cpus/l2-cache0", "enable-method", &b"psci\0"[..])];
    let out = patched(SPIN_TABLE, &Edits { replace: &replace, ..Edits::default() });
    let fdt = Fdt::new(&out).unwrap();
    let l2 = fdt.find_node("/cpus/l2-cache0").unwrap().unwrap();
    assert_eq!(l2.property("enable-method").unwrap(), None, "nothing is added");
}

#[test]
fn the_size_bound_counts_every_cpu_a_replacement_matches() {
    // A value longer than "spin-table" grows each of the four CPU nodes: `patched` checks
    // the output against the bound.
    let long = [b'x'; 64];
    let replace = [("cpus/cpu", "enable-method", &long[..])];
    let out = patched(SPIN_TABLE, &Edits { replace: &replace, ..Edits::default() });
    let fdt = Fdt::new(&out).unwrap();
    let cpu3 = fdt.find_node("/cpus/cpu@3").unwrap().unwrap();
    assert_eq!(cpu3.property("enable-method").unwrap(), Some(&long[..]));
}

#[test]
fn rejects_an_added_node_with_a_bad_name() {
    let fdt = Fdt::new(SPIN_TABLE).unwrap();
    let mut out = vec![0; 4096];
    for bad in [("", &[][..]), ("a/b", &[]), ("psci@0", &[]), ("psci", &[("", &b""[..])][..])] {
        let e = patch(&fdt, &Edits { add: &[bad], ..Edits::default() }, &mut out).unwrap_err();
        assert_eq!(e.kind, FdtErrorKind::BadEditName, "{bad:?}");
    }
}

#[test]
fn reads_the_four_spin_table_cpus_and_their_release_addresses() {
    let fdt = Fdt::new(SPIN_TABLE).unwrap();
    let found = cpus(&fdt).unwrap();
    let want: Vec<Cpu> = (0..4).map(|n| Cpu { mpidr: n, release: Some(0xd8 + 8 * n) }).collect();
    assert_eq!(found.as_slice(), want);
    assert!(found.all_spin_table());
}

#[test]
fn cpus_with_psci_have_no_release_address() {
    let out = stub_psci_edits();
    let found = cpus(&Fdt::new(&out).unwrap()).unwrap();
    assert_eq!(found.as_slice().len(), 4);
    assert!(found.as_slice().iter().all(|c| c.release.is_none()));
    assert!(!found.all_spin_table());
    let none = cpus(&Fdt::new(MINIMAL_32BIT).unwrap()).unwrap();
    assert!(none.as_slice().is_empty() && !none.all_spin_table());
}

#[test]
fn rejects_a_release_address_of_three_cells_at_its_node() {
    let dts = r#"/dts-v1/;
/ {
	#address-cells = <1>;
	#size-cells = <1>;
	cpus {
		#address-cells = <1>;
		#size-cells = <0>;
		cpu@1 {
			device_type = "cpu";
			reg = <1>;
			enable-method = "spin-table";
			cpu-release-addr = <0 0 0xe0>;
		};
	};
};
"#;
    let blob = dtc(dts);
    let fdt = Fdt::new(&blob).unwrap();
    let e = cpus(&fdt).unwrap_err();
    assert_eq!(e.kind, FdtErrorKind::BadPropertyLength { len: 12 });
    let node = fdt.find_node("/cpus/cpu@1").unwrap().unwrap();
    assert_eq!(e.offset, node.offset());
}
