//! Grouping `springboard pack`'s repeated per-entry options into boot entries.
//!
//! `--entry NAME` starts an entry; the `--kernel`, `--initrd`, `--cmdline`, `--dtb`,
//! `--fallback` and `--bootlimit` after it, up to the next `--entry`, belong to it. Options
//! before the first `--entry` form a first entry named by `--name` (`default` unless given), so
//! the one-entry form `pack --kernel K --initrd I --cmdline C -o OUT` reads as it always did.

use std::path::PathBuf;

use anyhow::{bail, Result};

/// The name of a first entry that neither `--entry` nor `--name` names.
pub const DEFAULT_NAME: &str = "default";

/// One per-entry option, as it appeared on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryOption {
    /// `--entry NAME`: starts an entry.
    Entry(String),
    /// `--kernel FILE`.
    Kernel(PathBuf),
    /// `--initrd FILE`.
    Initrd(PathBuf),
    /// `--cmdline TEXT`.
    Cmdline(String),
    /// `--dtb FILE`.
    Dtb(PathBuf),
    /// `--fallback NAME`.
    Fallback(String),
    /// `--bootlimit N`.
    Bootlimit(u32),
}

/// One boot entry to pack, its fallback resolved to an entry index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntryArgs {
    /// The entry's name.
    pub name: String,
    /// The kernel file.
    pub kernel: PathBuf,
    /// The initrd file.
    pub initrd: Option<PathBuf>,
    /// The command line.
    pub cmdline: Option<String>,
    /// The DTB file.
    pub dtb: Option<PathBuf>,
    /// The index of the (later) entry to try when this one fails.
    pub fallback: Option<usize>,
    /// Boots without a report before the entry counts as failed (`None`: the default, 1).
    pub bootlimit: Option<u32>,
}

/// An entry as collected, before its kernel and fallback are checked.
#[derive(Default)]
struct Partial {
    name: String,
    kernels: Vec<PathBuf>,
    initrd: Option<PathBuf>,
    cmdline: Option<String>,
    dtb: Option<PathBuf>,
    fallback: Option<String>,
    bootlimit: Option<u32>,
}

/// Sets a once-only option, failing with both values when it is given twice.
fn once<T: std::fmt::Debug>(slot: &mut Option<T>, value: T, flag: &str, entry: &str) -> Result<()> {
    if let Some(old) = slot {
        bail!("entry \"{entry}\": {flag} given twice ({old:?} and {value:?})");
    }
    *slot = Some(value);
    Ok(())
}

/// Groups `options` (in command-line order) into entries; `first_name` is `--name`.
pub fn group(options: &[EntryOption], first_name: Option<&str>) -> Result<Vec<EntryArgs>> {
    let mut partials: Vec<Partial> = Vec::new();
    for option in options {
        if let EntryOption::Entry(name) = option {
            partials.push(Partial { name: name.clone(), ..Partial::default() });
            continue;
        }
        if partials.is_empty() {
            let name = first_name.unwrap_or(DEFAULT_NAME).to_string();
            partials.push(Partial { name, ..Partial::default() });
        }
        let entry = partials.last_mut().expect("an entry was just opened");
        let name = entry.name.clone();
        match option {
            EntryOption::Entry(_) => unreachable!("handled above"),
            EntryOption::Kernel(path) => entry.kernels.push(path.clone()),
            EntryOption::Initrd(path) => once(&mut entry.initrd, path.clone(), "--initrd", &name)?,
            EntryOption::Cmdline(text) => {
                once(&mut entry.cmdline, text.clone(), "--cmdline", &name)?
            }
            EntryOption::Dtb(path) => once(&mut entry.dtb, path.clone(), "--dtb", &name)?,
            EntryOption::Fallback(to) => {
                once(&mut entry.fallback, to.clone(), "--fallback", &name)?
            }
            EntryOption::Bootlimit(n) => once(&mut entry.bootlimit, *n, "--bootlimit", &name)?,
        }
    }
    if let (Some(name), Some(EntryOption::Entry(first))) = (first_name, options.first()) {
        bail!("--name {name:?} names a first entry without --entry, but it is --entry {first:?}");
    }
    if partials.is_empty() {
        bail!("no boot entry: give at least --kernel FILE");
    }
    for (index, entry) in partials.iter().enumerate() {
        if let Some(first) = partials[..index].iter().position(|e| e.name == entry.name) {
            bail!("entry name {:?} given twice (entries {first} and {index})", entry.name);
        }
    }
    partials.iter().enumerate().map(|(index, p)| resolve(&partials, index, p)).collect()
}

