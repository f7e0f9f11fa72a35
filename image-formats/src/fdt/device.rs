//! Devices as the CPU sees them: a node's first `reg`, translated through every parent bus's
//! `ranges` (Devicetree Specification v0.4, 2.3.8) to a CPU physical address. Debian's
//! Raspberry Pi DTBs, for one, give their UARTs as VideoCore bus addresses (0x7e215040) that
//! `/soc`'s `ranges` map to where the CPU sees them (0x3f215040).

use super::cells::read_cells;
use super::node::name_matches;
use super::{Fdt, FdtError, FdtErrorKind, Node};
use crate::MemRange;

/// How deep a device may sit below the root (the deepest in Debian's 768 DTBs is 6).
pub const MAX_DEPTH: usize = 16;

/// A device node: its `compatible` strings and its first `reg` range as the CPU sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Device<'a> {
    /// The first string of its `compatible`.
    pub compatible: &'a str,
    /// Its first `reg` range, translated to a CPU physical address.
    pub reg: MemRange,
    /// The whole `compatible` list.
    compatibles: &'a str,
}

impl Device<'_> {
    /// Whether one of its `compatible` strings is `compatible`.
    pub fn is_compatible(&self, compatible: &str) -> bool {
        self.compatibles.split('\0').any(|c| c == compatible)
    }
}

/// The device at `path` (an absolute path), when the node exists, is enabled, has a
/// `compatible` and a `reg`, and every bus above it translates its address.
pub fn device_at<'a>(fdt: &Fdt<'a>, path: &str) -> Result<Option<Device<'a>>, FdtError> {
    let Some(rest) = path.strip_prefix('/') else {
        return Ok(None);
    };
    let mut line = Lineage::new(fdt.root()?);
    for component in rest.split('/').filter(|c| !c.is_empty()) {
        let mut found = None;
        for child in line.last().children() {
            let child = child?;
            if name_matches(child.name(), component) {
                found = Some(child);
                break;
            }
        }
        match found {
            Some(child) => line.push(child)?,
            None => return Ok(None),
        }
    }
    line.device()
}

/// The first enabled device, in blob order, that the CPU can reach and `accept` takes.
/// Nodes deeper than [`MAX_DEPTH`] are not visited.
pub fn first_device<'a>(
    fdt: &Fdt<'a>,
    accept: impl Fn(&Device<'a>) -> bool,
) -> Result<Option<Device<'a>>, FdtError> {
    // Depth-first, in blob order: `stack[i]` holds the children of `line`'s node i still to
    // visit.
    let root = fdt.root()?;
    let mut line = Lineage::new(root);
    let mut stack: [_; MAX_DEPTH] = core::array::from_fn(|_| root.children());
    let mut depth = 1;
    while depth > 0 {
        let Some(child) = stack[depth - 1].next() else {
            depth -= 1;
            line.len = depth;
            continue;
        };
        let child = child?;
        line.len = depth;
        line.push(child)?;
        if let Some(device) = line.device()? {
            if accept(&device) {
                return Ok(Some(device));
            }
        }
        if depth < MAX_DEPTH {
            stack[depth] = child.children();
            depth += 1;
        }
    }
    Ok(None)
}

/// A node with its ancestors, root first.
struct Lineage<'a> {
    nodes: [Node<'a>; MAX_DEPTH + 1],
    len: usize,
}

impl<'a> Lineage<'a> {
    fn new(root: Node<'a>) -> Self {
        Lineage { nodes: [root; MAX_DEPTH + 1], len: 1 }
    }

    fn last(&self) -> Node<'a> {
        self.nodes[self.len - 1]
    }

    fn push(&mut self, node: Node<'a>) -> Result<(), FdtError> {
        let slot = self
            .nodes
            .get_mut(self.len)
            .ok_or(FdtError::new(node.offset(), FdtErrorKind::TooDeep { max_depth: MAX_DEPTH }))?;
        *slot = node;
        self.len += 1;
        Ok(())
    }

    /// The last node as a device, when it is one the CPU can reach.
    fn device(&self) -> Result<Option<Device<'a>>, FdtError> {
        let node = self.last();
        let enabled = matches!(node.str_property("status")?, None | Some("okay" | "ok"));
        let Some(compatible) = node.str_property("compatible")? else {
            return Ok(None);
        };
        // The whole list: every string, NUL-separated (the first was checked above).
        let (list, at) = node.property_at("compatible")?.unwrap_or_default();
        let compatibles = core::str::from_utf8(list.strip_suffix(&[0]).unwrap_or(list))
            .map_err(|_| FdtError::new(at, FdtErrorKind::NotUtf8))?;
        let Some(reg) = node.reg()?.next() else {
            return Ok(None);
        };
        if !enabled || self.len < 2 {
            return Ok(None);
        }
        let Some(base) = self.translate(reg.base)? else {
            return Ok(None);
        };
        Ok(Some(Device { compatible, reg: MemRange { base, size: reg.size }, compatibles }))
    }

    /// `addr`, in the address space of the last node's parent, as a CPU address: through each
    /// bus's `ranges` up to the root. `None` when a bus has no `ranges` (its children are not
    /// memory-mapped) or none of its windows holds the address.
    fn translate(&self, mut addr: u64) -> Result<Option<u64>, FdtError> {
        // The buses are the ancestors below the root, innermost first.
        for i in (1..self.len - 1).rev() {
            let (bus, above) = (self.nodes[i], self.nodes[i - 1]);
            let Some((ranges, at)) = bus.property_at("ranges")? else {
                return Ok(None);
            };
            if ranges.is_empty() {
                continue;
            }
            let (child_cells, size_cells) = bus.child_cells()?;
            let parent_cells = above.child_cells()?.0;
            match window(ranges, at, [child_cells, parent_cells, size_cells], addr)? {
                Some(translated) => addr = translated,
                None => return Ok(None),
            }
        }
        Ok(Some(addr))
    }
}

/// `addr` through the `ranges` entry (child address, parent address, size; cell counts in
/// `cells`) whose window holds it.
fn window(ranges: &[u8], at: usize, cells: [u32; 3], addr: u64) -> Result<Option<u64>, FdtError> {
    let [child_cells, parent_cells, size_cells] = cells;
    let entry = (child_cells + parent_cells + size_cells) as usize * 4;
    let unsupported = cells.iter().any(|&c| c > 2) || entry == 0;
    if unsupported {
        let kind = FdtErrorKind::UnsupportedCells { address_cells: child_cells, size_cells };
        return Err(FdtError::new(at, kind));
    }
    if ranges.len() % entry != 0 {
        return Err(FdtError::new(at, FdtErrorKind::BadPropertyLength { len: ranges.len() }));
    }
    for chunk in ranges.chunks_exact(entry) {
        let bad = FdtError::new(at, FdtErrorKind::BadPropertyLength { len: ranges.len() });
        let (child, rest) = read_cells(chunk, child_cells).ok_or(bad)?;
        let (parent, rest) = read_cells(rest, parent_cells).ok_or(bad)?;
        let (size, _) = read_cells(rest, size_cells).ok_or(bad)?;
        if addr >= child && addr - child < size {
            return Ok(parent.checked_add(addr - child));
        }
    }
    Ok(None)
}
