//! The options of `springboard swap`, and the grouping of each `--cmdline` with the `--kernel`
//! before it.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::{ArgMatches, Args, Command, FromArgMatches};

use super::target::{machine_values, Choice, Handoff};

/// The options of `springboard swap` as clap parses them; [`SwapArgs`] adds their order.
#[derive(Debug, Args)]
#[command(after_help = "\
Boots every --kernel in turn in one QEMU run: springboard starts the first, a small agent in the
guest runs the --test script, prints its result and kexecs springboard, which boots the next
kernel from the bundle it kept resident. A kernel that panics or runs past --timeout is a failed
row and the sequence goes on. The exit status is non-zero when any kernel failed.

  springboard swap --kernel vmlinuz-6.1 --kernel vmlinuz-6.12 --test check.sh \\
      --json results.json --junit results.xml

  springboard swap --machine versal --kernel vmlinuz-6.1 --kernel vmlinuz-6.1-cloud

A --cmdline after a --kernel adds words to that kernel's command line (after the board's
console, e.g. 'console=ttyAMA0 panic=-1 sbtest.swap=1' on virt, and 'springboard.handoff=el1'
with --handoff el1). The test script runs as /test.sh under /bin/sh with busybox's applets on
PATH; exit status 0 is a pass. The guest pieces come from `cargo xtask setup` (--assets: the
kexec guest initramfs, and the DTB of a board that needs one) and `cargo xtask build`
(--firmware).")]
pub struct SwapFlags {
    /// A kernel `Image` to boot and test; repeat for each kernel, in the order to boot them.
    #[arg(long, value_name = "FILE", required = true)]
    kernel: Vec<PathBuf>,
    /// Extra kernel command-line words for the --kernel given just before.
    #[arg(long, value_name = "TEXT")]
    cmdline: Vec<String>,
    /// A further initramfs archive (newc cpio, may be compressed) appended to the guest's,
    /// for files the test script needs.
    #[arg(long, value_name = "FILE")]
    pub initrd: Option<PathBuf>,
    /// Shell script run under each kernel as /test.sh; exit status 0 passes. Without it a
    /// kernel passes when it reaches userspace.
    #[arg(long, value_name = "SCRIPT")]
    pub test: Option<PathBuf>,
    /// The QEMU machine: one of the boards springboard is tested on, which gives QEMU's
    /// options, the console's serial port, the DTB and the kernels' `console=`.
    #[arg(long, value_name = "NAME", default_value = "virt", value_parser = machine_values())]
    pub machine: String,
    /// The board's DTB, for a board that boots with a DTB of its own (raspi3b, zcu102);
    /// default: the one --assets' manifest lists for the board.
    #[arg(long, value_name = "FILE")]
    pub dtb: Option<PathBuf>,
    /// The level springboard enters every kernel at: el2 (through its stub, KVM available) or
    /// el1 (the stub stays resident at EL2 and serves the kernel's PSCI calls).
    #[arg(long, value_name = "LEVEL", value_enum, default_value_t = Handoff::El2)]
    pub handoff: Handoff,
    /// QEMU CPU model (`-cpu`), on a board that lets it be chosen (virt: cortex-a57 by
    /// default, non-VHE; `max,pauth-impdef=on` boots VHE kernels).
    #[arg(long, value_name = "MODEL")]
    pub cpu: Option<String>,
    /// Number of CPUs (`-smp`); default: the board's (1 on virt, 4 on the others).
    #[arg(long, value_name = "N")]
    pub smp: Option<u32>,
    /// Guest memory (`-m`), one of the sizes the board is known to boot with; default: the
    /// board's first (1G on virt).
    #[arg(long, value_name = "SIZE")]
    pub memory: Option<String>,
    /// Seconds one kernel may take from springboard starting it to the next start; past it
    /// the runner resets the machine and the kernel's row fails. The test script gets three
    /// quarters of it.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub timeout: u64,
    /// Write the results as a JSON array of {kernel, release, el, result, seconds, reason}.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the results as JUnit XML: one testsuite, one testcase per kernel.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write the whole QEMU console to FILE.
    #[arg(long, value_name = "FILE")]
    pub console: Option<PathBuf>,
    /// The assets folder of `cargo xtask setup`, whose manifest.txt names the kexec guest
    /// initramfs.
    #[arg(long, value_name = "DIR", default_value = "target/assets")]
    pub assets: PathBuf,
    /// springboard's firmware image (from `cargo xtask build`).
    #[arg(long, value_name = "FILE", default_value = "target/springboard/springboard.bin")]
    pub firmware: PathBuf,
    /// Keep the bundle, the guest initramfs and QEMU's monitor socket in DIR instead of a
    /// temporary folder that is removed afterwards.
    #[arg(long, value_name = "DIR")]
    pub work: Option<PathBuf>,
    /// The QEMU program.
    #[arg(long, value_name = "PROGRAM", default_value = "qemu-system-aarch64")]
    pub qemu: String,
}

