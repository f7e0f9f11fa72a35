//! `fdt::patch` with `Edits` built from the fuzz data. The input is a DTB followed by the bytes
//! that choose the edits (so real DTBs are seeds as they are). The output must fit in
//! `patched_size_bound`, re-parse, keep the memory reservation block, and equal a model of the
//! edits: nodes the edits do not touch are identical, property by property.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use image_formats::fdt::{patch, patched_size_bound, Edits, Fdt, FdtErrorKind, Reservation};
use image_formats::MemRange;
use libfuzzer_sys::fuzz_target;
use springboard_fuzz::tree::Tree;

/// Property and node names that real edits use, so the fuzzer meets the interesting cases.
const NAMES: &[&str] = &[
    "bootargs",
    "linux,initrd-start",
    "linux,initrd-end",
    "stdout-path",
    "rng-seed",
    "kaslr-seed",
    "method",
    "reg",
    "compatible",
    "status",
    "springboard",
    "springboard-bundle",
    "psci",
    "chosen",
    "reserved-memory",
    "memory",
    "no-map",
    "#address-cells",
    "ranges",
];

fn name(u: &mut Unstructured) -> arbitrary::Result<String> {
    if u.ratio(3, 4)? {
        Ok(u.choose(NAMES)?.to_string())
    } else {
        String::arbitrary(u)
    }
}

fn value(u: &mut Unstructured) -> arbitrary::Result<Vec<u8>> {
    let len = u.int_in_range(0..=24)?;
    Ok(u.bytes(len)?.to_vec())
}

fn small_vec<T>(
    u: &mut Unstructured,
    f: impl Fn(&mut Unstructured) -> arbitrary::Result<T>,
) -> arbitrary::Result<Vec<T>> {
    let n = u.int_in_range(0..=4)?;
    (0..n).map(|_| f(u)).collect()
}

struct Owned {
    set: Vec<(String, Vec<u8>)>,
    remove: Vec<String>,
    reserve: Vec<(String, u64, u64, bool)>,
    drop: Vec<String>,
    replace: Vec<(String, String, Vec<u8>)>,
}

