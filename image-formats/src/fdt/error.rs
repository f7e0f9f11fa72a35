//! Errors from reading or patching a DTB.

use core::fmt;

/// Why a DTB was rejected (or could not be patched), and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FdtError {
    /// Byte offset in the blob of the offending field or token. For patch errors about the
    /// output ([`FdtErrorKind::OutputTooSmall`]) it is the offset in the output buffer.
    pub offset: usize,
    /// What was wrong, with the value found.
    pub kind: FdtErrorKind,
}

impl FdtError {
    /// An error of `kind` at `offset`.
    pub(crate) const fn new(offset: usize, kind: FdtErrorKind) -> Self {
        FdtError { offset, kind }
    }
}

/// One of the three blocks a DTB header points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    /// The memory reservation block (`off_mem_rsvmap`).
    MemReserve,
    /// The structure block (`off_dt_struct`, `size_dt_struct`).
    Struct,
    /// The strings block (`off_dt_strings`, `size_dt_strings`).
    Strings,
}

/// The kinds of [`FdtError`], each carrying the value that was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FdtErrorKind {
    /// Fewer bytes than the 40-byte header were given.
    TruncatedHeader {
        /// Number of bytes available.
        len: usize,
    },
    /// The magic is not [`super::MAGIC`] (`0xd00dfeed`).
    BadMagic {
        /// The value found.
        found: u32,
    },
    /// The blob is older than version 17 or not backwards compatible with it.
    UnsupportedVersion {
        /// The `version` field.
        version: u32,
        /// The `last_comp_version` field.
        last_comp_version: u32,
    },
    /// `totalsize` is smaller than the header or larger than the bytes given.
    BadTotalSize {
        /// The `totalsize` field.
        totalsize: u32,
        /// Number of bytes available.
        available: usize,
    },
    /// A block's offset (and size) does not fit inside `totalsize`.
    BlockOutOfRange {
        /// Which block.
        block: Block,
        /// The block's offset field.
        start: u32,
        /// The block's size (0 for the reservation block, whose size is not in the header).
        size: u32,
        /// The `totalsize` field.
        totalsize: u32,
    },
    /// A block's offset is not aligned as the specification requires (8 for the reservation
    /// block, 4 for the structure block).
    MisalignedBlock {
        /// Which block.
        block: Block,
        /// The block's offset field.
        start: u32,
    },
    /// The memory reservation block has no `{0, 0}` terminator before `totalsize`.
    UnterminatedMemReserve,
    /// A reservation, `reg` or initrd range wraps past the end of the 64-bit address space.
    RangeOverflow {
        /// Start of the range.
        base: u64,
        /// Its size.
        size: u64,
    },
    /// A token value that the specification does not define.
    BadToken {
        /// The token found.
        token: u32,
    },
    /// A token or its payload runs past the end of the structure block.
    StructOverrun {
        /// Bytes the token needed from this offset.
        needed: u64,
        /// Bytes left in the structure block.
        remaining: usize,
    },
    /// A node name has no NUL before the end of the structure block.
    UnterminatedName,
    /// A node or property name, or a string property value, is not valid UTF-8.
    NotUtf8,
    /// A property's `nameoff` points outside the strings block.
    BadNameOffset {
        /// The `nameoff` field.
        nameoff: u32,
        /// The `size_dt_strings` field.
        strings_size: u32,
    },
    /// The string a `nameoff` points to has no NUL before the end of the strings block.
    UnterminatedString {
        /// The `nameoff` field.
        nameoff: u32,
    },
    /// The structure block does not start with the root's `FDT_BEGIN_NODE`, or has a second
    /// root, or a property outside any node.
    OutsideRoot {
        /// The token found.
        token: u32,
    },
    /// An `FDT_PROP` follows a child node of the same node (5.4.1 puts properties first).
    PropertyAfterChild,
    /// The root node has a name (devicetree specification 0.4, 5.4.1: the root's is empty).
    NamedRoot,
    /// An `FDT_END_NODE` with no open node.
    UnbalancedEndNode,
    /// `FDT_END` (or the end of the block) while nodes are still open.
    UnclosedNode {
        /// Number of open nodes.
        depth: u32,
    },
    /// A `#address-cells` or `#size-cells` value that does not decode to 64-bit numbers
    /// (more than 2 cells).
    UnsupportedCells {
        /// `#address-cells` in effect.
        address_cells: u32,
        /// `#size-cells` in effect.
        size_cells: u32,
    },
    /// A property's length does not suit its meaning (a `reg` that is not a whole number of
    /// entries, a cell count that is not 4 bytes, an initrd address that is not 4 or 8 bytes,
    /// a string that is not NUL-terminated).
    BadPropertyLength {
        /// The property's length.
        len: usize,
    },
    /// `/chosen/linux,initrd-end` is below `linux,initrd-start`.
    InitrdEndBeforeStart {
        /// `linux,initrd-start`.
        start: u64,
        /// `linux,initrd-end`.
        end: u64,
    },
    /// More ranges than a fixed-capacity [`super::RangeList`] holds.
    TooManyRanges {
        /// The list's capacity.
        capacity: usize,
    },
    /// A node lies deeper below the root than a device lookup follows.
    TooDeep {
        /// How deep a lookup follows.
        max_depth: usize,
    },
    /// A range to write does not fit the cells of the node it goes into.
    RangeDoesNotFit {
        /// Start of the range.
        base: u64,
        /// Its size.
        size: u64,
        /// `#address-cells` of the parent.
        address_cells: u32,
        /// `#size-cells` of the parent.
        size_cells: u32,
    },
    /// A name given to [`super::patch`] is empty or contains a NUL, `/` or `@`.
    BadEditName,
    /// The output buffer of [`super::patch`] is too small.
    OutputTooSmall {
        /// Bytes needed to write the next item.
        needed: usize,
        /// Bytes left in the buffer.
        available: usize,
    },
}

