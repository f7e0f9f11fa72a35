//! A bounds-checked writer of structure-block tokens into a caller's buffer.

use super::walk::{align4, FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP};
use super::{FdtError, FdtErrorKind};

/// Appends bytes to `out` from `pos`, failing with [`FdtErrorKind::OutputTooSmall`] (at the
/// output offset) instead of writing past the end.
pub(crate) struct Writer<'o> {
    out: &'o mut [u8],
    pos: usize,
}

impl<'o> Writer<'o> {
    /// A writer that starts at `out[0]`.
    pub(crate) fn new(out: &'o mut [u8]) -> Self {
        Writer { out, pos: 0 }
    }

    /// Offset of the next byte to write.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// The buffer, for the final header write.
    pub(crate) fn into_inner(self) -> &'o mut [u8] {
        self.out
    }

    /// Appends `bytes`.
    pub(crate) fn bytes(&mut self, bytes: &[u8]) -> Result<(), FdtError> {
        let available = self.out.len().saturating_sub(self.pos);
        let room = self.out.get_mut(self.pos..self.pos + bytes.len()).ok_or(FdtError::new(
            self.pos,
            FdtErrorKind::OutputTooSmall { needed: bytes.len(), available },
        ))?;
        room.copy_from_slice(bytes);
        self.pos += bytes.len();
        Ok(())
    }

    /// Appends zeros up to the next multiple of 4.
    pub(crate) fn pad4(&mut self) -> Result<(), FdtError> {
        let zeros = [0u8; 3];
        self.bytes(&zeros[..align4(self.pos) - self.pos])
    }

    /// Appends one big-endian `u32`.
    pub(crate) fn u32(&mut self, v: u32) -> Result<(), FdtError> {
        self.bytes(&v.to_be_bytes())
    }

    /// `FDT_BEGIN_NODE` for a node called `name`.
    pub(crate) fn begin_node(&mut self, name: &str) -> Result<(), FdtError> {
        self.begin_node_parts(name.as_bytes(), &[])
    }

    /// `FDT_BEGIN_NODE` for a node called `name@unit`.
    pub(crate) fn begin_node_at(&mut self, name: &str, unit: u64) -> Result<(), FdtError> {
        let mut buf = [0u8; 16];
        self.begin_node_parts(name.as_bytes(), hex(unit, &mut buf))
    }

    fn begin_node_parts(&mut self, name: &[u8], unit: &[u8]) -> Result<(), FdtError> {
        self.u32(FDT_BEGIN_NODE)?;
        self.bytes(name)?;
        if !unit.is_empty() {
            self.bytes(b"@")?;
            self.bytes(unit)?;
        }
        self.bytes(&[0])?;
        self.pad4()
    }

    /// `FDT_END_NODE`.
    pub(crate) fn end_node(&mut self) -> Result<(), FdtError> {
        self.u32(FDT_END_NODE)
    }

    /// `FDT_PROP` with the name at `nameoff` of the output strings block.
    pub(crate) fn prop(&mut self, nameoff: u32, value: &[u8]) -> Result<(), FdtError> {
        self.u32(FDT_PROP)?;
        self.u32(value.len() as u32)?;
        self.u32(nameoff)?;
        self.bytes(value)?;
        self.pad4()
    }
}

/// Bytes `FDT_BEGIN_NODE` takes for a name of `len` bytes.
pub(crate) const fn begin_node_size(len: usize) -> usize {
    4 + align4(len + 1)
}

/// Bytes `FDT_PROP` takes for a value of `len` bytes.
pub(crate) const fn prop_size(len: usize) -> usize {
    12 + align4(len)
}

/// `v` in lowercase hexadecimal without leading zeros (a unit address, 2.2.1.1).
pub(crate) fn hex(v: u64, buf: &mut [u8; 16]) -> &[u8] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digits = (16 - v.leading_zeros() as usize / 4).max(1);
    for (i, slot) in buf[..digits].iter_mut().enumerate() {
        let shift = 4 * (digits - 1 - i);
        *slot = DIGITS[((v >> shift) & 0xf) as usize];
    }
    &buf[..digits]
}

/// Whether `node_name` is `name@<unit in hex>`, as [`Writer::begin_node_at`] writes it.
pub(crate) fn is_unit_name(node_name: &str, name: &str, unit: u64) -> bool {
    let mut buf = [0u8; 16];
    match node_name.split_once('@') {
        Some((n, u)) => n == name && u.as_bytes() == hex(unit, &mut buf),
        None => false,
    }
}