impl SwapFlags {
    /// What the flags say about the machine.
    pub fn choice(&self) -> Choice<'_> {
        Choice {
            board: &self.machine,
            dtb: self.dtb.as_deref(),
            cpu: self.cpu.as_deref(),
            smp: self.smp,
            memory: self.memory.as_deref(),
            program: &self.qemu,
        }
    }
}

/// One kernel to boot and its extra command-line words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KernelArg {
    /// The `Image` file.
    pub path: PathBuf,
    /// The words of every `--cmdline` that followed it, joined by spaces.
    pub cmdline: String,
}

/// Arguments of `springboard swap`: the options and the kernels with their command lines.
#[derive(Debug)]
pub struct SwapArgs {
    /// The options (boxed: they are most of the size of the CLI's subcommand enum).
    pub flags: Box<SwapFlags>,
    /// The kernels, in boot order.
    pub kernels: Vec<KernelArg>,
}

/// A `--kernel` or a `--cmdline`, where it was on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ordered {
    /// `--kernel FILE`.
    Kernel(PathBuf),
    /// `--cmdline TEXT`.
    Cmdline(String),
}

/// Gives each `--cmdline` to the `--kernel` before it.
pub fn group(options: &[Ordered]) -> Result<Vec<KernelArg>> {
    let mut kernels: Vec<KernelArg> = Vec::new();
    for option in options {
        match option {
            Ordered::Kernel(path) => {
                kernels.push(KernelArg { path: path.clone(), cmdline: String::new() });
            }
            Ordered::Cmdline(text) => match kernels.last_mut() {
                Some(kernel) if kernel.cmdline.is_empty() => kernel.cmdline = text.clone(),
                Some(kernel) => kernel.cmdline = format!("{} {text}", kernel.cmdline),
                None => bail!("--cmdline {text:?} comes before any --kernel: it belongs to one"),
            },
        }
    }
    if kernels.len() > image_formats::state::MAX_ENTRIES {
        bail!(
            "{} kernels: springboard's state page keeps at most {}",
            kernels.len(),
            image_formats::state::MAX_ENTRIES
        );
    }
    Ok(kernels)
}

impl FromArgMatches for SwapArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let flags = Box::new(SwapFlags::from_arg_matches(matches)?);
        let mut ordered: Vec<(usize, Ordered)> = Vec::new();
        if let (Some(v), Some(i)) =
            (matches.get_many::<PathBuf>("kernel"), matches.indices_of("kernel"))
        {
            ordered.extend(i.zip(v.cloned().map(Ordered::Kernel)));
        }
        if let (Some(v), Some(i)) =
            (matches.get_many::<String>("cmdline"), matches.indices_of("cmdline"))
        {
            ordered.extend(i.zip(v.cloned().map(Ordered::Cmdline)));
        }
        ordered.sort_by_key(|(index, _)| *index);
        let options: Vec<Ordered> = ordered.into_iter().map(|(_, o)| o).collect();
        let kernels = group(&options).map_err(|e| {
            clap::Error::raw(clap::error::ErrorKind::ArgumentConflict, format!("{e}\n"))
        })?;
        Ok(Self { flags, kernels })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for SwapArgs {
    fn augment_args(cmd: Command) -> Command {
        SwapFlags::augment_args(cmd)
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        SwapFlags::augment_args_for_update(cmd)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cmdline_belongs_to_the_kernel_before_it() {
        let got = group(&[
            Ordered::Kernel("a".into()),
            Ordered::Kernel("b".into()),
            Ordered::Cmdline("init=/x".into()),
            Ordered::Cmdline("quiet".into()),
            Ordered::Kernel("c".into()),
        ])
        .unwrap();
        let cmdlines: Vec<&str> = got.iter().map(|k| k.cmdline.as_str()).collect();
        assert_eq!(cmdlines, ["", "init=/x quiet", ""]);
        assert_eq!(got[2].path, PathBuf::from("c"));
    }

    #[test]
    fn a_cmdline_before_any_kernel_is_refused() {
        let err = group(&[Ordered::Cmdline("quiet".into())]).unwrap_err();
        assert!(err.to_string().contains("before any --kernel"), "{err}");
    }
}
