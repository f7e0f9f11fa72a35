//! Printing a summary of a device tree blob: what springboard reads from it.

use image_formats::MemRange;
use std::fmt::Write as _;

use anyhow::{anyhow, Result};
use image_formats::fdt::{summarize, Fdt};

use crate::show;

/// Prints the summary of the DTB in `data`: compatible, memory, `/chosen`, PSCI and every
/// reservation.
pub fn inspect(data: &[u8], out: &mut String) -> Result<()> {
    let fdt = Fdt::new(data).map_err(|err| anyhow!("{err}"))?;
    let summary = summarize(&fdt).map_err(|err| anyhow!("{err}"))?;
    writeln!(
        out,
        "device tree blob, totalsize {}, boot CPU {}",
        show::size(fdt.totalsize() as u64),
        fdt.boot_cpuid_phys()
    )?;
    writeln!(out, "  compatible          {}", summary.compatible.unwrap_or("(none)"))?;
    ranges(out, "memory", summary.memory.as_slice())?;
    writeln!(out, "  /chosen")?;
    writeln!(out, "    bootargs          {}", quoted(summary.bootargs))?;
    let device = match summary.stdout {
        Some(dev) => format!(" -> {} at {:#x}", dev.compatible, dev.reg.base),
        None => String::new(),
    };
    writeln!(out, "    stdout-path       {}{device}", quoted(summary.stdout_path))?;
    match summary.initrd {
        Some(range) => writeln!(out, "    initrd            {}", range_text(&range))?,
        None => writeln!(out, "    initrd            (none)")?,
    }
    writeln!(out, "  psci method         {}", summary.psci_method.unwrap_or("(none)"))?;
    ranges(out, "/memreserve/", summary.memreserve.as_slice())?;
    ranges(out, "/reserved-memory", summary.reserved_memory.as_slice())?;
    if data.len() > fdt.totalsize() {
        writeln!(out, "  ({} bytes after totalsize ignored)", data.len() - fdt.totalsize())?;
    }
    Ok(())
}

/// One line per range under a label, or `(none)`.
fn ranges(out: &mut String, label: &str, list: &[MemRange]) -> Result<()> {
    if list.is_empty() {
        writeln!(out, "  {label:<19} (none)")?;
    }
    for (i, range) in list.iter().enumerate() {
        let label = if i == 0 { label } else { "" };
        writeln!(out, "  {label:<19} {}", range_text(range))?;
    }
    Ok(())
}

/// `base..end (size)`.
fn range_text(range: &MemRange) -> String {
    format!("{:#x}..{:#x} {}", range.base, range.end(), show::size(range.size))
}

/// A string property in quotes, or `(none)`.
fn quoted(value: Option<&str>) -> String {
    value.map_or_else(|| "(none)".to_string(), |v| format!("{v:?}"))
}
