//! [`Node`]: one node of a validated tree, its properties, children and `reg`.

use super::cells::{be_u32, read_cells};
use super::walk::{Cursor, Token};
use super::{Fdt, FdtError, FdtErrorKind};
use crate::MemRange;

/// `#address-cells` when the parent does not say (Devicetree Specification v0.4, 2.3.5).
pub(crate) const DEFAULT_ADDRESS_CELLS: u32 = 2;
/// `#size-cells` when the parent does not say (2.3.5).
pub(crate) const DEFAULT_SIZE_CELLS: u32 = 1;

/// A node of an [`Fdt`].
#[derive(Debug, Clone, Copy)]
pub struct Node<'a> {
    fdt: Fdt<'a>,
    name: &'a str,
    /// Offset of the node's `FDT_BEGIN_NODE`.
    offset: usize,
    /// Offset of the first token after the name.
    body: usize,
    /// Offset of the parent's `FDT_BEGIN_NODE` (`None` for the root).
    parent: Option<usize>,
}

impl<'a> Node<'a> {
    /// A node whose `FDT_BEGIN_NODE` is at `offset` and whose first inner token is at `body`.
    pub(crate) fn new(
        fdt: Fdt<'a>,
        name: &'a str,
        offset: usize,
        body: usize,
        parent: Option<usize>,
    ) -> Self {
        Node { fdt, name, offset, body, parent }
    }

    /// The node's name with its unit address (`"pl011@9000000"`); `""` for the root.
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// Offset in the blob of the node's `FDT_BEGIN_NODE` token.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The node's properties as `(name, value)`, in blob order.
    pub fn properties(&self) -> Properties<'a> {
        Properties { cursor: Some(Cursor::at(self.fdt, self.body)) }
    }

    /// The node's direct children, in blob order.
    pub fn children(&self) -> Children<'a> {
        Children { cursor: Some(Cursor::at(self.fdt, self.body)), depth: 0, parent: self.offset }
    }

    /// The value of property `name`, if the node has it.
    pub fn property(&self, name: &str) -> Result<Option<&'a [u8]>, FdtError> {
        Ok(self.property_at(name)?.map(|(value, _)| value))
    }

    /// The value of property `name` and the value's offset in the blob.
    pub(crate) fn property_at(&self, name: &str) -> Result<Option<(&'a [u8], usize)>, FdtError> {
        let mut cursor = Cursor::at(self.fdt, self.body);
        loop {
            match cursor.next_token()?.1 {
                Token::Prop { name: n, value, value_offset, .. } if n == name => {
                    return Ok(Some((value, value_offset)))
                }
                Token::Prop { .. } => {}
                Token::Begin { .. } | Token::End | Token::Finish => return Ok(None),
            }
        }
    }

    /// The first string of property `name` (a string or string list), if present. The value
    /// must be NUL-terminated UTF-8.
    pub fn str_property(&self, name: &str) -> Result<Option<&'a str>, FdtError> {
        let Some((value, at)) = self.property_at(name)? else {
            return Ok(None);
        };
        let bad_len = FdtError::new(at, FdtErrorKind::BadPropertyLength { len: value.len() });
        let len = value.iter().position(|&b| b == 0).ok_or(bad_len)?;
        let text = core::str::from_utf8(&value[..len])
            .map_err(|_| FdtError::new(at, FdtErrorKind::NotUtf8))?;
        Ok(Some(text))
    }

    /// Property `name` as one big-endian `u32` cell, if present.
    pub fn u32_property(&self, name: &str) -> Result<Option<u32>, FdtError> {
        let Some((value, at)) = self.property_at(name)? else {
            return Ok(None);
        };
        be_u32(value)
            .map(Some)
            .ok_or(FdtError::new(at, FdtErrorKind::BadPropertyLength { len: value.len() }))
    }

    /// This node's `(#address-cells, #size-cells)`, which apply to its children's `reg`
    /// (defaults 2 and 1).
    pub fn child_cells(&self) -> Result<(u32, u32), FdtError> {
        let address = self.u32_property("#address-cells")?;
        let size = self.u32_property("#size-cells")?;
        Ok((address.unwrap_or(DEFAULT_ADDRESS_CELLS), size.unwrap_or(DEFAULT_SIZE_CELLS)))
    }

    /// The parent node (`None` for the root). The node returned does not know its own parent,
    /// which is all [`Node::reg`] needs.
    pub(crate) fn parent(&self) -> Result<Option<Node<'a>>, FdtError> {
        let Some(at) = self.parent else {
            return Ok(None);
        };
        let mut cursor = Cursor::at(self.fdt, at);
        match cursor.next_token()? {
            (_, Token::Begin { name }) => {
                Ok(Some(Node::new(self.fdt, name, at, cursor.pos(), None)))
            }
            (at, t) => Err(FdtError::new(at, FdtErrorKind::BadToken { token: t.code() })),
        }
    }

    /// The `reg` ranges, decoded with the parent's `#address-cells`/`#size-cells` (defaults
    /// 2/1; the root uses the defaults). Empty when there is no `reg`. Every entry is checked
    /// here (whole entries, at most 2 cells each, no wrap), so iterating cannot fail.
    pub fn reg(&self) -> Result<RegIter<'a>, FdtError> {
        let Some((data, at)) = self.property_at("reg")? else {
            return Ok(RegIter { data: &[], address_cells: 0, size_cells: 0 });
        };
        let (address_cells, size_cells) = match self.parent()? {
            Some(parent) => parent.child_cells()?,
            None => (DEFAULT_ADDRESS_CELLS, DEFAULT_SIZE_CELLS),
        };
        let supported = address_cells <= 2 && size_cells <= 2 && address_cells + size_cells > 0;
        if !supported {
            let kind = FdtErrorKind::UnsupportedCells { address_cells, size_cells };
            return Err(FdtError::new(at, kind));
        }
        let entry = (address_cells + size_cells) as usize * 4;
        if data.len() % entry != 0 {
            return Err(FdtError::new(at, FdtErrorKind::BadPropertyLength { len: data.len() }));
        }
        let iter = RegIter { data, address_cells, size_cells };
        for (i, range) in iter.clone().enumerate() {
            super::range::checked(range.base, range.size, at + i * entry)?;
        }
        Ok(iter)
    }

    /// Whether one of the strings of `compatible` equals `compat`.
    pub fn is_compatible(&self, compat: &str) -> Result<bool, FdtError> {
        let Some(value) = self.property("compatible")? else {
            return Ok(false);
        };
        Ok(value.split(|&b| b == 0).any(|s| s == compat.as_bytes()))
    }
}

