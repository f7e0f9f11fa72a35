//! `springboard pack`: build a bundle of one or more boot entries from kernels and their
//! companions (initrd, command line, DTB), each distinct file stored once.

mod append;
mod entries;
mod limits;
mod payloads;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use clap::{ArgMatches, Args, Command, FromArgMatches};
use image_formats::bundle::{Bundle, EntrySpec, PayloadKind, NAME_LEN};
use image_formats::fdt::Fdt;

use crate::detect::DTB_MAGIC;
use crate::kernel;
use crate::show;
pub use entries::EntryArgs;
use entries::EntryOption;
use payloads::Payloads;

/// The options of `springboard pack` as clap parses them; [`PackArgs`] adds their order.
#[derive(Debug, Args)]
#[command(after_help = "\
One entry:
  springboard pack --kernel Image --initrd initrd.img --cmdline 'console=ttyAMA0' -o boot.bundle

Several entries: each --entry NAME starts an entry, and the --kernel, --initrd, --cmdline, --dtb,
--fallback and --bootlimit after it (up to the next --entry) belong to it. Options before the
first --entry form a first entry named by --name (\"default\"). Every entry has exactly one
--kernel. The first entry boots unless springboard's command line says springboard.entry=NAME;
an entry that fails a check boots its --fallback, which must be a later entry. An entry after
which springboard starts again without a report (a panic and a reset) is booted again until it
has had --bootlimit boots (default 1), then counts as failed.
  springboard pack \\
    --entry new --kernel vmlinuz-6.12 --initrd initrd-6.12 --cmdline 'console=ttyAMA0' \\
        --fallback old \\
    --entry old --kernel vmlinuz-6.1 --initrd initrd-6.1 --cmdline 'console=ttyAMA0' \\
    -o boot.bundle

Each distinct file becomes one payload named after the file (cut to 32 bytes), stored 4 KiB
aligned so the firmware can hand the initrd to Linux in place; a command line is a payload of
its own. Content used by several entries in the same role (the same initrd, the same command
line) is stored once.

Boot it with, for example:
  qemu-system-aarch64 -M virt,virtualization=on -kernel springboard.bin -initrd OUT ...
or append it to springboard (--append-to springboard.bin -o bl33.bin) and start that one file:
  qemu-system-aarch64 -M virt,virtualization=on -kernel bl33.bin ...")]
pub struct PackFlags {
    /// Start a boot entry named NAME (what `springboard.entry=NAME` selects); the per-entry
    /// options after it belong to it. Repeat for more entries.
    #[arg(long, value_name = "NAME")]
    entry: Vec<String>,
    /// Linux arm64 `Image` or `Image.gz` (checked for the "ARM\x64" header magic at 0x38;
    /// a gzip file is stored compressed and flagged, and the firmware inflates it). One per
    /// entry.
    #[arg(long, value_name = "FILE", required = true)]
    kernel: Vec<PathBuf>,
    /// Initial RAM disk (any format; passed to the kernel in place). At most one per entry.
    #[arg(long, value_name = "FILE")]
    initrd: Vec<PathBuf>,
    /// Kernel command line (replaces /chosen/bootargs). At most one per entry.
    #[arg(long, value_name = "TEXT")]
    cmdline: Vec<String>,
    /// Device tree blob to boot with instead of the one springboard was given. At most one
    /// per entry.
    #[arg(long, value_name = "FILE")]
    dtb: Vec<PathBuf>,
    /// The (later) entry to boot when this one fails a check. At most one per entry.
    #[arg(long, value_name = "NAME")]
    fallback: Vec<String>,
    /// Boots without a report (`springboard.result=`) before the entry counts as failed and
    /// its fallback is taken, like U-Boot's `bootlimit`: 1 to 255 [default: 1]. At most one
    /// per entry.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=255))]
    bootlimit: Vec<u32>,
    /// Name of the first entry when no --entry opens it [default: default].
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Write springboard IMAGE with the bundle appended instead of the bundle alone: one file
    /// to start as a TF-A BL33, with QEMU `-kernel`, `booti` or `kexec` and no initrd. The
    /// bundle goes at IMAGE's old image_size and the header's image_size covers the whole file.
    #[arg(long, value_name = "IMAGE")]
    append_to: Option<PathBuf>,
    /// Where to write the bundle (or, with --append-to, the image with the bundle).
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
}

/// Arguments of `springboard pack`: the options and, for grouping them into entries, the
/// order in which the per-entry ones were given.
#[derive(Debug)]
pub struct PackArgs {
    /// Boxed: the options are most of the size of the CLI's subcommand enum.
    flags: Box<PackFlags>,
    options: Vec<EntryOption>,
}

impl FromArgMatches for PackArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let flags = Box::new(PackFlags::from_arg_matches(matches)?);
        let mut ordered = Vec::new();
        in_order(matches, "entry", EntryOption::Entry, &mut ordered);
        in_order(matches, "kernel", EntryOption::Kernel, &mut ordered);
        in_order(matches, "initrd", EntryOption::Initrd, &mut ordered);
        in_order(matches, "cmdline", EntryOption::Cmdline, &mut ordered);
        in_order(matches, "dtb", EntryOption::Dtb, &mut ordered);
        in_order(matches, "fallback", EntryOption::Fallback, &mut ordered);
        in_order(matches, "bootlimit", EntryOption::Bootlimit, &mut ordered);
        ordered.sort_by_key(|(index, _)| *index);
        Ok(Self { flags, options: ordered.into_iter().map(|(_, option)| option).collect() })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for PackArgs {
    fn augment_args(cmd: Command) -> Command {
        PackFlags::augment_args(cmd)
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        PackFlags::augment_args_for_update(cmd)
    }
}

/// Adds the values of option `id` with their positions on the command line to `out`.
fn in_order<T: Clone + Send + Sync + 'static>(
    matches: &ArgMatches,
    id: &str,
    make: fn(T) -> EntryOption,
    out: &mut Vec<(usize, EntryOption)>,
) {
    if let (Some(values), Some(indices)) = (matches.get_many::<T>(id), matches.indices_of(id)) {
        out.extend(indices.zip(values.cloned().map(make)));
    }
}

