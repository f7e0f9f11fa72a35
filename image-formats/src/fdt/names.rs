//! Property names of a patched blob: the input's strings block is kept as it is (so every
//! copied `nameoff` stays valid) and the names it lacks are appended after it.

use super::patch::Edits;
use super::strings::find;
use super::writer::Writer;
use super::FdtError;

/// Names a `/reserved-memory` child written by the patcher uses.
const RESERVATION_NAMES: [&str; 2] = ["reg", "no-map"];
/// Names a `/reserved-memory` node created by the patcher uses.
const RESERVED_MEMORY_NAMES: [&str; 3] = ["#address-cells", "#size-cells", "ranges"];

/// The output strings block: the input block followed by the new names, each once.
pub(crate) struct Names<'i, 'e> {
    input: &'i [u8],
    edits: &'e Edits<'e>,
    /// Whether `/reserved-memory` is created, so its properties' names are needed.
    create_reserved: bool,
}

impl<'i, 'e> Names<'i, 'e> {
    /// The names for patching a blob whose strings block is `input` with `edits`.
    pub(crate) fn new(input: &'i [u8], edits: &'e Edits<'e>, create_reserved: bool) -> Self {
        Names { input, edits, create_reserved }
    }

    /// Every name the patcher may write, in a fixed order (with repeats).
    fn wanted(&self) -> impl Iterator<Item = &'e str> + '_ {
        let reserving = !self.edits.reserve.is_empty();
        let no_map = self.edits.reserve.iter().any(|r| r.no_map);
        let chosen = self.edits.chosen_set.iter().map(|(name, _)| *name);
        let added = self.edits.add.iter().flat_map(|(_, props)| props.iter().map(|(n, _)| *n));
        let chosen = chosen.chain(added);
        let reservation =
            RESERVATION_NAMES.into_iter().filter(move |&n| reserving && (n != "no-map" || no_map));
        let created =
            RESERVED_MEMORY_NAMES.into_iter().filter(move |_| reserving && self.create_reserved);
        chosen.chain(reservation).chain(created)
    }

    /// The names missing from the input block, each once, in the order they are appended.
    fn appended(&self) -> impl Iterator<Item = &'e str> + '_ {
        self.wanted().enumerate().filter_map(move |(i, name)| {
            let repeat = self.wanted().take(i).any(|earlier| earlier == name);
            (!repeat && find(self.input, name).is_none()).then_some(name)
        })
    }

    /// The offset of `name` in the output strings block (`name` must be one of the wanted
    /// names, which every caller in this module guarantees; others map past the block).
    pub(crate) fn offset(&self, name: &str) -> u32 {
        if let Some(at) = find(self.input, name) {
            return at as u32;
        }
        let mut at = self.input.len();
        for appended in self.appended() {
            if appended == name {
                break;
            }
            at += appended.len() + 1;
        }
        at as u32
    }

    /// Bytes the appended names take.
    pub(crate) fn appended_size(&self) -> usize {
        self.appended().map(|n| n.len() + 1).sum()
    }

    /// Writes the whole output strings block.
    pub(crate) fn write(&self, w: &mut Writer<'_>) -> Result<(), FdtError> {
        w.bytes(self.input)?;
        for name in self.appended() {
            w.bytes(name.as_bytes())?;
            w.bytes(&[0])?;
        }
        Ok(())
    }
}
