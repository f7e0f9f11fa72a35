//! `springboard pack` as a typed builder of its arguments: the one way the host programs
//! (tests, `cargo xtask demo` and `bench`) run the CLI to make a bundle.
//!
//! ```
//! use springboard_host::{Entry, Pack};
//! use std::path::Path;
//!
//! let pack = Pack::new()
//!     .entry(Entry::kernel(Path::new("Image")).name("a").initrd(Path::new("i.cpio")).cmdline("q"))
//!     .entry(Entry::kernel(Path::new("Image")).name("b").fallback("a").bootlimit(2));
//! assert_eq!(
//!     pack.args(Path::new("out.bundle")).join(" "),
//!     "pack --entry a --kernel Image --initrd i.cpio --cmdline q \
//!      --entry b --kernel Image --fallback a --bootlimit 2 -o out.bundle"
//! );
//! ```

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{ensure, Context, Result};

/// One boot entry of a bundle: `--entry NAME` (when named) and its options.
#[derive(Clone, Debug)]
pub struct Entry {
    name: Option<String>,
    kernel: PathBuf,
    initrd: Option<PathBuf>,
    cmdline: Option<String>,
    dtb: Option<PathBuf>,
    fallback: Option<String>,
    bootlimit: Option<u32>,
}

impl Entry {
    /// An entry that boots `kernel` (`--kernel`).
    pub fn kernel(kernel: &Path) -> Self {
        Entry {
            name: None,
            kernel: kernel.to_path_buf(),
            initrd: None,
            cmdline: None,
            dtb: None,
            fallback: None,
            bootlimit: None,
        }
    }

    /// `--entry NAME`.
    pub fn name(mut self, name: &str) -> Self {
        self.name = Some(name.to_string());
        self
    }

    /// `--initrd FILE`.
    pub fn initrd(mut self, initrd: &Path) -> Self {
        self.initrd = Some(initrd.to_path_buf());
        self
    }

    /// `--cmdline TEXT`.
    pub fn cmdline(mut self, cmdline: &str) -> Self {
        self.cmdline = Some(cmdline.to_string());
        self
    }

    /// `--dtb FILE`: the entry's own device tree.
    pub fn dtb(mut self, dtb: &Path) -> Self {
        self.dtb = Some(dtb.to_path_buf());
        self
    }

    /// `--fallback NAME`: the entry booted when this one fails.
    pub fn fallback(mut self, name: &str) -> Self {
        self.fallback = Some(name.to_string());
        self
    }

    /// `--bootlimit N`: attempts before the entry counts as failed.
    pub fn bootlimit(mut self, attempts: u32) -> Self {
        self.bootlimit = Some(attempts);
        self
    }

    fn push_args(&self, args: &mut Vec<String>) {
        let path = |p: &PathBuf| p.display().to_string();
        if let Some(name) = &self.name {
            args.extend(["--entry".into(), name.clone()]);
        }
        args.extend(["--kernel".into(), path(&self.kernel)]);
        let options = [
            ("--initrd", self.initrd.as_ref().map(path)),
            ("--cmdline", self.cmdline.clone()),
            ("--dtb", self.dtb.as_ref().map(path)),
            ("--fallback", self.fallback.clone()),
            ("--bootlimit", self.bootlimit.map(|n| n.to_string())),
        ];
        for (flag, value) in options {
            if let Some(value) = value {
                args.extend([flag.to_string(), value]);
            }
        }
    }
}

/// A `springboard pack` run: its entries and, optionally, the image to append the bundle to.
#[derive(Clone, Debug, Default)]
pub struct Pack {
    entries: Vec<Entry>,
    append_to: Option<PathBuf>,
}

impl Pack {
    /// No entries yet.
    pub fn new() -> Self {
        Pack::default()
    }

    /// Adds an entry (in boot order).
    pub fn entry(mut self, entry: Entry) -> Self {
        self.entries.push(entry);
        self
    }

    /// `--append-to IMAGE`: write springboard's image with the bundle appended (one file).
    pub fn append_to(mut self, image: &Path) -> Self {
        self.append_to = Some(image.to_path_buf());
        self
    }

    /// The CLI's arguments that write `out`.
    pub fn args(&self, out: &Path) -> Vec<String> {
        let mut args = vec!["pack".to_string()];
        for entry in &self.entries {
            entry.push_args(&mut args);
        }
        if let Some(image) = &self.append_to {
            args.extend(["--append-to".into(), image.display().to_string()]);
        }
        args.extend(["-o".into(), out.display().to_string()]);
        args
    }

    /// Runs `cli` (the `springboard` program) to write `out`; the error names the command and
    /// carries what the CLI printed on stderr.
    pub fn run(&self, cli: &Path, out: &Path) -> Result<()> {
        let args = self.args(out);
        let output = Command::new(cli)
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("running {}", cli.display()))?;
        ensure!(
            output.status.success(),
            "`{} {}` failed ({}): {}",
            cli.display(),
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_entry_has_no_entry_flag_and_append_to_comes_last() {
        let pack = Pack::new()
            .entry(Entry::kernel(Path::new("k")).initrd(Path::new("i")).dtb(Path::new("d.dtb")))
            .append_to(Path::new("sb.bin"));
        assert_eq!(
            pack.args(Path::new("o")),
            [
                "pack",
                "--kernel",
                "k",
                "--initrd",
                "i",
                "--dtb",
                "d.dtb",
                "--append-to",
                "sb.bin",
                "-o",
                "o"
            ]
        );
    }

    #[test]
    fn a_failing_cli_is_named_with_its_stderr() {
        let err = Pack::new()
            .entry(Entry::kernel(Path::new("k")))
            .run(Path::new("false"), Path::new("o"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("`false pack --kernel k -o o` failed"), "{err}");
    }
}