/// A kernel as checked, for the report.
struct CheckedKernel {
    path: PathBuf,
    index: usize,
    kernel: kernel::Kernel,
}

/// A bundle built from entries, with what was checked on the way (for reports).
pub struct Built {
    /// The bundle's bytes.
    pub bytes: Vec<u8>,
    kernels: Vec<CheckedKernel>,
    reused: usize,
}

/// Reads and checks every entry's files and builds the bundle (also used by `swap`).
pub fn build(entries: &[EntryArgs]) -> Result<Built> {
    limits::entry_count(entries.len())?;
    let mut payloads = Payloads::new();
    let mut kernels = Vec::new();
    for entry in entries {
        let spec = add_entry(&mut payloads, entry, &mut kernels)
            .with_context(|| format!("entry \"{}\"", entry.name))?;
        payloads.builder().add_entry(spec);
    }
    let bytes = payloads.builder().build().context("building the bundle")?;
    Ok(Built { bytes, kernels, reused: payloads.reused() })
}

/// Runs `springboard pack`.
pub fn run(args: &PackArgs, out: &mut String) -> Result<()> {
    let entries = entries::group(&args.options, args.flags.name.as_deref())?;
    let Built { bytes, kernels, reused } = build(&entries)?;
    let bundle = Bundle::parse(&bytes).context("re-reading the bundle just built")?;
    write_output(&args.flags, &bytes, out)?;
    for checked in &kernels {
        let form = if checked.kernel.gzip { "gzip-compressed" } else { "uncompressed" };
        let header = &checked.kernel.header;
        write!(
            out,
            "kernel: {form} arm64 Image, text_offset {:#x}, image_size {}",
            header.text_offset,
            show::size(header.image_size)
        )?;
        if kernels.len() > 1 {
            write!(out, " (payload {}, {})", checked.index, checked.path.display())?;
        }
        writeln!(out)?;
    }
    if reused > 0 {
        writeln!(out, "stored once: {reused} file(s) shared by several entries")?;
    }
    crate::inspect::bundle::print_tables(&bundle, out)?;
    Ok(())
}

/// Reads and checks one entry's files, adds them as payloads and returns the entry.
fn add_entry(
    payloads: &mut Payloads,
    entry: &EntryArgs,
    kernels: &mut Vec<CheckedKernel>,
) -> Result<EntrySpec> {
    let data = read(&entry.kernel)?;
    let checked =
        kernel::check(&data).with_context(|| format!("kernel {}", entry.kernel.display()))?;
    let name = payload_name(&entry.kernel);
    let gzip = checked.gzip;
    let index = payloads.add(PayloadKind::Kernel, name, data, gzip);
    if kernels.iter().all(|k| k.index != index) {
        if gzip {
            // Once per stored kernel: it inflates the whole file.
            limits::gzip_kernel(payloads.data(index))
                .with_context(|| format!("kernel {}", entry.kernel.display()))?;
        }
        kernels.push(CheckedKernel { path: entry.kernel.clone(), index, kernel: checked });
    }
    let mut spec = EntrySpec::new(entry.name.clone(), index);
    spec.fallback = entry.fallback;
    spec.bootlimit = entry.bootlimit;
    if let Some(path) = &entry.initrd {
        spec.initrd =
            Some(payloads.add(PayloadKind::Initrd, payload_name(path), read(path)?, false));
    }
    if let Some(path) = &entry.dtb {
        let dtb = read(path)?;
        if !dtb.starts_with(&DTB_MAGIC) {
            anyhow::bail!(
                "dtb {}: not a flattened device tree: first bytes {}, expected d0 0d fe ed",
                path.display(),
                show::first_bytes(&dtb, 8)
            );
        }
        let fdt = Fdt::new(&dtb).map_err(|err| anyhow!("dtb {}: {err}", path.display()))?;
        limits::dtb_size(path, &fdt)?;
        spec.dtb = Some(payloads.add(PayloadKind::Dtb, payload_name(path), dtb, false));
    }
    if let Some(cmdline) = &entry.cmdline {
        limits::command_line(cmdline)?;
        let bytes = cmdline.as_bytes().to_vec();
        spec.cmdline = Some(payloads.add(PayloadKind::Cmdline, "cmdline", bytes, false));
    }
    Ok(spec)
}

/// Writes the bundle, or with `--append-to` springboard with the bundle appended.
fn write_output(flags: &PackFlags, bytes: &[u8], out: &mut String) -> Result<()> {
    match &flags.append_to {
        None => {
            write(&flags.output, bytes)?;
            writeln!(out, "wrote {}: {}", flags.output.display(), show::size(bytes.len() as u64))?;
        }
        Some(image) => {
            let appended = append::append(&read(image)?, bytes)
                .with_context(|| format!("--append-to {}", image.display()))?;
            write(&flags.output, &appended.bytes)?;
            let (old, new) = (appended.old_image_size, appended.new_image_size);
            writeln!(
                out,
                "wrote {}: {} = {} with the bundle ({}) appended at {old:#x}; image_size {old:#x} \
                -> {new:#x}",
                flags.output.display(),
                show::size(appended.bytes.len() as u64),
                image.display(),
                show::size(bytes.len() as u64),
            )?;
        }
    }
    Ok(())
}

/// Writes an output file, naming it in the error.
fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
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
