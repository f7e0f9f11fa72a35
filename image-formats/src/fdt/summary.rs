//! [`summarize`]: what a boot loader needs from a DTB, read once.

use super::blob::RSV_ENTRY_LEN;
use super::cells::{be_u32_or_u64, read_cells};
use super::{device_at, Device, Fdt, FdtError, FdtErrorKind, Node, RangeList};
use crate::MemRange;

// The capacities below were measured over the 768 DTBs Debian bookworm's `linux-image-arm64`
// and `linux-image-cloud-arm64` packages ship (Linux 6.1.0-57, under
// `/usr/lib/linux-image-*/`; `tests/tests/real_dtbs.rs` reads every one of them). The largest
// counts found: 6 memory ranges (`hisilicon/hi6220-hikey.dtb`), 1 `/memreserve/` entry
// (`arm/foundation-v8-*.dtb`) and 44 `/reserved-memory` ranges
// (`qcom/sm8450-sony-xperia-nagara-pdx223.dtb`). Newer Qualcomm SoCs reserve more (Linux
// 6.1's `drivers/of/of_reserved_mem.c` stopped at `MAX_RESERVED_REGIONS` = 64, which later
// kernels dropped for that reason), and boot loaders that split `/memory` per firmware memory
// map entry write dozens of ranges, hence the margins.

/// How many memory ranges a [`Summary`] holds (measured: 6).
pub const MAX_MEMORY_RANGES: usize = 64;
/// How many `/memreserve/` entries a [`Summary`] holds (measured: 1).
pub const MAX_MEMRESERVE: usize = 32;
/// How many `/reserved-memory` ranges a [`Summary`] holds (measured: 44; twice Linux 6.1's
/// own limit of 64).
pub const MAX_RESERVED_MEMORY: usize = 128;

// The firmware keeps a `Summary` on its 64 KiB stack (`loader/linker.ld`): keep it small.
const _: () = assert!(core::mem::size_of::<Summary>() <= 4096);

/// The facts of a DTB that springboard acts on. [`Summary::default`] is a DTB that says
/// nothing (no memory, no reservations), for building one by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary<'a> {
    /// The first string of the root `compatible`.
    pub compatible: Option<&'a str>,
    /// Every `reg` range of every root child with `device_type = "memory"` whose `status` is
    /// absent, `"okay"` or `"ok"` (Linux scans the root's children the same way).
    pub memory: RangeList<MAX_MEMORY_RANGES>,
    /// The `/memreserve/` entries.
    pub memreserve: RangeList<MAX_MEMRESERVE>,
    /// The `reg` of every child of `/reserved-memory` (children without `reg`, which ask for
    /// a dynamic allocation, are left out).
    pub reserved_memory: RangeList<MAX_RESERVED_MEMORY>,
    /// `/chosen/bootargs`.
    pub bootargs: Option<&'a str>,
    /// `/chosen/stdout-path` as written (it may be an alias and carry `:options`).
    pub stdout_path: Option<&'a str>,
    /// The device `stdout-path` names, when its node exists, is enabled, has `compatible` and
    /// `reg`, and the CPU can reach it (its `reg` translated through its buses' `ranges`).
    pub stdout: Option<Device<'a>>,
    /// `/chosen/linux,initrd-start` and `linux,initrd-end`, when both are present.
    pub initrd: Option<MemRange>,
    /// `/psci/method` (`"smc"` or `"hvc"`).
    pub psci_method: Option<&'a str>,
    /// `/chosen/linux,kho-fdt`: where a previous kernel left its Kexec HandOver FDT
    /// ([`crate::kho`]).
    pub kho_fdt: Option<MemRange>,
    /// `/chosen/linux,kho-scratch`: where it left the array of scratch ranges (the ranges are
    /// in that array, not in the property; [`crate::kho`]).
    pub kho_scratch: Option<MemRange>,
}

/// Reads the [`Summary`] of `fdt`. Fails on malformed properties, and when there are more
/// memory or reserved ranges than the lists hold ([`FdtErrorKind::TooManyRanges`]): a loader
/// must not place anything without knowing every reservation.
pub fn summarize<'a>(fdt: &Fdt<'a>) -> Result<Summary<'a>, FdtError> {
    let root = fdt.root()?;
    let chosen = fdt.find_node("/chosen")?;
    let chosen_str = |name| match chosen {
        Some(node) => node.str_property(name),
        None => Ok(None),
    };
    let stdout_path = chosen_str("stdout-path")?;
    let psci_method = match fdt.find_node("/psci")? {
        Some(psci) => psci.str_property("method")?,
        None => None,
    };
    Ok(Summary {
        compatible: root.str_property("compatible")?,
        memory: memory_banks(&root)?,
        memreserve: memreserve(fdt)?,
        reserved_memory: reserved_memory(fdt)?,
        bootargs: chosen_str("bootargs")?,
        stdout_path,
        stdout: match stdout_path {
            Some(path) => stdout_device(fdt, path)?,
            None => None,
        },
        initrd: match chosen {
            Some(node) => initrd(&node)?,
            None => None,
        },
        psci_method,
        kho_fdt: match chosen {
            Some(node) => address_size(&root, &node, "linux,kho-fdt")?,
            None => None,
        },
        kho_scratch: match chosen {
            Some(node) => address_size(&root, &node, "linux,kho-scratch")?,
            None => None,
        },
    })
}

