//! [`patch`]: writes a new version-17 blob with `/chosen` and `/reserved-memory` edits.
//!
//! Output layout (the order dtc uses): header, memory reservation block (copied), structure
//! block (streamed from the input with the edits applied and `FDT_NOP`s dropped), strings
//! block (the input's, then any new names).

use crate::MemRange;
use zerocopy::IntoBytes;

use super::blob::RSV_ENTRY_LEN;
use super::header::{self, Layout, HEADER_LEN};
use super::names::Names;
use super::stream::{stream, ReservedCells};
use super::writer::{begin_node_size, prop_size, Writer};
use super::{Fdt, FdtError, FdtErrorKind};

/// What [`patch`] changes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Edits<'a> {
    /// Properties of `/chosen` to set (replacing any of the same name), in this order after
    /// the node's other properties; `/chosen` is created when missing. When a name repeats,
    /// the last value wins.
    pub chosen_set: &'a [(&'a str, &'a [u8])],
    /// Properties of `/chosen` to remove when present.
    pub chosen_remove: &'a [&'a str],
    /// Children to add to `/reserved-memory` (created when missing). A child of the same
    /// name already there (from an earlier patch) is replaced.
    pub reserve: &'a [Reservation<'a>],
    /// Names (without unit address) of `/reserved-memory` children to drop, whatever their
    /// unit address: the ones an earlier patch wrote for ranges that are no longer reserved.
    pub drop_reserved: &'a [&'a str],
    /// `(node, property, value)`: the value of `property` of the root's child `node` (name
    /// with or without unit address) is replaced where that property exists; nothing is added.
    /// For example `("psci", "method", b"hvc\0")`. `node` may also name a grandchild as
    /// `child/grandchild`, each part with or without unit address: `("cpus/cpu",
    /// "enable-method", b"psci\0")` replaces it in every `/cpus/cpu@N`.
    pub replace: &'a [(&'a str, &'a str, &'a [u8])],
    /// `(node, properties)`: a root child written, with these properties, before the root
    /// closes when the input has no root child of that name (with or without unit address).
    /// For example `/psci` for a resident stub that serves PSCI.
    pub add: &'a [NewNode<'a>],
}

/// A root child that [`Edits::add`] writes: its name and its properties in order.
pub type NewNode<'a> = (&'a str, &'a [(&'a str, &'a [u8])]);

/// At most this many [`Edits::add`] nodes.
pub const MAX_ADDED_NODES: usize = 8;

/// A `/reserved-memory` child: node `{name}@{base:x}` with `reg` in the parent's cells and
/// `no-map` when asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation<'a> {
    /// The node name without unit address, such as `"springboard"`.
    pub name: &'a str,
    /// The reserved range.
    pub range: MemRange,
    /// Whether the OS must not map the range at all (`no-map`).
    pub no_map: bool,
}

/// Name of the `/chosen` node created when the input has none.
pub(crate) const CHOSEN: &str = "chosen";
/// Name of the `/reserved-memory` node created when the input has none.
pub(crate) const RESERVED_MEMORY: &str = "reserved-memory";
/// Longest `reg` value written: two cells of address and two of size.
const MAX_REG_LEN: usize = 16;
/// Longest unit address: 16 hex digits.
const MAX_UNIT_LEN: usize = 16;

/// An upper bound of the size of [`patch`]'s output for `fdt` and `edits`.
pub fn patched_size_bound(fdt: &Fdt, edits: &Edits) -> usize {
    let layout = fdt.layout();
    let rsv = fdt.memreserve_end().unwrap_or(layout.totalsize) - layout.rsv_start;
    let structure = layout.struct_end - layout.struct_start;
    let strings = layout.strings_end - layout.strings_start;
    let new_names = Names::new(fdt.strings_block(), edits, true).appended_size();
    let set: usize = edits.chosen_set.iter().map(|(_, v)| prop_size(v.len())).sum::<usize>()
        + edits
            .replace
            .iter()
            .map(|(node, _, v)| matching_nodes(fdt, node) * prop_size(v.len()))
            .sum::<usize>();
    let added: usize = edits
        .add
        .iter()
        .map(|(name, props)| {
            begin_node_size(name.len())
                + props.iter().map(|(_, v)| prop_size(v.len())).sum::<usize>()
                + 4
        })
        .sum();
    let chosen = begin_node_size(CHOSEN.len()) + 4;
    let reserved_memory =
        begin_node_size(RESERVED_MEMORY.len()) + 2 * prop_size(4) + prop_size(0) + 4;
    let reservations: usize = edits
        .reserve
        .iter()
        .map(|r| {
            begin_node_size(r.name.len() + 1 + MAX_UNIT_LEN)
                + prop_size(MAX_REG_LEN)
                + prop_size(0)
                + 4
        })
        .sum();
    HEADER_LEN
        + rsv
        + structure
        + strings
        + new_names
        + set
        + added
        + chosen
        + reserved_memory
        + reservations
}

