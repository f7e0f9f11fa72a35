//! Why the model refuses: each reason carries the values that were wrong and prints as
//! `<code>: <detail>`, the codes springboard's console uses (`springboard: error: <code>:`).

use crate::placement::PlacementError;
use crate::MemRange;
use core::fmt;

/// A decision the model cannot make safely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The DTB has no `/memory`.
    NoMemory,
    /// The first DRAM bank cannot hold the resident region at its top.
    FirstBank {
        /// The bank.
        bank: MemRange,
        /// What is wrong with it.
        why: &'static str,
    },
    /// The resident region overlaps something that must survive.
    ResidentOverlaps {
        /// The resident region.
        resident: MemRange,
        /// What it overlaps.
        with: &'static str,
    },
    /// The incoming DTB lies over the resident region.
    DtbOverResident {
        /// The DTB's range.
        dtb: MemRange,
    },
    /// The bundle's range is not inside one DRAM bank.
    BundleOutsideDram {
        /// The range.
        bundle: MemRange,
    },
    /// The bundle's range overlaps something it must not.
    BundleOverlaps {
        /// The range.
        bundle: MemRange,
        /// What it overlaps.
        with: &'static str,
        /// That thing's range.
        other: MemRange,
    },
    /// An entry's own DTB cannot describe the machine springboard was started on.
    EntryDtb {
        /// What is wrong with it.
        why: &'static str,
    },
    /// A KHO FDT or scratch array lies where springboard writes.
    KhoOverlaps {
        /// `"linux,kho-fdt"` or `"linux,kho-scratch array"`.
        what: &'static str,
        /// Its range.
        range: MemRange,
        /// What it overlaps.
        with: &'static str,
    },
    /// Under KHO the resident region is neither scratch nor reserved: the previous kernel may
    /// have preserved memory there.
    KhoResident {
        /// The resident region.
        resident: MemRange,
    },
    /// No room for the kernel, its DTB or an initrd copy.
    Placement(PlacementError),
    /// As [`Refusal::Placement`], with the search limited to the KHO scratch ranges.
    KhoPlacement(PlacementError),
}

impl Refusal {
    /// The stable short code springboard prints.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoMemory => "no-memory",
            Self::FirstBank { .. } | Self::ResidentOverlaps { .. } => "resident",
            Self::DtbOverResident { .. } => "dtb-range",
            Self::BundleOutsideDram { .. } | Self::BundleOverlaps { .. } => "bundle-range",
            Self::EntryDtb { .. } => "dtb",
            Self::KhoOverlaps { .. } | Self::KhoResident { .. } => "kho",
            Self::Placement(_) | Self::KhoPlacement(_) => "placement",
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Self::NoMemory => write!(f, "the DTB describes no /memory"),
            Self::FirstBank { bank, why } => write!(
                f,
                "first DRAM bank {:#x}..{:#x} {why}: no place for the resident stub and state \
                page at its top",
                bank.base,
                bank.end()
            ),
            Self::ResidentOverlaps { resident, with } => {
                write!(f, "resident region at {:#x} overlaps the {with}", resident.base)
            }
            Self::DtbOverResident { dtb } => {
                write!(f, "DTB range {:#x}+{:#x} overlaps the resident region", dtb.base, dtb.size)
            }
            Self::BundleOutsideDram { bundle } => {
                write!(f, "bundle range {:#x}+{:#x} is not inside DRAM", bundle.base, bundle.size)
            }
            Self::BundleOverlaps { bundle, with, other } => write!(
                f,
                "bundle range {:#x}+{:#x} overlaps {with} at {:#x}+{:#x}",
                bundle.base, bundle.size, other.base, other.size
            ),
            Self::EntryDtb { why } => write!(f, "the entry's own DTB {why}"),
            Self::KhoOverlaps { what, range, with } => {
                write!(f, "{what} {:#x}+{:#x} overlaps {with}", range.base, range.size)
            }
            Self::KhoResident { resident } => write!(
                f,
                "resident region {:#x}+{:#x} is neither in a KHO scratch range nor reserved: \
                the previous kernel may have preserved memory there",
                resident.base, resident.size
            ),
            Self::Placement(e) => write!(f, "{e}"),
            Self::KhoPlacement(e) => write!(
                f,
                "{e}; the search was limited to the KHO scratch ranges \
                (/chosen/linux,kho-scratch): the previous kernel may have preserved any other \
                memory"
            ),
        }
    }
}