/// A `/chosen` property holding one (address, size) pair in the root's `#address-cells` and
/// `#size-cells`, as Linux reads `linux,kho-fdt` and `linux,kho-scratch`
/// (`early_init_dt_check_kho` in `drivers/of/fdt.c`, Linux 6.16; 6.16 read the size with
/// `#address-cells`, fixed in November 2025 by "of/fdt: Fix incorrect use of
/// dt_root_addr_cells in early_init_dt_check_kho()" — the same when both are 2, as on arm64).
/// The length must be exactly one pair; Linux ignores the property otherwise, springboard
/// refuses it.
fn address_size(
    root: &Node<'_>,
    chosen: &Node<'_>,
    name: &str,
) -> Result<Option<MemRange>, FdtError> {
    let Some((value, at)) = chosen.property_at(name)? else {
        return Ok(None);
    };
    let (address_cells, size_cells) = root.child_cells()?;
    if address_cells > 2 || size_cells > 2 {
        return Err(FdtError::new(
            at,
            FdtErrorKind::UnsupportedCells { address_cells, size_cells },
        ));
    }
    let bad_len = FdtError::new(at, FdtErrorKind::BadPropertyLength { len: value.len() });
    if value.len() != (address_cells + size_cells) as usize * 4 {
        return Err(bad_len);
    }
    let (base, rest) = read_cells(value, address_cells).ok_or(bad_len)?;
    let (size, _) = read_cells(rest, size_cells).ok_or(bad_len)?;
    super::range::checked(base, size, at).map(Some)
}

/// The `reg` ranges of the root's enabled `device_type = "memory"` children.
fn memory_banks(root: &Node<'_>) -> Result<RangeList<MAX_MEMORY_RANGES>, FdtError> {
    let mut list = RangeList::new();
    for node in root.children() {
        let node = node?;
        let enabled = matches!(node.str_property("status")?, None | Some("okay" | "ok"));
        if node.str_property("device_type")? != Some("memory") || !enabled {
            continue;
        }
        for range in node.reg()? {
            list.push_at(range, node.offset())?;
        }
    }
    Ok(list)
}

/// The memory reservation block's entries.
fn memreserve(fdt: &Fdt<'_>) -> Result<RangeList<MAX_MEMRESERVE>, FdtError> {
    let mut list = RangeList::new();
    let start = fdt.layout().rsv_start;
    for (i, range) in fdt.memreserve().enumerate() {
        list.push_at(range?, start + i * RSV_ENTRY_LEN)?;
    }
    Ok(list)
}

/// The `reg` ranges of `/reserved-memory`'s children.
fn reserved_memory(fdt: &Fdt<'_>) -> Result<RangeList<MAX_RESERVED_MEMORY>, FdtError> {
    let mut list = RangeList::new();
    let Some(parent) = fdt.find_node("/reserved-memory")? else {
        return Ok(list);
    };
    for child in parent.children() {
        let child = child?;
        for range in child.reg()? {
            list.push_at(range, child.offset())?;
        }
    }
    Ok(list)
}

/// The device `stdout-path` names: `:options` stripped, an alias looked up in `/aliases`.
fn stdout_device<'a>(fdt: &Fdt<'a>, stdout_path: &'a str) -> Result<Option<Device<'a>>, FdtError> {
    let name = stdout_path.split(':').next().unwrap_or_default();
    let path = if name.starts_with('/') {
        name
    } else {
        match fdt.find_node("/aliases")? {
            Some(aliases) => match aliases.str_property(name)? {
                Some(path) => path,
                None => return Ok(None),
            },
            None => return Ok(None),
        }
    };
    device_at(fdt, path)
}

/// `linux,initrd-start` and `linux,initrd-end` of `/chosen` as a range.
fn initrd(chosen: &Node<'_>) -> Result<Option<MemRange>, FdtError> {
    let number = |name| -> Result<Option<u64>, FdtError> {
        let Some((value, at)) = chosen.property_at(name)? else {
            return Ok(None);
        };
        be_u32_or_u64(value)
            .map(Some)
            .ok_or(FdtError::new(at, FdtErrorKind::BadPropertyLength { len: value.len() }))
    };
    let (Some(start), Some(end)) = (number("linux,initrd-start")?, number("linux,initrd-end")?)
    else {
        return Ok(None);
    };
    if end < start {
        let at = chosen.offset();
        return Err(FdtError::new(at, FdtErrorKind::InitrdEndBeforeStart { start, end }));
    }
    Ok(Some(MemRange { base: start, size: end - start }))
}
