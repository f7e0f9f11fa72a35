//! The token walker over the structure block (5.4), and the one-pass check that
//! [`Fdt::new`] runs over the whole block.

use super::{Fdt, FdtError, FdtErrorKind};

/// `FDT_BEGIN_NODE`: a node starts; its NUL-terminated name follows, padded to 4 bytes.
pub(crate) const FDT_BEGIN_NODE: u32 = 0x1;
/// `FDT_END_NODE`: the current node ends.
pub(crate) const FDT_END_NODE: u32 = 0x2;
/// `FDT_PROP`: `u32 len`, `u32 nameoff`, then `len` bytes of value, padded to 4 bytes.
pub(crate) const FDT_PROP: u32 = 0x3;
/// `FDT_NOP`: ignored (left behind by in-place editors such as QEMU's).
pub(crate) const FDT_NOP: u32 = 0x4;
/// `FDT_END`: the end of the structure block.
pub(crate) const FDT_END: u32 = 0x9;

/// One structure-block token with its payload decoded (NOPs are skipped by the cursor).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Token<'a> {
    /// `FDT_BEGIN_NODE` and the node's name.
    Begin { name: &'a str },
    /// `FDT_END_NODE`.
    End,
    /// `FDT_PROP`: the name from the strings block (and its `nameoff`), the value, and the
    /// value's offset.
    Prop { name: &'a str, nameoff: u32, value: &'a [u8], value_offset: usize },
    /// `FDT_END`.
    Finish,
}

impl Token<'_> {
    /// The token's number, for error reports.
    pub(crate) fn code(&self) -> u32 {
        match self {
            Token::Begin { .. } => FDT_BEGIN_NODE,
            Token::End => FDT_END_NODE,
            Token::Prop { .. } => FDT_PROP,
            Token::Finish => FDT_END,
        }
    }
}

/// A position in the structure block, always read with bounds checks.
pub(crate) struct Cursor<'a> {
    fdt: Fdt<'a>,
    pos: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at absolute blob offset `pos` (a token boundary).
    pub(crate) fn at(fdt: Fdt<'a>, pos: usize) -> Self {
        Cursor { fdt, pos }
    }

    /// The blob this cursor walks.
    pub(crate) fn fdt(&self) -> Fdt<'a> {
        self.fdt
    }

    /// The offset of the next token.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// The next token that is not `FDT_NOP`, with its offset.
    pub(crate) fn next_token(&mut self) -> Result<(usize, Token<'a>), FdtError> {
        loop {
            let at = self.pos;
            let token = self.u32_at(at)?;
            self.pos = at + 4;
            let decoded = match token {
                FDT_BEGIN_NODE => self.begin(at + 4)?,
                FDT_END_NODE => Token::End,
                FDT_PROP => self.prop(at + 4)?,
                FDT_NOP => continue,
                FDT_END => Token::Finish,
                _ => return Err(FdtError::new(at, FdtErrorKind::BadToken { token })),
            };
            return Ok((at, decoded));
        }
    }

    /// The name after `FDT_BEGIN_NODE`, which starts at `at`.
    fn begin(&mut self, at: usize) -> Result<Token<'a>, FdtError> {
        let rest = self.rest(at);
        let len = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or(FdtError::new(at, FdtErrorKind::UnterminatedName))?;
        let name = core::str::from_utf8(&rest[..len])
            .map_err(|_| FdtError::new(at, FdtErrorKind::NotUtf8))?;
        self.pos = align4(at + len + 1);
        Ok(Token::Begin { name })
    }

    /// The `len`, `nameoff` and value after `FDT_PROP`, starting at `at`.
    fn prop(&mut self, at: usize) -> Result<Token<'a>, FdtError> {
        let len = self.u32_at(at)?;
        let nameoff = self.u32_at(at + 4)?;
        let value_offset = at + 8;
        let rest = self.rest(value_offset);
        let value = rest.get(..len as usize).ok_or(FdtError::new(
            at,
            FdtErrorKind::StructOverrun { needed: u64::from(len), remaining: rest.len() },
        ))?;
        let name = self.fdt.string_at(nameoff, at + 4)?;
        self.pos = align4(value_offset + value.len());
        Ok(Token::Prop { name, nameoff, value, value_offset })
    }

    /// The structure block from `at` to its end (empty past the end).
    fn rest(&self, at: usize) -> &'a [u8] {
        let end = self.fdt.layout().struct_end;
        self.fdt.as_bytes().get(at..end).unwrap_or_default()
    }

    /// The big-endian `u32` at `at`, inside the structure block.
    fn u32_at(&self, at: usize) -> Result<u32, FdtError> {
        let rest = self.rest(at);
        let word = rest.get(..4).ok_or(FdtError::new(
            at,
            FdtErrorKind::StructOverrun { needed: 4, remaining: rest.len() },
        ))?;
        Ok(u32::from_be_bytes(word.try_into().unwrap_or_default()))
    }
}

/// `n` rounded up to a multiple of 4.
pub(crate) const fn align4(n: usize) -> usize {
    (n + 3) & !3
}

/// Walks the whole structure block once: every token decodes, there is exactly one root,
/// nodes nest, properties come before child nodes, and `FDT_END` closes the block.
pub(crate) fn validate(fdt: &Fdt<'_>) -> Result<(), FdtError> {
    let mut cursor = Cursor::at(*fdt, fdt.layout().struct_start);
    let mut depth: u32 = 0;
    let mut seen_root = false;
    let mut had_child = false;
    loop {
        let (at, token) = cursor.next_token()?;
        let fail = |kind| Err(FdtError::new(at, kind));
        match token {
            Token::Begin { name } => {
                if depth == 0 && seen_root {
                    return fail(FdtErrorKind::OutsideRoot { token: FDT_BEGIN_NODE });
                }
                if depth == 0 && !name.is_empty() {
                    return fail(FdtErrorKind::NamedRoot);
                }
                depth += 1;
                seen_root = true;
                had_child = false;
            }
            Token::Prop { .. } if depth == 0 => {
                return fail(FdtErrorKind::OutsideRoot { token: FDT_PROP })
            }
            Token::Prop { .. } if had_child => return fail(FdtErrorKind::PropertyAfterChild),
            Token::Prop { .. } => {}
            Token::End if depth == 0 => return fail(FdtErrorKind::UnbalancedEndNode),
            Token::End => {
                depth -= 1;
                had_child = true;
            }
            Token::Finish if depth > 0 => return fail(FdtErrorKind::UnclosedNode { depth }),
            Token::Finish if !seen_root => {
                return fail(FdtErrorKind::OutsideRoot { token: FDT_END })
            }
            Token::Finish => return Ok(()),
        }
    }
}
