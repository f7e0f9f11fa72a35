//! Printing a bundle's header, payload table (with CRC32 checks) and boot entries.

use std::fmt::Write as _;

use anyhow::{bail, Result};
use image_formats::bundle::layout::{ENTRY_RECORD_SIZE, PAYLOAD_RECORD_SIZE};
use image_formats::bundle::{Bundle, Entry, Payload, PayloadKind};

use crate::{kernel, show};

/// Parses the bundle in `data`, prints it, and fails when a payload fails its CRC32 check.
pub fn inspect(data: &[u8], out: &mut String) -> Result<()> {
    let bundle = Bundle::parse(data)?;
    writeln!(
        out,
        "springboard bundle v{}, total size {}",
        image_formats::bundle::VERSION,
        show::size(bundle.total_size() as u64)
    )?;
    if data.len() > bundle.total_size() {
        writeln!(
            out,
            "  ({} trailing bytes after the bundle ignored)",
            data.len() - bundle.total_size()
        )?;
    }
    writeln!(
        out,
        "  payload table at {:#x} ({} x {:#x} bytes), entry table at {:#x} ({} x {:#x} bytes)",
        bundle.payload_table_offset(),
        bundle.payload_count(),
        PAYLOAD_RECORD_SIZE,
        bundle.entry_table_offset(),
        bundle.entry_count(),
        ENTRY_RECORD_SIZE,
    )?;
    let bad = print_tables(&bundle, out)?;
    if bad > 0 {
        bail!("{bad} of {} payloads failed the CRC32 check", bundle.payload_count());
    }
    Ok(())
}

/// Prints the payloads (each CRC32 checked) and the entries; returns how many payloads failed
/// their CRC32 check.
pub fn print_tables(bundle: &Bundle<'_>, out: &mut String) -> Result<usize> {
    writeln!(out, "payloads:")?;
    let cols = ["#", "kind", "name", "offset", "size", "crc32", "check"];
    writeln!(
        out,
        "  {:>3}  {:<11} {:<32} {:>10} {:>24}  {:<10}  {}",
        cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6]
    )?;
    let mut bad = 0;
    for payload in bundle.payloads() {
        let check = match payload.verify() {
            Ok(()) => "OK".to_string(),
            Err(err) => {
                bad += 1;
                format!("BAD ({err})")
            }
        };
        let kind =
            if payload.gzip { format!("{}+gzip", payload.kind) } else { payload.kind.to_string() };
        writeln!(
            out,
            "  {:>3}  {:<11} {:<32} {:>#10x} {:>24}  {:#010x}  {check}",
            payload.index,
            kind,
            payload.name,
            payload.offset,
            show::size(payload.data.len() as u64),
            payload.crc32,
        )?;
        if let Some(detail) = describe(&payload) {
            writeln!(out, "       {detail}")?;
        }
    }
    writeln!(out, "entries:")?;
    for (index, entry) in bundle.entries().enumerate() {
        writeln!(out, "  {index:>3}  {:?}: {}", entry.name, describe_entry(bundle, &entry))?;
    }
    Ok(bad)
}

/// One line about a payload's content, where there is something to say.
fn describe(payload: &Payload<'_>) -> Option<String> {
    match payload.kind {
        PayloadKind::Kernel => Some(match kernel::check(payload.data) {
            Ok(k) if k.gzip != payload.gzip => {
                format!(
                    "gzip flag {} but the data is {}",
                    payload.gzip,
                    if k.gzip { "gzip" } else { "plain" }
                )
            }
            Ok(k) => format!(
                "arm64 Image: text_offset {:#x}, image_size {}, page size {}, {}",
                k.header.text_offset,
                show::size(k.header.image_size),
                k.header.page_size(),
                if k.header.anywhere() { "anywhere" } else { "near DRAM base" }
            ),
            Err(err) => format!("not bootable: {err:#}"),
        }),
        PayloadKind::Cmdline => payload.as_cmdline().map(|text| format!("{text:?}")),
        _ => None,
    }
}

/// An entry's references, with the names of the payloads and fallback they point to.
fn describe_entry(bundle: &Bundle<'_>, entry: &Entry<'_>) -> String {
    let payload = |index: Option<usize>| match index.and_then(|i| bundle.payload(i)) {
        Some(p) => format!("{} ({})", p.index, p.name),
        None => "-".to_string(),
    };
    let fallback = match entry.fallback.and_then(|i| bundle.entry(i).map(|e| (i, e))) {
        Some((i, e)) => format!("{i} ({})", e.name),
        None => "-".to_string(),
    };
    format!(
        "kernel {}, initrd {}, dtb {}, cmdline {}, fallback {fallback}",
        payload(Some(entry.kernel)),
        payload(entry.initrd),
        payload(entry.dtb),
        payload(entry.cmdline)
    )
}
