//! The one error type the boot flow ends in. Its `code()` is printed as
//! `springboard: error: <code>: <detail>` and is stable, so tests and people can match it.

use core::fmt;
use image_formats::{
    bundle::BundleError,
    fdt::{FdtError, MemRange},
    image::ImageError,
    placement::PlacementError,
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
    /// The DTB's range overlaps springboard's image or the resident region.
    DtbOverlaps {
        /// Its address.
        base: u64,
        /// Its length (the header's, until `totalsize` is read).
        size: u64,
        /// What it overlaps.
        with: &'static str,
    },
    /// The first DRAM bank cannot hold the resident region at its top.
    FirstBank {
        /// The bank.
        bank: MemRange,
        /// What is wrong with it.
        why: &'static str,
    },
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
    /// A record the bundle's tables refer to is missing (the parser checks every reference, so
    /// this means a table changed after it was checked).
    MissingRecord {
        /// `"entry"` or `"payload"`.
        what: &'static str,
        /// The index asked for.
        index: usize,
    },
    /// `/chosen/stdout-path` names a UART that cannot be used (reported on the board's UART).
    Console {
        /// Its base address.
        base: u64,
        /// What is wrong with it.
        what: &'static str,
    },
    /// An entry's own DTB cannot describe the machine springboard was started on.
    EntryDtb {
        /// What is wrong with it.
        why: &'static str,
    },
    /// The loader's stack grew into .bss: its statics may be corrupt, nothing is handed over.
    StackOverflow {
        /// The stack's size.
        size: usize,
    },
    /// The resident stub cannot be installed.
    Stub {
        /// Where it was to go.
        base: u64,
        /// Why not.
        why: StubProblem,
    },
    /// The kernel's Image header failed a check.
    Kernel(ImageError),
    /// The gzip-compressed kernel is malformed or inflates to something other than its
    /// trailer says.
    Gzip(image_formats::gzip::GzipError),
    /// No room for the kernel or the DTB.
    Placement(PlacementError),
    /// No room for the kernel, the DTB or the initrd copy inside the Kexec HandOver scratch
    /// ranges (the only memory the previous kernel did not preserve).
    KhoPlacement(PlacementError),
    /// The incoming DTB's Kexec HandOver description (`/chosen/linux,kho-fdt`,
    /// `linux,kho-scratch` and the array it points to) is malformed.
    Kho(image_formats::kho::KhoError),
    /// The KHO FDT or the scratch array lies in springboard or its resident region.
    KhoOverlaps {
        /// `"linux,kho-fdt"` or `"linux,kho-scratch array"`.
        what: &'static str,
        /// Its address.
        base: u64,
        /// Its size.
        size: u64,
        /// What it overlaps.
        with: &'static str,
    },
    /// Under Kexec HandOver, the resident region is neither inside a scratch range nor
    /// reserved by the DTB: the previous kernel may have preserved memory there.
    KhoResident {
        /// Start of the resident region.
        base: u64,
        /// Its size.
        size: u64,
    },
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

/// Why the resident stub could not be installed.
#[derive(Debug)]
pub enum StubProblem {
    /// Its code is larger than its budget or the resident region.
    TooBig {
        /// The stub's length in bytes.
        len: usize,
        /// The most it may take.
        room: u64,
    },
    /// The resident region's base is not 2 KiB aligned, as `VBAR_EL2` needs.
    Misaligned,
    /// `HVC_SET_VECTORS` returned this status instead of 0.
    Refused(u64),
}

impl BootError {
    /// The stable short code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoDtb { .. } => "no-dtb",
            Self::Dtb(_) => "dtb",
            Self::DtbOverlaps { .. } => "dtb-range",
            Self::FirstBank { .. } => "resident",
            Self::NoMemory => "no-memory",
            Self::NoBundle => "no-bundle",
            Self::BundleOutsideDram { .. } => "bundle-range",
            Self::BundleOverlaps { .. } => "bundle-range",
            Self::Bundle(_) => "bundle",
            Self::KeptBundle { .. } => "bundle",
            Self::NoSuchEntry(_) => "no-entry",
            Self::MissingRecord { .. } => "bundle",
            Self::Console { .. } => "console",
            Self::Stub { .. } => "stub",
            Self::EntryDtb { .. } => "dtb",
            Self::StackOverflow { .. } => "stack",
            Self::Kernel(_) => "kernel",
            Self::Gzip(_) => "kernel-gzip",
            Self::Placement(_) => "placement",
            Self::KhoPlacement(_) => "placement",
            Self::Kho(_) | Self::KhoOverlaps { .. } | Self::KhoResident { .. } => "kho",
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
            Self::DtbOverlaps { base, size, with } => {
                write!(f, "DTB range {base:#x}+{size:#x} overlaps {with}")
            }
            Self::FirstBank { bank, why } => write!(
                f,
                "first DRAM bank {:#x}..{:#x} {why}: no place for the resident stub and state page at its top",
                bank.base,
                bank.end()
            ),
            Self::NoMemory => write!(f, "the DTB describes no /memory"),
            Self::NoBundle => write!(
                f,
                "no bundle: none appended to springboard, none in the /chosen initrd range (pass one with -initrd or --initrd), none kept resident"
            ),
            Self::BundleOutsideDram { base, size } => {
                write!(f, "bundle range {base:#x}+{size:#x} is not inside DRAM")
            }
            Self::BundleOverlaps { base, size, with } => {
                write!(f, "bundle range {base:#x}+{size:#x} overlaps {with}")
            }
            Self::Bundle(e) => write!(f, "offset {:#x}: {}", e.offset, e.kind),
            Self::KeptBundle { base, why } => {
                write!(f, "the bundle kept at {base:#x} by an earlier run {why}")
            }
            Self::NoSuchEntry(name) => write!(f, "springboard.entry={name}: the bundle has no such entry"),
            Self::MissingRecord { what, index } => {
                write!(f, "the bundle's tables refer to {what} {index}, which it does not have")
            }
            Self::Console { base, what } => write!(
                f,
                "/chosen/stdout-path names a PL011 at {base:#x} that {what}; this report is on the board's UART"
            ),
            Self::EntryDtb { why } => write!(f, "the entry's own DTB {why}"),
            Self::StackOverflow { size } => {
                write!(f, "the loader's {size}-byte stack overflowed into .bss")
            }
            Self::Stub { base, why: StubProblem::TooBig { len, room } } => {
                write!(f, "the stub is {len} bytes, more than the {room} it has at {base:#x}")
            }
            Self::Stub { base, why: StubProblem::Misaligned } => {
                write!(f, "resident region at {base:#x} is not 2 KiB aligned for VBAR_EL2")
            }
            Self::Stub { base, why: StubProblem::Refused(status) } => {
                write!(f, "HVC_SET_VECTORS({base:#x}) answered {status:#x}")
            }
            Self::Kernel(e) => write!(f, "{e}"),
            Self::Gzip(e) => write!(f, "offset {:#x}: {}", e.offset, e.kind),
            Self::Placement(e) => write!(f, "{e}"),
            Self::KhoPlacement(e) => write!(
                f,
                "{e}; the search was limited to the KHO scratch ranges (/chosen/linux,kho-scratch): the previous kernel may have preserved any other memory"
            ),
            Self::Kho(e) => write!(f, "{e}"),
            Self::KhoOverlaps { what, base, size, with } => {
                write!(f, "{what} {base:#x}+{size:#x} overlaps {with}")
            }
            Self::KhoResident { base, size } => write!(
                f,
                "resident region {base:#x}+{size:#x} is neither in a KHO scratch range nor reserved: the previous kernel may have preserved memory there"
            ),
            Self::Resident { base, with } => {
                write!(f, "resident region at {base:#x} overlaps the {with}")
            }
            Self::BadOption { key, value } => {
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
