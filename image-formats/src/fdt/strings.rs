//! The strings block (5.5): property names, found by their offset.

use super::{Fdt, FdtError, FdtErrorKind};

impl<'a> Fdt<'a> {
    /// The NUL-terminated name at `nameoff` in the strings block; errors are reported at
    /// `field`, the offset of the `nameoff` field that pointed here.
    pub(crate) fn string_at(&self, nameoff: u32, field: usize) -> Result<&'a str, FdtError> {
        let block = self.strings_block();
        let strings_size = block.len() as u32;
        let tail = block
            .get(nameoff as usize..)
            .filter(|t| !t.is_empty())
            .ok_or(FdtError::new(field, FdtErrorKind::BadNameOffset { nameoff, strings_size }))?;
        let len = tail
            .iter()
            .position(|&b| b == 0)
            .ok_or(FdtError::new(field, FdtErrorKind::UnterminatedString { nameoff }))?;
        core::str::from_utf8(&tail[..len]).map_err(|_| FdtError::new(field, FdtErrorKind::NotUtf8))
    }

    /// The whole strings block.
    pub(crate) fn strings_block(&self) -> &'a [u8] {
        let l = self.layout();
        &self.as_bytes()[l.strings_start..l.strings_end]
    }
}

/// The offset in `block` of a NUL-terminated string equal to `name` (possibly the tail of a
/// longer name, which the format allows), if there is one.
pub(crate) fn find(block: &[u8], name: &str) -> Option<usize> {
    let name = name.as_bytes();
    let needle_len = name.len() + 1;
    if block.len() < needle_len {
        return None;
    }
    (0..=block.len() - needle_len)
        .find(|&i| block[i..i + name.len()] == *name && block[i + name.len()] == 0)
}
