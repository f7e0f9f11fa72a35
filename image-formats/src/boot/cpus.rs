//! The CPUs a DTB describes and how each is started (`/cpus/cpu@N`: `reg` = its MPIDR
//! affinity, `enable-method`, `cpu-release-addr`; Linux 6.1
//! `Documentation/devicetree/bindings/arm/cpus.yaml`), for a resident stub that serves PSCI on a
//! board whose CPUs wait in a spin-table pen: the stub wakes such a CPU by writing an entry to
//! its release address.

use crate::fdt::{Fdt, FdtError, FdtErrorKind, Node};

/// At most this many CPUs are read; the stub has a slot for each (`stub::abi::CPU_SLOTS`).
pub const MAX_CPUS: usize = 32;

/// One `/cpus/cpu@N` node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cpu {
    /// `reg`: the CPU's `MPIDR_EL1` affinity fields.
    pub mpidr: u64,
    /// `cpu-release-addr` when `enable-method` is `"spin-table"`: where the CPU, waiting in the
    /// firmware's pen, reads the address it jumps to.
    pub release: Option<u64>,
}

/// The CPUs of a DTB, in blob order.
#[derive(Debug, Clone, Copy)]
pub struct Cpus {
    list: [Cpu; MAX_CPUS],
    len: usize,
}

impl Cpus {
    /// The CPUs read.
    pub fn as_slice(&self) -> &[Cpu] {
        &self.list[..self.len]
    }

    /// Whether every CPU waits in a spin-table pen (and there is at least one).
    pub fn all_spin_table(&self) -> bool {
        self.len > 0 && self.as_slice().iter().all(|c| c.release.is_some())
    }
}

/// Reads the children of `/cpus` whose `device_type` is `"cpu"` (none when there is no
/// `/cpus`). Fails on a `reg` that is not one MPIDR, or a `cpu-release-addr` of other than one
/// or two cells, with the offset of the property. CPUs past [`MAX_CPUS`] are left out.
pub fn cpus(fdt: &Fdt) -> Result<Cpus, FdtError> {
    let mut out = Cpus { list: [Cpu { mpidr: 0, release: None }; MAX_CPUS], len: 0 };
    let Some(parent) = fdt.find_node("/cpus")? else {
        return Ok(out);
    };
    for node in parent.children() {
        let node = node?;
        if node.str_property("device_type")? != Some("cpu") || out.len == MAX_CPUS {
            continue;
        }
        out.list[out.len] = cpu(&node)?;
        out.len += 1;
    }
    Ok(out)
}

/// One CPU node.
fn cpu(node: &Node) -> Result<Cpu, FdtError> {
    let mut reg = node.reg()?;
    let bad_reg = FdtError::new(node.offset(), FdtErrorKind::BadPropertyLength { len: 0 });
    let mpidr = reg.next().ok_or(bad_reg)?.base;
    let release = match node.str_property("enable-method")? {
        Some("spin-table") => node.property("cpu-release-addr")?.map(cells).transpose(),
        _ => Ok(None),
    };
    let release = release
        .map_err(|len| FdtError::new(node.offset(), FdtErrorKind::BadPropertyLength { len }))?;
    Ok(Cpu { mpidr, release })
}

/// A one- or two-cell big-endian value; the length otherwise.
fn cells(value: &[u8]) -> Result<u64, usize> {
    match value.len() {
        4 => Ok(u64::from(u32::from_be_bytes(value.try_into().unwrap_or_default()))),
        8 => Ok(u64::from_be_bytes(value.try_into().unwrap_or_default())),
        len => Err(len),
    }
}
