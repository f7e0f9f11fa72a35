//! `Fdt::new` on arbitrary bytes; on success, walking every node and property never fails,
//! every node is found again by its path, `reg` ranges never wrap, and `summarize` agrees with
//! what the walk read.
#![no_main]

use image_formats::fdt::{summarize, Fdt};
use libfuzzer_sys::fuzz_target;
use springboard_fuzz::tree::Tree;

fuzz_target!(|data: &[u8]| {
    let Ok(fdt) = Fdt::new(data) else {
        return;
    };
    assert!(fdt.totalsize() <= data.len());
    assert_eq!(fdt.as_bytes(), &data[..fdt.totalsize()]);
    assert_eq!(Fdt::totalsize_of(data).ok(), Some(fdt.totalsize()));
    let again = Fdt::new(fdt.as_bytes()).expect("a checked blob's own bytes check again");
    for range in fdt.memreserve() {
        if let Ok(range) = range {
            assert!(range.base.checked_add(range.size).is_some());
        }
    }
    let Some(tree) = Tree::read(&fdt) else {
        return;
    };
    assert_eq!(Tree::read(&again).as_ref(), Some(&tree));
    assert_eq!(tree.name, "", "the root has an empty name");

    let mut path = Vec::new();
    tree.walk(&mut path, &mut |components, _| {
        if components.iter().any(|c| c.is_empty() || c.contains('/')) {
            return;
        }
        let path = format!("/{}", components.join("/"));
        let node = fdt.find_node(&path).expect("lookups in a checked blob do not fail");
        // libfdt's rule: at each level the first child whose name matches.
        let expected = find(&tree, components);
        assert_eq!(node.map(|n| n.name()), expected.map(|t| t.name.as_str()), "{path}");
        let Some(node) = node else {
            return;
        };
        if let Ok(reg) = node.reg() {
            for range in reg {
                assert!(range.base.checked_add(range.size).is_some(), "{path}: {range:?}");
            }
        }
        let _ = node.child_cells();
        let _ = node.is_compatible("arm,pl011");
    });

    let Ok(summary) = summarize(&fdt) else {
        return;
    };
    let chosen = tree.children.iter().find(|c| c.name == "chosen" || c.name.starts_with("chosen@"));
    let text = |node: Option<&Tree>, name: &str| {
        let value = node?.prop(name)?;
        let end = value.iter().position(|&b| b == 0)?;
        core::str::from_utf8(&value[..end]).ok().map(str::to_owned)
    };
    assert_eq!(summary.bootargs.map(str::to_owned), text(chosen, "bootargs"));
    assert_eq!(summary.stdout_path.map(str::to_owned), text(chosen, "stdout-path"));
    let root_compatible = text(Some(&tree), "compatible");
    assert_eq!(summary.compatible.map(str::to_owned), root_compatible);
    for list in [
        summary.memory.as_slice(),
        summary.memreserve.as_slice(),
        summary.reserved_memory.as_slice(),
    ] {
        for range in list {
            assert!(range.base.checked_add(range.size).is_some(), "{range:?}");
        }
    }
    let memreserve: Vec<_> = fdt.memreserve().map(|r| r.expect("summarize read them")).collect();
    assert_eq!(summary.memreserve.as_slice(), memreserve.as_slice());
    if let Some(initrd) = summary.initrd {
        assert!(initrd.base.checked_add(initrd.size).is_some());
    }
});

/// The node at `components` by the first-match rule of `Fdt::find_node`: a component without
/// `@` also matches a name with a unit address.
fn find<'t>(tree: &'t Tree, components: &[&str]) -> Option<&'t Tree> {
    let mut node = tree;
    for component in components {
        let matches = |name: &str| {
            name == *component
                || (!component.contains('@') && name.split('@').next() == Some(*component))
        };
        node = node.children.iter().find(|c| matches(&c.name))?;
    }
    Some(node)
}
