//! Finding the bundle (DESIGN §1): first appended to springboard's own image, then in the
//! `/chosen` initrd range, then the one an earlier run kept resident (its state page says
//! where). The console line says which.
//!
//! An appended bundle (`springboard pack --append-to`) starts at `base + __image_size`, right
//! after the .bss and stack the linker laid out, and the Image header that the file carries
//! says how far it reaches: `springboard pack` rewrote `image_size` (offset 0x10) to cover it.
//! So a running header whose `image_size` is larger than the linker's is the sign that
//! something was appended; a plain springboard.bin has the two equal.
//!
//! Wherever it comes from, a bundle range must lie in DRAM and overlap neither springboard nor
//! the resident region before a byte of it is read. A kept bundle is trusted only when it is
//! the one the state page recorded: the record's location is data an OS could have written, so
//! the bundle found there must have the header CRC the record keeps as its `bundle_id`.

use core::fmt;
use image_formats::MemRange;

use crate::console::Size;
use crate::error::BootError;
use crate::given::Springboard;
use crate::{mem, say};
use image_formats::boot;
use image_formats::bundle::{Bundle, BundleError};
use image_formats::fdt::Summary;
use image_formats::image::{self, ImageHeader};
use image_formats::state::{self, State};

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

/// The bundle an earlier run's state page says it kept resident.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kept {
    /// Its recorded range.
    pub range: MemRange,
    /// Its recorded identity ([`state::bundle_id`]).
    pub id: u32,
}

impl Kept {
    /// The kept bundle `record` names, if it names one.
    pub fn of(record: &State) -> Option<Self> {
        Some(Kept { range: record.bundle?, id: record.bundle_id })
    }
}

/// Why the bundle at a kept location is not the one the state page kept.
#[derive(Debug)]
pub enum KeptProblem {
    /// What is there is not a valid bundle.
    Invalid(BundleError),
    /// A valid bundle, but not the recorded one: planted, or changed since it was kept.
    Changed {
        /// The `bundle_id` the state page recorded.
        recorded: u32,
        /// The header CRC32 of the bundle found.
        found: u32,
    },
}

impl fmt::Display for KeptProblem {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::Invalid(e) => {
                write!(f, "is not a valid bundle: offset {:#x}: {}", e.offset, e.kind)
            }
            Self::Changed { recorded, found } => write!(
                f,
                "has header CRC32 {found:#010x}, but the state page recorded {recorded:#010x}: \
                 planted or changed since it was kept"
            ),
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
/// else the bundle `kept` resident by an earlier run (only when neither of the others is
/// there: then the kept one is not looked at at all).
///
/// An announced appended bundle that fails its checks is an error, not a reason to look
/// elsewhere: the image that was started is not the one that was packed.
pub fn find(
    summary: &Summary,
    me: &Springboard,
    resident: MemRange,
    kept: Option<Kept>,
) -> Result<Located, BootError> {
    let (range, source) = match appended_range(me) {
        Some(range) => (range, Source::Appended),
        None => match (summary.initrd, kept) {
            (Some(range), _) => (range, Source::Initrd),
            (None, Some(kept)) => (kept.range, Source::Kept),
            (None, None) => return Err(BootError::NoBundle),
        },
    };
    let image = MemRange { base: me.base, size: me.size };
    boot::check_bundle_range(summary, image, resident, range).inspect_err(|_| {
        say!("bundle: {:#x}+{:#x} ({}) refused", range.base, range.size, source.describe());
    })?;
    // SAFETY: the range lies inside a DRAM bank of the DTB and overlaps neither springboard
    // nor the resident region (checked above). Firmware put the bundle there (the initrd), or
    // it is the tail of the file that was loaded as springboard (appended), beyond .bss and
    // stack, or an earlier run kept it there; nothing writes it while springboard runs.
    let bytes = unsafe { mem::bytes(range.base, range.size) };
    let parsed = Bundle::parse(bytes).inspect_err(|_| {
        say!(
            "bundle: {:#x}+{:#x} ({}) is not a valid bundle",
            range.base,
            range.size,
            source.describe()
        );
    });
    let bundle = match (parsed, kept.filter(|_| source == Source::Kept)) {
        (Err(e), Some(_)) => {
            let why = KeptProblem::Invalid(e);
            return Err(BootError::KeptBundle { base: range.base, why });
        }
        (Ok(bundle), Some(kept)) if state::bundle_id(&bundle) != kept.id => {
            let why = KeptProblem::Changed { recorded: kept.id, found: state::bundle_id(&bundle) };
            return Err(BootError::KeptBundle { base: range.base, why });
        }
        (parsed, _) => parsed?,
    };
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
fn appended_range(me: &Springboard) -> Option<MemRange> {
    // SAFETY: the Image header is the first 64 bytes of springboard's own image, which is
    // loaded at `me.base` and only ever read.
    let header = unsafe { mem::bytes(me.base, image::HEADER_LEN as u64) };
    let announced = ImageHeader::read_fields(header).ok()?.image_size;
    let size = announced.checked_sub(me.size).filter(|&extra| extra > 0)?;
    Some(MemRange { base: me.base + me.size, size })
}