/// Whether a node called `name` is what path component `component` asks for: the same name,
/// or, when `component` has no unit address, the same name before `@`.
pub(crate) fn name_matches(name: &str, component: &str) -> bool {
    name == component || (!component.contains('@') && name.split('@').next() == Some(component))
}

/// The ranges of a `reg` property; see [`Node::reg`].
#[derive(Debug, Clone)]
pub struct RegIter<'a> {
    data: &'a [u8],
    address_cells: u32,
    size_cells: u32,
}

impl Iterator for RegIter<'_> {
    type Item = MemRange;

    fn next(&mut self) -> Option<MemRange> {
        if self.data.is_empty() {
            return None;
        }
        let (base, rest) = read_cells(self.data, self.address_cells)?;
        let (size, rest) = read_cells(rest, self.size_cells)?;
        self.data = rest;
        Some(MemRange { base, size })
    }
}

/// The properties of a node; see [`Node::properties`].
pub struct Properties<'a> {
    cursor: Option<Cursor<'a>>,
}

impl<'a> Iterator for Properties<'a> {
    type Item = Result<(&'a str, &'a [u8]), FdtError>;

    fn next(&mut self) -> Option<Self::Item> {
        let cursor = self.cursor.as_mut()?;
        let item = match cursor.next_token() {
            Ok((_, Token::Prop { name, value, .. })) => Some(Ok((name, value))),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        };
        if !matches!(item, Some(Ok(_))) {
            self.cursor = None;
        }
        item
    }
}

/// The direct children of a node; see [`Node::children`].
pub struct Children<'a> {
    cursor: Option<Cursor<'a>>,
    depth: u32,
    parent: usize,
}

impl<'a> Iterator for Children<'a> {
    type Item = Result<Node<'a>, FdtError>;

    fn next(&mut self) -> Option<Self::Item> {
        let cursor = self.cursor.as_mut()?;
        loop {
            let (at, token) = match cursor.next_token() {
                Ok(t) => t,
                Err(e) => {
                    self.cursor = None;
                    return Some(Err(e));
                }
            };
            match token {
                Token::Begin { name } => {
                    self.depth += 1;
                    if self.depth == 1 {
                        let fdt = cursor.fdt();
                        return Some(Ok(Node::new(fdt, name, at, cursor.pos(), Some(self.parent))));
                    }
                }
                Token::End if self.depth > 0 => self.depth -= 1,
                Token::Prop { .. } => {}
                Token::End | Token::Finish => {
                    self.cursor = None;
                    return None;
                }
            }
        }
    }
}