/// Checks one entry's kernel and resolves its fallback to a later entry.
fn resolve(all: &[Partial], index: usize, p: &Partial) -> Result<EntryArgs> {
    let kernel = match p.kernels.as_slice() {
        [kernel] => kernel.clone(),
        [] => bail!("entry \"{}\" has no --kernel", p.name),
        many => bail!("entry \"{}\": --kernel given {} times ({many:?})", p.name, many.len()),
    };
    let fallback = match &p.fallback {
        None => None,
        Some(to) => {
            let Some(target) = all.iter().position(|e| &e.name == to) else {
                let names: Vec<&str> = all.iter().map(|e| e.name.as_str()).collect();
                bail!(
                    "entry \"{}\": --fallback {to:?} names no entry (entries: {names:?})",
                    p.name
                );
            };
            if target <= index {
                bail!(
                    "entry \"{}\" (#{index}): --fallback {to:?} is entry #{target}; a fallback \
                     must come later in the bundle, so fallback chains end",
                    p.name
                );
            }
            Some(target)
        }
    };
    Ok(EntryArgs {
        name: p.name.clone(),
        kernel,
        initrd: p.initrd.clone(),
        cmdline: p.cmdline.clone(),
        dtb: p.dtb.clone(),
        fallback,
        bootlimit: p.bootlimit,
    })
}

#[cfg(test)]
mod tests {
    use super::EntryOption::{Bootlimit, Cmdline, Entry, Fallback, Initrd, Kernel};
    use super::*;

    fn err(options: &[EntryOption], name: Option<&str>) -> String {
        group(options, name).unwrap_err().to_string()
    }

    #[test]
    fn options_before_any_entry_form_the_default_entry() {
        let got = group(&[Kernel("K".into()), Cmdline("c".into())], None).unwrap();
        let want = EntryArgs {
            name: "default".into(),
            kernel: "K".into(),
            cmdline: Some("c".into()),
            ..EntryArgs::default()
        };
        assert_eq!(got, [want]);
        assert_eq!(group(&[Kernel("K".into())], Some("a")).unwrap()[0].name, "a");
    }

    #[test]
    fn each_entry_takes_the_options_after_it_and_a_later_fallback() {
        let options = [
            Kernel("K1".into()),
            Fallback("b".into()),
            Entry("b".into()),
            Initrd("I".into()),
            Kernel("K2".into()),
        ];
        let got = group(&options, Some("a")).unwrap();
        assert_eq!((got[0].name.as_str(), got[0].fallback), ("a", Some(1)));
        assert_eq!(
            (got[1].kernel.to_str(), got[1].initrd.as_deref()),
            (Some("K2"), Some("I".as_ref()))
        );
        assert_eq!(got[1].fallback, None);
    }

    #[test]
    fn a_bootlimit_belongs_to_the_entry_it_follows_and_is_given_once() {
        let options = [Kernel("K".into()), Bootlimit(3), Entry("b".into()), Kernel("K".into())];
        let got = group(&options, None).unwrap();
        assert_eq!((got[0].bootlimit, got[1].bootlimit), (Some(3), None));
        let twice = [Kernel("K".into()), Bootlimit(2), Bootlimit(3)];
        assert_eq!(err(&twice, None), "entry \"default\": --bootlimit given twice (2 and 3)");
    }

    #[test]
    fn rejects_what_would_make_a_bad_bundle() {
        assert_eq!(err(&[], None), "no boot entry: give at least --kernel FILE");
        assert_eq!(err(&[Entry("a".into())], None), "entry \"a\" has no --kernel");
        let twice = [Kernel("K".into()), Entry("default".into()), Kernel("K".into())];
        assert_eq!(err(&twice, None), "entry name \"default\" given twice (entries 0 and 1)");
        let two_initrds = [Kernel("K".into()), Initrd("x".into()), Initrd("y".into())];
        assert_eq!(
            err(&two_initrds, None),
            "entry \"default\": --initrd given twice (\"x\" and \"y\")"
        );
        let backwards = [
            Entry("a".into()),
            Kernel("K".into()),
            Entry("b".into()),
            Kernel("K".into()),
            Fallback("a".into()),
        ];
        assert!(err(&backwards, None)
            .contains("--fallback \"a\" is entry #0; a fallback must come later"));
        let unknown = [Kernel("K".into()), Fallback("zz".into())];
        assert!(err(&unknown, None).contains("--fallback \"zz\" names no entry"));
        let named = [Entry("a".into()), Kernel("K".into())];
        let first = "--name \"n\" names a first entry without --entry";
        assert!(err(&named, Some("n")).contains(first));
    }
}
