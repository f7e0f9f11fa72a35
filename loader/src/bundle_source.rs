//! Finding the bundle (DESIGN §1): first appended to springboard's own image, then in the
//! `/chosen` initrd range, then the one an earlier run kept resident (its state page says
//! where). The console line says which.
//!
//! An appended bundle (`springboard pack --append-to`) starts at `base + __image_size`, right
//! after the .bss and stack the linker laid out, and the Image header that the file carries
//! says how far it reaches: `springboard pack` rewrote `image_size` (offset 0x10) to cover it.
//! So a running header whose `image_size` is larger than the linker's is the sign that
//! something was appended; a plain springboard.bin has the two equal.

use crate::boot::Me;
use crate::console::Size;
use crate::error::BootError;
use crate::{mem, say};
use image_formats::bundle::Bundle;
use image_formats::fdt::{MemRange, Summary};

/// Offset of `image_size` in the arm64 Image header (Linux booting.rst, §4).
const IMAGE_SIZE_OFFSET: u64 = 0x10;

/// Where a bundle was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    /// Right after springboard's own footprint, covered by its header's `image_size`.
    Appended,
    /// The `/chosen` `linux,initrd-start/end` range.
    Initrd,
    /// Kept resident by an earlier run (sequence mode), as its state page records.
    Kept,
}

impl Source {
    /// How the console names it.
    fn describe(self) -> &'static str {
        match self {
            Self::Appended => "appended to springboard's image",
            Self::Initrd => "from the /chosen initrd range",
            Self::Kept => "kept resident by an earlier run",
        }
    }
}

/// A bundle whose framing has been checked, and where it lies.
pub struct Located {
    /// Physical address of its first byte.
    pub base: u64,
    /// The parsed bundle.
    pub bundle: Bundle<'static>,
}

/// The appended bundle if springboard's header announces one, else the `/chosen` initrd range,
/// else the bundle `kept` resident by an earlier run.
///
/// An announced appended bundle that fails its checks is an error, not a reason to look
/// elsewhere: the image that was started is not the one that was packed.
pub fn find(summary: &Summary, me: &Me, kept: Option<(u64, u64)>) -> Result<Located, BootError> {
    let (range, source) = match appended_range(me) {
        Some(range) => (range, Source::Appended),
        None => match (summary.initrd, kept) {
            (Some(range), _) => (range, Source::Initrd),
            (None, Some((base, size))) => (MemRange { base, size }, Source::Kept),
            (None, None) => return Err(BootError::NoBundle),
        },
    };
    if !summary.memory.iter().any(|bank| bank.base <= range.base && range.end() <= bank.end()) {
        say!("bundle: {:#x}+{:#x} ({}) is outside DRAM", range.base, range.size, source.describe());
        return Err(BootError::BundleOutsideDram { base: range.base, size: range.size });
    }
    // SAFETY: the range lies inside a DRAM bank of the DTB (checked above). Firmware put the
    // bundle there (the initrd), or it is the tail of the file that was loaded as springboard
    // (appended), beyond .bss and stack; nothing writes it while springboard runs.
    let bytes = unsafe { mem::bytes(range.base, range.size) };
    let bundle = Bundle::parse(bytes).inspect_err(|_| {
        say!(
            "bundle: {:#x}+{:#x} ({}) is not a valid bundle",
            range.base,
            range.size,
            source.describe()
        );
    })?;
    say!(
        "bundle: {:#x} ({}, {}), {} payloads, {} entries",
        range.base,
        Size(bundle.total_size() as u64),
        source.describe(),
        bundle.payloads().count(),
        bundle.entries().count()
    );
    Ok(Located { base: range.base, bundle })
}

/// `[base + linker image_size, base + header image_size)` when the running header's
/// `image_size` is larger than the linker's footprint.
fn appended_range(me: &Me) -> Option<MemRange> {
    // SAFETY: the Image header is the first 64 bytes of springboard's own image, which is
    // loaded at `me.base` and only ever read.
    let field = unsafe { mem::bytes(me.base + IMAGE_SIZE_OFFSET, 8) };
    let announced = u64::from_le_bytes(field.try_into().ok()?);
    let size = announced.checked_sub(me.size).filter(|&extra| extra > 0)?;
    Some(MemRange { base: me.base + me.size, size })
}
