//! The one error type the boot flow ends in. Its `code()` is printed as
//! `springboard: error: <code>: <detail>` and is stable, so tests and people can match it.

use core::fmt;
use image_formats::{boot::Refusal, bundle::BundleError, fdt::FdtError, image::ImageError};

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
    /// A decision of the boot model (`image_formats::boot`): memory, the bundle's range, an
    /// entry's own DTB, Kexec HandOver, placement.
    Plan(Refusal),
    /// The patched DTB would be larger than the plan made room for.
    DtbOutgrewPlan {
        /// The room the plan made.
        bound: u64,
    },
    /// The DTB's range overlaps springboard's image.
    DtbOverlaps {
        /// Its address.
        base: u64,
        /// Its length (the header's, until `totalsize` is read).
        size: u64,
        /// What it overlaps.
        with: &'static str,
    },
    /// No bundle: none appended to springboard's image, no `/chosen` initrd range, none kept
    /// resident by an earlier run.
    NoBundle,
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
    /// `/chosen/stdout-path` names a UART where nothing answers (reported on another UART the
    /// DTB describes, if there is one).
    Console {
        /// Its base address.
        base: u64,
        /// What is wrong with it.
        what: &'static str,
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
    /// The incoming DTB's Kexec HandOver description (`/chosen/linux,kho-fdt`,
    /// `linux,kho-scratch` and the array it points to) is malformed.
    Kho(image_formats::kho::KhoError),
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
    /// The identity map could not be built, so the MMU and caches stay off.
    Mmu {
        /// The address the problem is at.
        base: u64,
        /// What is wrong.
        why: MmuProblem,
    },
}

/// Why the identity map could not be built (`loader/src/mmu.rs`).
#[derive(Debug)]
pub enum MmuProblem {
    /// DRAM (or springboard, or its DTB) ends above the CPU's physical address size.
    AbovePhysical {
        /// `ID_AA64MMFR0_EL1.PARange`, in bits.
        bits: u32,
    },
    /// `aarch64-paging` refused a range.
    Map {
        /// One past the range's last byte.
        end: u64,
        /// Its reason.
        why: &'static str,
    },
    /// The map needs more tables than the pool in .bss holds.
    OutOfTables {
        /// The pool's size in tables.
        tables: usize,
    },
    /// The map was already built once in this run.
    AlreadyOn,
    /// Once on, the MMU translates an address with other attributes than the map says.
    Attributes {
        /// The `MAIR_EL1` byte the map gives it.
        want: u8,
        /// The one `AT S1E1R` reported (`None`: no translation).
        got: Option<u8>,
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
            Self::Plan(refusal) => refusal.code(),
            Self::DtbOutgrewPlan { .. } => "dtb-patch",
            Self::Dtb(_) => "dtb",
            Self::DtbOverlaps { .. } => "dtb-range",
            Self::NoBundle => "no-bundle",
            Self::Bundle(_) => "bundle",
            Self::KeptBundle { .. } => "bundle",
            Self::NoSuchEntry(_) => "no-entry",
            Self::MissingRecord { .. } => "bundle",
            Self::Console { .. } => "console",
            Self::Stub { .. } => "stub",
            Self::StackOverflow { .. } => "stack",
            Self::Kernel(_) => "kernel",
            Self::Gzip(_) => "kernel-gzip",
            Self::Kho(_) => "kho",
            Self::Patch(_) => "dtb-patch",
            Self::Cmdline(_) => "cmdline",
            Self::BadOption { .. } => "option",
            Self::Mmu { .. } => "mmu",
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
            Self::Plan(refusal) => write!(f, "{refusal}"),
            Self::DtbOutgrewPlan { bound } => {
                write!(f, "the patched DTB would need more than the {bound:#x} bytes planned")
            }
            // The code already names the format: print the offset and what was wrong.
            Self::Dtb(e) | Self::Patch(e) => write!(f, "offset {:#x}: {}", e.offset, e.kind),
            Self::DtbOverlaps { base, size, with } => {
                write!(f, "DTB range {base:#x}+{size:#x} overlaps {with}")
            }
            Self::NoBundle => write!(
                f,
                "no bundle: none appended to springboard, none in the /chosen initrd range (pass \
                one with -initrd or --initrd), none kept resident"
            ),
            Self::Bundle(e) => write!(f, "offset {:#x}: {}", e.offset, e.kind),
            Self::KeptBundle { base, why } => {
                write!(f, "the bundle kept at {base:#x} by an earlier run {why}")
            }
            Self::NoSuchEntry(name) => {
                write!(f, "springboard.entry={name}: the bundle has no such entry")
            }
            Self::MissingRecord { what, index } => {
                write!(f, "the bundle's tables refer to {what} {index}, which it does not have")
            }
            Self::Console { base, what } => {
                write!(f, "/chosen/stdout-path names a UART at {base:#x} that {what}")
            }
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
            Self::Kho(e) => write!(f, "{e}"),
            Self::BadOption { key, value } => {
                write!(f, "springboard.{key}={value}: unknown value")
            }
            Self::Cmdline(e) => {
                write!(f, "kernel command line needs {} bytes, at most {}", e.needed, e.capacity)
            }
            Self::Mmu { base, why: MmuProblem::AbovePhysical { bits } } => {
                write!(f, "{base:#x} is above the CPU's {bits}-bit physical address space")
            }
            Self::Mmu { base, why: MmuProblem::Map { end, why } } => {
                write!(f, "cannot map {base:#x}..{end:#x}: {why}")
            }
            Self::Mmu { why: MmuProblem::OutOfTables { tables }, .. } => {
                write!(f, "the identity map needs more than the {tables} page tables in .bss")
            }
            Self::Mmu { why: MmuProblem::AlreadyOn, .. } => {
                write!(f, "the identity map was already built")
            }
            Self::Mmu { base, why: MmuProblem::Attributes { want, got: Some(got) } } => {
                write!(f, "{base:#x} translates with attributes {got:#04x}, not {want:#04x}")
            }
            Self::Mmu { base, why: MmuProblem::Attributes { want, got: None } } => {
                write!(f, "{base:#x} does not translate (attributes {want:#04x} expected)")
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

impl From<Refusal> for BootError {
    fn from(refusal: Refusal) -> Self {
        Self::Plan(refusal)
    }
}
