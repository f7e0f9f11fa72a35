//! [`Fdt`]: a validated DTB borrowed from a byte slice.

use super::header::{self, Layout};
use super::node::{name_matches, Node};
use super::walk::{self, Cursor, Token};
use super::{FdtError, FdtErrorKind};
use crate::MemRange;

/// Size of one memory reservation entry: two big-endian `u64` (5.3).
pub(crate) const RSV_ENTRY_LEN: usize = 16;

/// A DTB whose header, reservation block and structure block have been checked.
#[derive(Debug, Clone, Copy)]
pub struct Fdt<'a> {
    bytes: &'a [u8],
    layout: Layout,
}

impl<'a> Fdt<'a> {
    /// Checks the blob at the start of `bytes` (which may be longer than its `totalsize`):
    /// header fields, block bounds and alignment, the reservation block's terminator, and one
    /// walk over the whole structure block (tokens, names, nesting, string offsets).
    pub fn new(bytes: &'a [u8]) -> Result<Self, FdtError> {
        let layout = header::layout(bytes)?;
        let fdt = Fdt { bytes: &bytes[..layout.totalsize], layout };
        fdt.memreserve_end()?;
        walk::validate(&fdt)?;
        Ok(fdt)
    }

    /// The `totalsize` field of the 40-byte header at the start of `header`, after checking
    /// the magic and version (the loader uses it to learn how many bytes to map).
    pub fn totalsize_of(header: &[u8]) -> Result<usize, FdtError> {
        header::read(header).map(|h| h.totalsize.get() as usize)
    }

    /// The blob's `totalsize`.
    pub fn totalsize(&self) -> usize {
        self.layout.totalsize
    }

    /// The blob itself: exactly `totalsize` bytes.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The header's `boot_cpuid_phys`.
    pub fn boot_cpuid_phys(&self) -> u32 {
        self.layout.boot_cpuid_phys
    }

    /// The `/memreserve/` entries of the memory reservation block, in order.
    pub fn memreserve(&self) -> impl Iterator<Item = Result<MemRange, FdtError>> + 'a {
        let bytes = self.bytes;
        let mut pos = Some(self.layout.rsv_start);
        core::iter::from_fn(move || {
            let at = pos?;
            match rsv_entry(bytes, at) {
                Ok(Some(range)) => {
                    pos = Some(at + RSV_ENTRY_LEN);
                    Some(Ok(range))
                }
                Ok(None) => {
                    pos = None;
                    None
                }
                Err(e) => {
                    pos = None;
                    Some(Err(e))
                }
            }
        })
    }

    /// The root node.
    pub fn root(&self) -> Result<Node<'a>, FdtError> {
        let mut cursor = Cursor::at(*self, self.layout.struct_start);
        let (offset, token) = cursor.next_token()?;
        match token {
            Token::Begin { name } => Ok(Node::new(*self, name, offset, cursor.pos(), None)),
            other => Err(FdtError::new(offset, FdtErrorKind::OutsideRoot { token: other.code() })),
        }
    }

    /// The node at an absolute `path` such as `"/chosen"` or `"/pl011@9000000"`. A path
    /// component without `@` also matches a node name with a unit address (`"/memory"` finds
    /// `memory@40000000`); at each level the first matching child is taken, as libfdt does.
    /// A path that does not start with `/` names no node (aliases are resolved by callers).
    pub fn find_node(&self, path: &str) -> Result<Option<Node<'a>>, FdtError> {
        let Some(rest) = path.strip_prefix('/') else {
            return Ok(None);
        };
        let mut node = self.root()?;
        for component in rest.split('/').filter(|c| !c.is_empty()) {
            let mut found = None;
            for child in node.children() {
                let child = child?;
                if name_matches(child.name(), component) {
                    found = Some(child);
                    break;
                }
            }
            match found {
                Some(child) => node = child,
                None => return Ok(None),
            }
        }
        Ok(Some(node))
    }

    /// Where the blocks are.
    pub(crate) fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Offset one past the reservation block's `{0, 0}` terminator.
    pub(crate) fn memreserve_end(&self) -> Result<usize, FdtError> {
        let mut pos = self.layout.rsv_start;
        while rsv_entry(self.bytes, pos)?.is_some() {
            pos += RSV_ENTRY_LEN;
        }
        Ok(pos + RSV_ENTRY_LEN)
    }
}

/// The reservation entry at `pos`: `None` for the terminator.
fn rsv_entry(bytes: &[u8], pos: usize) -> Result<Option<MemRange>, FdtError> {
    let entry = bytes
        .get(pos..)
        .and_then(|b| b.get(..RSV_ENTRY_LEN))
        .ok_or(FdtError::new(pos, FdtErrorKind::UnterminatedMemReserve))?;
    let (base, size) = entry.split_at(8);
    let base = u64::from_be_bytes(base.try_into().unwrap_or_default());
    let size = u64::from_be_bytes(size.try_into().unwrap_or_default());
    if base == 0 && size == 0 {
        return Ok(None);
    }
    super::range::checked(base, size, pos).map(Some)
}