impl fmt::Display for FdtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fdt: offset {:#x}: ", self.offset)?;
        self.kind.fmt(f)
    }
}

impl fmt::Display for FdtErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use FdtErrorKind as K;
        match *self {
            K::TruncatedHeader { len } => write!(f, "truncated header: {len} bytes, need 40"),
            K::BadMagic { found } => write!(f, "bad magic {found:#010x}, expected 0xd00dfeed"),
            K::UnsupportedVersion { version, last_comp_version } => write!(
                f,
                "unsupported version {version} (last compatible {last_comp_version}), need 17"
            ),
            K::BadTotalSize { totalsize, available } => {
                write!(f, "totalsize {totalsize:#x} but {available:#x} bytes available")
            }
            K::BlockOutOfRange { block, start, size, totalsize } => {
                write!(f, "{block:?} block {start:#x}+{size:#x} outside totalsize {totalsize:#x}")
            }
            K::MisalignedBlock { block, start } => {
                write!(f, "{block:?} block offset {start:#x} misaligned")
            }
            K::UnterminatedMemReserve => write!(f, "memory reservation block not terminated"),
            K::RangeOverflow { base, size } => {
                write!(f, "range {base:#x}+{size:#x} overflows 64 bits")
            }
            K::BadToken { token } => write!(f, "bad token {token:#x}"),
            K::StructOverrun { needed, remaining } => {
                write!(f, "{needed:#x} bytes needed, {remaining:#x} left in the structure block")
            }
            K::UnterminatedName => write!(f, "unterminated node name"),
            K::NotUtf8 => write!(f, "name or string not UTF-8"),
            K::BadNameOffset { nameoff, strings_size } => write!(
                f,
                "name offset {nameoff:#x} outside strings block of {strings_size:#x} bytes"
            ),
            K::UnterminatedString { nameoff } => {
                write!(f, "unterminated string at name offset {nameoff:#x}")
            }
            K::OutsideRoot { token } => write!(f, "token {token:#x} outside the root node"),
            K::PropertyAfterChild => write!(f, "property after a child node"),
            K::NamedRoot => write!(f, "the root node has a name; it must be empty"),
            K::UnbalancedEndNode => write!(f, "end of node without a node"),
            K::UnclosedNode { depth } => write!(f, "end of tree with {depth} nodes open"),
            K::UnsupportedCells { address_cells, size_cells } => {
                write!(f, "unsupported #address-cells {address_cells} / #size-cells {size_cells}")
            }
            K::BadPropertyLength { len } => write!(f, "bad property length {len:#x}"),
            K::InitrdEndBeforeStart { start, end } => {
                write!(f, "initrd end {end:#x} below start {start:#x}")
            }
            K::TooManyRanges { capacity } => write!(f, "more than {capacity} ranges"),
            K::TooDeep { max_depth } => write!(f, "a node more than {max_depth} levels deep"),
            K::RangeDoesNotFit { base, size, address_cells, size_cells } => write!(
                f,
                "range {base:#x}+{size:#x} does not fit {address_cells}/{size_cells} cells"
            ),
            K::BadEditName => write!(f, "bad name in edits (empty, or NUL, '/' or '@')"),
            K::OutputTooSmall { needed, available } => {
                write!(f, "output too small: {needed:#x} bytes needed, {available:#x} left")
            }
        }
    }
}
