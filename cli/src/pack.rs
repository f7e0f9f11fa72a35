//! `springboard pack`: build a one-entry bundle from a kernel and its companions.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use clap::Args;
use image_formats::bundle::{Bundle, BundleBuilder, EntrySpec, PayloadKind, NAME_LEN};
use image_formats::fdt::Fdt;

use crate::detect::DTB_MAGIC;
use crate::kernel;
use crate::show;

/// Arguments of `springboard pack`.
#[derive(Debug, Args)]
#[command(after_help = "\
Each file becomes one payload named after the file (cut to 32 bytes), stored 4 KiB aligned
so the firmware can hand the initrd to Linux in place. The command line is stored as its own
payload. The bundle has one boot entry that uses all of them.

Boot it with, for example:
  qemu-system-aarch64 -M virt,virtualization=on -kernel springboard.bin -initrd OUT ...")]
pub struct PackArgs {
    /// Linux arm64 `Image` or `Image.gz` (checked for the "ARM\x64" header magic at 0x38;
    /// a gzip file is stored compressed and flagged, and the firmware inflates it).
    #[arg(long, value_name = "FILE")]
    kernel: PathBuf,
    /// Initial RAM disk (any format; passed to the kernel in place).
    #[arg(long, value_name = "FILE")]
    initrd: Option<PathBuf>,
    /// Kernel command line (replaces /chosen/bootargs).
    #[arg(long, value_name = "TEXT")]
    cmdline: Option<String>,
    /// Device tree blob to boot with instead of the one springboard was given.
    #[arg(long, value_name = "FILE")]
    dtb: Option<PathBuf>,
    /// Name of the boot entry (what `springboard.entry=NAME` selects).
    #[arg(long, value_name = "NAME", default_value = "default")]
    name: String,
    /// Where to write the bundle.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
}

/// Runs `springboard pack`.
pub fn run(args: &PackArgs, out: &mut String) -> Result<()> {
    let kernel = read(&args.kernel)?;
    let checked =
        kernel::check(&kernel).with_context(|| format!("kernel {}", args.kernel.display()))?;
    let mut builder = BundleBuilder::new();
    let kernel_index =
        builder.add_payload(PayloadKind::Kernel, payload_name(&args.kernel), kernel, checked.gzip);
    let mut entry = EntrySpec::new(args.name.clone(), kernel_index);
    if let Some(path) = &args.initrd {
        entry.initrd =
            Some(builder.add_payload(PayloadKind::Initrd, payload_name(path), read(path)?, false));
    }
    if let Some(path) = &args.dtb {
        let dtb = read(path)?;
        if !dtb.starts_with(&DTB_MAGIC) {
            anyhow::bail!(
                "dtb {}: not a flattened device tree: first bytes {}, expected d0 0d fe ed",
                path.display(),
                show::first_bytes(&dtb, 8)
            );
        }
        Fdt::new(&dtb).map_err(|err| anyhow!("dtb {}: {err}", path.display()))?;
        entry.dtb = Some(builder.add_payload(PayloadKind::Dtb, payload_name(path), dtb, false));
    }
    if let Some(cmdline) = &args.cmdline {
        entry.cmdline =
            Some(builder.add_payload(PayloadKind::Cmdline, "cmdline", cmdline.as_bytes(), false));
    }
    builder.add_entry(entry);
    let bytes = builder.build().context("building the bundle")?;
    fs::write(&args.output, &bytes)
        .with_context(|| format!("writing {}", args.output.display()))?;

    let bundle = Bundle::parse(&bytes).context("re-reading the bundle just built")?;
    writeln!(out, "wrote {}: {}", args.output.display(), show::size(bytes.len() as u64))?;
    let form = if checked.gzip { "gzip-compressed" } else { "uncompressed" };
    let header = &checked.header;
    writeln!(
        out,
        "kernel: {form} arm64 Image, text_offset {:#x}, image_size {}",
        header.text_offset,
        show::size(header.image_size)
    )?;
    crate::inspect::bundle::print_tables(&bundle, out)?;
    Ok(())
}

/// Reads a whole input file, naming it in the error.
fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).with_context(|| format!("reading {}", path.display()))
}

/// A payload name: the file's name, cut to what a bundle name field holds.
fn payload_name(path: &Path) -> &str {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("payload");
    show::truncate_name(name, NAME_LEN)
}
