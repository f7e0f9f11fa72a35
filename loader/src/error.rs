//! The one error type the boot flow ends in. Its `code()` is printed as
//! `springboard: error: <code>: <detail>` and is stable, so tests and people can match it.

use core::fmt;
use image_formats::{
    bundle::BundleError, fdt::FdtError, image::ImageError, placement::PlacementError,
};

/// Why springboard stopped instead of booting.
#[derive(Debug)]
pub enum BootError {
    /// Neither `x0` nor the board's fallback address holds a DTB.
    NoDtb {
        /// The `x0` springboard was entered with.
        x0: u64,
        /// The board's fallback address, if it has one.
        fallback: Option<u64>,
    },
    /// The DTB is malformed.
    Dtb(FdtError),
    /// The DTB has no `/memory`.
    NoMemory,
    /// No bundle: `/chosen` has no initrd range.
    NoBundle,
    /// The bundle range is not inside DRAM.
    BundleOutsideDram {
        /// Start of the range.
        base: u64,
        /// Its length.
        size: u64,
    },
    /// The bundle range overlaps springboard or the resident region.
    BundleOverlaps {
        /// Start of the range.
        base: u64,
        /// Its length.
        size: u64,
        /// What it overlaps.
        with: &'static str,
    },
    /// The bundle failed a check (framing, tables, CRC).
    Bundle(image_formats::bundle::BundleError),
    /// The bundle at the place the state page says an earlier run kept one is not that bundle.
    KeptBundle {
        /// Where the state page says it is.
        base: u64,
        /// What is wrong with it.
        why: crate::bundle_source::KeptProblem,
    },
    /// `springboard.entry=` names no entry of the bundle (or one beyond what the state page
    /// can track).
    NoSuchEntry(&'static str),
    /// The kernel's Image header failed a check.
    Kernel(ImageError),
    /// The gzip-compressed kernel is malformed or inflates to something other than its
    /// trailer says.
    Gzip(image_formats::gzip::GzipError),
    /// No room for the kernel or the DTB.
    Placement(PlacementError),
    /// The resident stub region collides with something already in memory.
    Resident {
        /// Start of the resident region.
        base: u64,
        /// What it collides with.
        with: &'static str,
    },
    /// Writing the DTB for the kernel failed.
    Patch(FdtError),
    /// The kernel command line is too long.
    Cmdline(image_formats::cmdline::TooLong),
    /// A `springboard.` option with a value springboard does not know.
    BadOption {
        /// The option, without the `springboard.` prefix.
        key: &'static str,
        /// Its value.
        value: &'static str,
    },
}

impl BootError {
    /// The stable short code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoDtb { .. } => "no-dtb",
            Self::Dtb(_) => "dtb",
            Self::NoMemory => "no-memory",
            Self::NoBundle => "no-bundle",
            Self::BundleOutsideDram { .. } => "bundle-range",
            Self::Bundle(_) => "bundle",
            Self::NoSuchEntry(_) => "no-entry",
            Self::Kernel(_) => "kernel",
            Self::Gzip(_) => "kernel-gzip",
            Self::Placement(_) => "placement",
            Self::Resident { .. } => "resident",
            Self::Patch(_) => "dtb-patch",
            Self::Cmdline(_) => "cmdline",
            Self::BadOption { .. } => "option",
        }
    }
}

impl fmt::Display for BootError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::NoDtb { x0, fallback: Some(addr) } => {
                write!(f, "no DTB at x0 = {x0:#x} nor at the board's {addr:#x}")
            }
            Self::NoDtb { x0, fallback: None } => write!(f, "no DTB at x0 = {x0:#x}"),
            // The code already names the format: print the offset and what was wrong.
            Self::Dtb(e) | Self::Patch(e) => write!(f, "offset {:#x}: {}", e.offset, e.kind),
            Self::NoMemory => write!(f, "the DTB describes no /memory"),
            Self::NoBundle => write!(
                f,
                "no bundle: none appended to springboard, none in the /chosen initrd range (pass one with -initrd or --initrd), none kept resident"
            ),
            Self::BundleOutsideDram { base, size } => {
                write!(f, "bundle range {base:#x}+{size:#x} is not inside DRAM")
            }
            Self::Bundle(e) => write!(f, "offset {:#x}: {}", e.offset, e.kind),
            Self::NoSuchEntry(name) => write!(f, "springboard.entry={name}: the bundle has no such entry"),
            Self::Kernel(e) => write!(f, "{e}"),
            Self::Gzip(e) => write!(f, "offset {:#x}: {}", e.offset, e.kind),
            Self::Placement(e) => write!(f, "{e}"),
            Self::Resident { base, with } => {
                write!(f, "resident region at {base:#x} overlaps the {with}")
            }
            Self::BundleOverlaps { .. } => "bundle-range",
            Self::BadOption { key, value } => {
            Self::KeptBundle { .. } => "bundle",
                write!(f, "springboard.{key}={value}: unknown value")
            }
            Self::Cmdline(e) => {
                write!(f, "kernel command line needs {} bytes, at most {}", e.needed, e.capacity)
            }
        }
    }
}

impl From<BundleError> for BootError {
    fn from(e: BundleError) -> Self {
        Self::Bundle(e)
    }
}

impl From<ImageError> for BootError {
    fn from(e: ImageError) -> Self {
        Self::Kernel(e)
    }
}

impl From<PlacementError> for BootError {
    fn from(e: PlacementError) -> Self {
        Self::Placement(e)
    }
}
            Self::BundleOverlaps { base, size, with } => {
                write!(f, "bundle range {base:#x}+{size:#x} overlaps {with}")
            }
            Self::KeptBundle { base, why } => {
                write!(f, "the bundle kept at {base:#x} by an earlier run {why}")
            }
