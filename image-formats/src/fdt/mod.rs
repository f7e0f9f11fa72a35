//! Flattened device tree (DTB) reading and patching, without allocation and without trusting
//! the blob.
//!
//! Layout from the Devicetree Specification v0.4, chapter 5 ("Flattened Devicetree (DTB)
//! Format"); every field is big-endian:
//!
//! ```text
//! offset  size  header field (5.2)
//! 0x00    4     magic              0xd00dfeed
//! 0x04    4     totalsize          whole blob, header included
//! 0x08    4     off_dt_struct      structure block, 4-byte aligned
//! 0x0c    4     off_dt_strings     strings block
//! 0x10    4     off_mem_rsvmap     memory reservation block, 8-byte aligned
//! 0x14    4     version            17
//! 0x18    4     last_comp_version  16
//! 0x1c    4     boot_cpuid_phys
//! 0x20    4     size_dt_strings
//! 0x24    4     size_dt_struct
//!
//! memory reservation block (5.3): {u64 address, u64 size}* ending with {0, 0}
//! structure block (5.4): 4-byte tokens, each followed by its payload, padded to 4 bytes
//!   FDT_BEGIN_NODE 0x1  name, NUL, pad        FDT_END_NODE 0x2
//!   FDT_PROP       0x3  u32 len, u32 nameoff, value[len], pad
//!   FDT_NOP        0x4  (QEMU's DTBs contain them)   FDT_END 0x9 (last token)
//! strings block (5.5): NUL-terminated property names, found by offset
//! ```
//!
//! [`Fdt::new`] checks the header and walks the whole structure once, so a malformed blob is
//! rejected up front; every later access is still bounds-checked and returns an [`FdtError`]
//! (with the offset in the blob and the value found) instead of panicking. [`summarize`] reads
//! what a boot loader needs; [`patch`] streams the tree into a new blob with `/chosen` and
//! `/reserved-memory` edits applied.

mod blob;
mod cells;
mod device;
mod error;
mod header;
mod names;
mod node;
mod patch;
mod range;
mod stream;
mod strings;
mod summary;
mod walk;
mod writer;

pub use blob::Fdt;
pub use cells::{u32_cells, u64_cells};
pub use device::{device_at, first_device, Device, MAX_DEPTH};
pub use error::{Block, FdtError, FdtErrorKind};
pub use header::{HEADER_LEN, MAGIC, TOTALSIZE_OFFSET};
pub use node::{Children, Node, Properties, RegIter};
pub use patch::{patch, patched_size_bound, Edits, NewNode, Reservation, MAX_ADDED_NODES};
pub use range::RangeList;
pub use summary::{summarize, Summary, MAX_MEMORY_RANGES, MAX_MEMRESERVE, MAX_RESERVED_MEMORY};