/// Writes `fdt` with `edits` applied into `out` and returns the output's `totalsize`. Every
/// node and property of the input is kept except those the edits replace or remove. Fails
/// (without panicking) when `out` is too small; [`patched_size_bound`] is always enough.
pub fn patch(fdt: &Fdt, edits: &Edits, out: &mut [u8]) -> Result<usize, FdtError> {
    check_names(edits)?;
    let reserved = ReservedCells::of(fdt)?;
    let names = Names::new(fdt.strings_block(), edits, reserved.create);
    let input = fdt.layout();
    let rsv_end = fdt.memreserve_end()?;

    let mut w = Writer::new(out);
    w.bytes(&[0; HEADER_LEN])?;
    let rsv_start = w.pos();
    w.bytes(&fdt.as_bytes()[input.rsv_start..rsv_end])?;
    let struct_start = w.pos();
    stream(fdt, edits, &names, &reserved, &mut w)?;
    let struct_end = w.pos();
    names.write(&mut w)?;
    let strings_end = w.pos();

    let layout = Layout {
        totalsize: strings_end,
        struct_start,
        struct_end,
        strings_start: struct_end,
        strings_end,
        rsv_start,
        boot_cpuid_phys: fdt.boot_cpuid_phys(),
    };
    if u32::try_from(strings_end).is_err() {
        let kind = FdtErrorKind::BadTotalSize { totalsize: u32::MAX, available: strings_end };
        return Err(FdtError::new(0, kind));
    }
    const _: () = assert!(HEADER_LEN % 8 == 0 && RSV_ENTRY_LEN % 8 == 0);
    let out = w.into_inner();
    out[..HEADER_LEN].copy_from_slice(header::build(&layout).as_bytes());
    Ok(strings_end)
}

/// How many nodes a [`Edits::replace`] node name matches (at least 1, so that an unreadable
/// blob still gets a bound that [`patch`] then refuses with its own error).
fn matching_nodes(fdt: &Fdt, node: &str) -> usize {
    let count = || -> Result<usize, FdtError> {
        let (first, second) = match node.split_once('/') {
            Some((first, second)) => (first, Some(second)),
            None => (node, None),
        };
        let mut n = 0;
        for child in fdt.root()?.children() {
            let child = child?;
            if !super::stream::is_node_name(child.name(), first) {
                continue;
            }
            match second {
                None => n += 1,
                Some(second) => {
                    for grandchild in child.children() {
                        n += usize::from(super::stream::is_node_name(grandchild?.name(), second));
                    }
                }
            }
        }
        Ok(n)
    };
    count().unwrap_or(0).max(1)
}

/// Rejects names that would corrupt the output: empty or NUL-containing property names, and
/// reservation names that are empty or hold NUL, `/` or `@`.
fn check_names(edits: &Edits) -> Result<(), FdtError> {
    let bad = FdtError::new(0, FdtErrorKind::BadEditName);
    let prop_ok = |n: &str| !n.is_empty() && !n.contains('\0');
    if !edits.chosen_set.iter().all(|(n, _)| prop_ok(n)) {
        return Err(bad);
    }
    let node_ok = |n: &str| prop_ok(n) && !n.contains(['/', '@']);
    if !edits.reserve.iter().all(|r| node_ok(r.name)) {
        return Err(bad);
    }
    let props_ok = |props: &[(&str, &[u8])]| props.iter().all(|(n, _)| prop_ok(n));
    if edits.add.len() > MAX_ADDED_NODES
        || !edits.add.iter().all(|(n, props)| node_ok(n) && props_ok(props))
    {
        return Err(bad);
    }
    Ok(())
}