fn owned(u: &mut Unstructured) -> arbitrary::Result<Owned> {
    let addr = |u: &mut Unstructured| -> arbitrary::Result<u64> {
        Ok(if u.ratio(1, 4)? { u64::arbitrary(u)? } else { u64::from(u32::arbitrary(u)?) << 12 })
    };
    Ok(Owned {
        set: small_vec(u, |u| Ok((name(u)?, value(u)?)))?,
        remove: small_vec(u, name)?,
        reserve: small_vec(u, |u| Ok((name(u)?, addr(u)?, addr(u)?, bool::arbitrary(u)?)))?,
        drop: small_vec(u, name)?,
        replace: small_vec(u, |u| Ok((name(u)?, name(u)?, value(u)?)))?,
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(fdt) = Fdt::new(data) else {
        return;
    };
    let Ok(o) = owned(&mut Unstructured::new(&data[fdt.totalsize()..])) else {
        return;
    };
    let set: Vec<(&str, &[u8])> = o.set.iter().map(|(n, v)| (n.as_str(), v.as_slice())).collect();
    let remove: Vec<&str> = o.remove.iter().map(String::as_str).collect();
    let reserve: Vec<Reservation> = o
        .reserve
        .iter()
        .map(|(n, base, size, no_map)| Reservation {
            name: n.as_str(),
            range: MemRange { base: *base, size: *size },
            no_map: *no_map,
        })
        .collect();
    let drop: Vec<&str> = o.drop.iter().map(String::as_str).collect();
    let replace: Vec<(&str, &str, &[u8])> =
        o.replace.iter().map(|(n, p, v)| (n.as_str(), p.as_str(), v.as_slice())).collect();
    let edits = Edits {
        chosen_set: &set,
        chosen_remove: &remove,
        reserve: &reserve,
        drop_reserved: &drop,
        replace: &replace,
        ..Edits::default()
    };

    let bound = patched_size_bound(&fdt, &edits);
    let mut out = vec![0u8; bound];
    let written = match patch(&fdt, &edits, &mut out) {
        Ok(n) => n,
        Err(e) => {
            // Running out of room would mean the bound is wrong.
            assert!(!matches!(e.kind, FdtErrorKind::OutputTooSmall { .. }), "{e:?} with {bound}");
            return;
        }
    };
    assert!(written <= bound, "wrote {written} > bound {bound}");
    let patched = Fdt::new(&out[..written]).expect("the patched blob parses");
    assert_eq!(patched.totalsize(), written);
    assert_eq!(patched.boot_cpuid_phys(), fdt.boot_cpuid_phys());
    assert!(patched.memreserve().eq(fdt.memreserve()), "memory reservations changed");

    let (Some(input), Some(output)) = (Tree::read(&fdt), Tree::read(&patched)) else {
        return;
    };
    let Some(expected) = model(&input, &edits) else {
        return;
    };
    assert_eq!(output, expected);
});

/// What `patch` should produce, from its documentation: `None` for edits the model leaves to
/// the implementation (a reservation whose range does not fit the cells is an error there).
fn model(input: &Tree, edits: &Edits) -> Option<Tree> {
    let mut root = input.clone();
    let chosen_at = root.children.iter().position(|c| c.name == "chosen");
    let reserved_at = root.children.iter().position(|c| c.name == "reserved-memory");
    let cells = match reserved_at {
        Some(i) => cells_of(&root.children[i]),
        None => cells_of(&root),
    };
    for child in &mut root.children {
        let replaced: Vec<(String, Vec<u8>)> = child
            .props
            .iter()
            .map(|(name, old)| {
                let new = edits.replace.iter().rev().find(|(node, prop, _)| {
                    *prop == name
                        && (child.name == *node
                            || child.name.split_once('@').is_some_and(|(b, _)| b == *node))
                });
                (name.clone(), new.map_or_else(|| old.clone(), |(_, _, v)| v.to_vec()))
            })
            .collect();
        child.props = replaced;
    }
    let chosen_props = || -> Vec<(String, Vec<u8>)> {
        let set = edits.chosen_set;
        set.iter()
            .enumerate()
            .filter(|(i, (n, _))| !set[i + 1..].iter().any(|(later, _)| later == n))
            .map(|(_, (n, v))| (n.to_string(), v.to_vec()))
            .collect()
    };
    match chosen_at {
        Some(i) => {
            let chosen = &mut root.children[i];
            chosen.props.retain(|(n, _)| {
                !edits.chosen_set.iter().any(|(s, _)| s == n)
                    && !edits.chosen_remove.contains(&n.as_str())
            });
            chosen.props.extend(chosen_props());
        }
        None if !edits.chosen_set.is_empty() => root.children.push(Tree {
            name: "chosen".into(),
            props: chosen_props(),
            children: vec![],
        }),
        None => {}
    }
    let mut reservations = Vec::new();
    for (i, r) in edits.reserve.iter().enumerate() {
        let later = &edits.reserve[i + 1..];
        if later.iter().any(|o| o.name == r.name && o.range.base == r.range.base) {
            continue;
        }
        let mut reg = cells_bytes(r.range.base, cells.0)?;
        reg.extend(cells_bytes(r.range.size, cells.1)?);
        let mut props = vec![("reg".to_string(), reg)];
        if r.no_map {
            props.push(("no-map".to_string(), vec![]));
        }
        reservations.push(Tree {
            name: format!("{}@{:x}", r.name, r.range.base),
            props,
            children: vec![],
        });
    }
    match reserved_at {
        Some(i) => {
            let node = &mut root.children[i];
            node.children.retain(|c| {
                let base = c.name.split_once('@').map_or(c.name.as_str(), |(b, _)| b);
                !edits.drop_reserved.contains(&base)
                    && !edits
                        .reserve
                        .iter()
                        .any(|r| c.name == format!("{}@{:x}", r.name, r.range.base))
            });
            node.children.extend(reservations);
        }
        None if !edits.reserve.is_empty() => {
            let props = vec![
                ("#address-cells".to_string(), cells.0.to_be_bytes().to_vec()),
                ("#size-cells".to_string(), cells.1.to_be_bytes().to_vec()),
                ("ranges".to_string(), vec![]),
            ];
            root.children.push(Tree {
                name: "reserved-memory".into(),
                props,
                children: reservations,
            });
        }
        None => {}
    }
    Some(root)
}

/// A node's `(#address-cells, #size-cells)` for its children, defaults 2 and 1.
fn cells_of(node: &Tree) -> (u32, u32) {
    let cell = |name, default| {
        node.prop(name)
            .and_then(|v| Some(u32::from_be_bytes(v.try_into().ok()?)))
            .unwrap_or(default)
    };
    (cell("#address-cells", 2), cell("#size-cells", 1))
}

/// `value` as `cells` big-endian cells, when it fits.
fn cells_bytes(value: u64, cells: u32) -> Option<Vec<u8>> {
    match cells {
        1 => Some(u32::try_from(value).ok()?.to_be_bytes().to_vec()),
        2 => Some(value.to_be_bytes().to_vec()),
        0 if value == 0 => Some(vec![]),
        _ => None,
    }
}
