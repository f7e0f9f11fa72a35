//! The structure-block copy at the heart of [`super::patch`]: tokens are streamed from the
//! input to the output, NOPs dropped, `/chosen` and `/reserved-memory` edited on the way.

use super::cells::write_cells;
use super::names::Names;
use super::patch::{Edits, Reservation, CHOSEN, RESERVED_MEMORY};
use super::walk::{Cursor, Token, FDT_END};
use super::writer::{is_unit_name, Writer};
use super::{Fdt, FdtError, FdtErrorKind};

/// The cells that `/reserved-memory` children use.
pub(crate) struct ReservedCells {
    address: u32,
    size: u32,
    /// Offset of the node these cells come from (`/reserved-memory`, or the root when it is
    /// created), for errors.
    offset: usize,
    /// Whether `/reserved-memory` is missing and must be created.
    pub create: bool,
}

impl ReservedCells {
    /// The cells of the input's `/reserved-memory`; when it is missing, the root's, because
    /// Linux (`drivers/of/of_reserved_mem.c`, `__reserved_mem_check_root`) ignores a
    /// `/reserved-memory` whose cells differ from the root's.
    pub(crate) fn of(fdt: &Fdt<'_>) -> Result<Self, FdtError> {
        let (node, create) = match fdt.find_node("/reserved-memory")? {
            Some(node) => (node, false),
            None => (fdt.root()?, true),
        };
        let (address, size) = node.child_cells()?;
        Ok(ReservedCells { address, size, offset: node.offset(), create })
    }
}

/// Where the stream is relative to the two edited nodes.
#[derive(Default)]
struct State<'a> {
    depth: u32,
    /// Inside the (first) root child called `chosen`.
    in_chosen: bool,
    /// `/chosen`'s new properties are written.
    chosen_done: bool,
    seen_chosen: bool,
    in_reserved: bool,
    seen_reserved: bool,
    /// Depth inside a replaced `/reserved-memory` child being skipped (0: not skipping).
    skipping: u32,
    /// The root's child being streamed (depth 2), for `Edits::replace`.
    node: &'a str,
    /// Its child being streamed (depth 3), for `Edits::replace` of `child/grandchild`.
    grandchild: &'a str,
    /// Bit `i`: the input has a root child called like `Edits::add[i]`.
    seen_added: u32,
}

impl State<'_> {
    /// Whether the property being streamed belongs to the node `wanted` names (`child` or
    /// `child/grandchild`).
    fn in_node(&self, wanted: &str) -> bool {
        match wanted.split_once('/') {
            Some((child, grandchild)) => {
                self.depth == 3
                    && is_node_name(self.node, child)
                    && is_node_name(self.grandchild, grandchild)
            }
            None => self.depth == 2 && is_node_name(self.node, wanted),
        }
    }
}

/// Streams the input's structure block into `w` with `edits` applied.
pub(crate) fn stream(
    fdt: &Fdt<'_>,
    edits: &Edits,
    names: &Names,
    cells: &ReservedCells,
    w: &mut Writer<'_>,
) -> Result<(), FdtError> {
    let mut cursor = Cursor::at(*fdt, fdt.layout().struct_start);
    let mut s = State::default();
    loop {
        let token = cursor.next_token()?.1;
        if s.skipping > 0 {
            match token {
                Token::Begin { .. } => s.skipping += 1,
                Token::End => s.skipping -= 1,
                Token::Prop { .. } | Token::Finish => {}
            }
            continue;
        }
        match token {
            Token::Begin { name } => {
                if s.in_chosen && s.depth == 2 && !s.chosen_done {
                    write_chosen(edits, names, w)?;
                    s.chosen_done = true;
                }
                if s.in_reserved && s.depth == 2 && replaced(edits, name) {
                    s.skipping = 1;
                    continue;
                }
                s.depth += 1;
                if s.depth == 2 {
                    s.node = name;
                    for (i, (added, _)) in edits.add.iter().enumerate() {
                        if is_node_name(name, added) {
                            s.seen_added |= 1 << i;
                        }
                    }
                }
                if s.depth == 3 {
                    s.grandchild = name;
                }
                if s.depth == 2 && name == CHOSEN && !s.seen_chosen {
                    (s.in_chosen, s.seen_chosen) = (true, true);
                }
                if s.depth == 2 && name == RESERVED_MEMORY && !s.seen_reserved {
                    (s.in_reserved, s.seen_reserved) = (true, true);
                }
                w.begin_node(name)?;
            }
            Token::Prop { name, nameoff, value, .. } => {
                let edited = edits.chosen_set.iter().any(|(n, _)| *n == name)
                    || edits.chosen_remove.contains(&name);
                let replacement = edits
                    .replace
                    .iter()
                    .rev()
                    .find(|(node, prop, _)| *prop == name && s.in_node(node))
                    .map(|(_, _, value)| *value);
                if let Some(value) = replacement {
                    w.prop(nameoff, value)?;
                } else if !(s.in_chosen && s.depth == 2 && edited) {
                    w.prop(nameoff, value)?;
                }
            }
            Token::End => {
                if s.depth == 2 && s.in_chosen {
                    if !s.chosen_done {
                        write_chosen(edits, names, w)?;
                        s.chosen_done = true;
                    }
                    s.in_chosen = false;
                }
                if s.depth == 2 && s.in_reserved {
                    write_reservations(edits, names, cells, w)?;
                    s.in_reserved = false;
                }
                if s.depth == 1 {
                    close_root(&s, edits, names, cells, w)?;
                }
                s.depth = s.depth.saturating_sub(1);
                w.end_node()?;
            }
            Token::Finish => return w.u32(FDT_END),
        }
    }
}

/// Creates `/chosen`, `/reserved-memory` and the added nodes before the root closes, when they
/// were missing and the edits need them.
fn close_root(
    s: &State<'_>,
    edits: &Edits,
    names: &Names,
    cells: &ReservedCells,
    w: &mut Writer<'_>,
) -> Result<(), FdtError> {
    if !s.seen_chosen && !edits.chosen_set.is_empty() {
        w.begin_node(CHOSEN)?;
        write_chosen(edits, names, w)?;
        w.end_node()?;
    }
    for (i, (name, props)) in edits.add.iter().enumerate() {
        if s.seen_added & 1 << i == 0 {
            w.begin_node(name)?;
            for (prop, value) in props.iter() {
                w.prop(names.offset(prop), value)?;
            }
            w.end_node()?;
        }
    }
    if !s.seen_reserved && !edits.reserve.is_empty() {
        w.begin_node(RESERVED_MEMORY)?;
        w.prop(names.offset("#address-cells"), &cells.address.to_be_bytes())?;
        w.prop(names.offset("#size-cells"), &cells.size.to_be_bytes())?;
        w.prop(names.offset("ranges"), &[])?;
        write_reservations(edits, names, cells, w)?;
        w.end_node()?;
    }
    Ok(())
}

/// Whether the node called `actual` (maybe with a unit address) is the one `wanted` names.
pub(crate) fn is_node_name(actual: &str, wanted: &str) -> bool {
    actual == wanted || actual.split_once('@').is_some_and(|(base, _)| base == wanted)
}

/// Whether a `/reserved-memory` child called `name` is one the edits write anew or drop.
fn replaced(edits: &Edits, name: &str) -> bool {
    let base = name.split_once('@').map_or(name, |(base, _)| base);
    edits.drop_reserved.contains(&base)
        || edits.reserve.iter().any(|r| is_unit_name(name, r.name, r.range.base))
}

/// The `chosen_set` properties, each name once (its last value).
fn write_chosen(edits: &Edits, names: &Names, w: &mut Writer<'_>) -> Result<(), FdtError> {
    let set = edits.chosen_set;
    for (i, (name, value)) in set.iter().enumerate() {
        if !set[i + 1..].iter().any(|(later, _)| later == name) {
            w.prop(names.offset(name), value)?;
        }
    }
    Ok(())
}

/// One child node per reservation, each name once (its last range).
fn write_reservations(
    edits: &Edits,
    names: &Names,
    cells: &ReservedCells,
    w: &mut Writer<'_>,
) -> Result<(), FdtError> {
    let all = edits.reserve;
    for (i, r) in all.iter().enumerate() {
        let same_node = |o: &Reservation| o.name == r.name && o.range.base == r.range.base;
        if all[i + 1..].iter().any(same_node) {
            continue;
        }
        let mut reg = [0u8; 16];
        let address = write_cells(&mut reg, r.range.base, cells.address);
        let size =
            address.and_then(|a| Some(a + write_cells(&mut reg[a..], r.range.size, cells.size)?));
        let Some(len) = size else {
            let kind = FdtErrorKind::RangeDoesNotFit {
                base: r.range.base,
                size: r.range.size,
                address_cells: cells.address,
                size_cells: cells.size,
            };
            return Err(FdtError::new(cells.offset, kind));
        };
        w.begin_node_at(r.name, r.range.base)?;
        w.prop(names.offset("reg"), &reg[..len])?;
        if r.no_map {
            w.prop(names.offset("no-map"), &[])?;
        }
        w.end_node()?;
    }
    Ok(())
}
