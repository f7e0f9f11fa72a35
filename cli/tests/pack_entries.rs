//! `springboard pack` with several boot entries: grouping by `--entry`, fallbacks, storing a
//! file shared by entries once, and the errors that name what was wrong.

mod common;

use std::fs;
use std::path::Path;

use image_formats::bundle::{Bundle, PayloadKind};

use common::{fake_image, scratch, springboard, stderr, stdout, write};

/// Runs `pack` with `args` and `-o dir/out.bundle`; returns the bundle bytes.
fn pack_ok(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = dir.join("out.bundle");
    let mut all = vec!["pack"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-o", out.to_str().unwrap()]);
    let packed = springboard(&all);
    assert!(packed.status.success(), "pack {args:?} failed: {}", stderr(&packed));
    fs::read(&out).unwrap()
}

/// Runs `pack` with `args`, expects exit status 1 and no output file; returns stderr.
fn pack_err(dir: &Path, args: &[&str]) -> String {
    let out = dir.join("refused.bundle");
    let mut all = vec!["pack"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-o", out.to_str().unwrap()]);
    let packed = springboard(&all);
    assert_eq!(packed.status.code(), Some(1), "pack {args:?}: {}", stdout(&packed));
    assert!(!out.exists(), "a refused pack wrote {}", out.display());
    stderr(&packed)
}

#[test]
fn two_entries_share_one_initrd_and_command_line_and_keep_their_kernels() {
    let dir = scratch("two_entries_share_one_initrd_and_command_line");
    let k1 = write(&dir, "vmlinuz-new", &fake_image(0xa, 0x20_0000, 3000));
    let k2 = write(&dir, "vmlinuz-old", &fake_image(0xa, 0x30_0000, 4000));
    let initrd = write(&dir, "initrd.cpio", &[0x42; 777]);
    let cmdline = "console=ttyAMA0 panic=-1";
    #[rustfmt::skip]
    let bytes = pack_ok(&dir, &[
        "--entry", "new", "--kernel", &k1, "--initrd", &initrd, "--cmdline", cmdline,
            "--fallback", "old",
        "--entry", "old", "--cmdline", cmdline, "--kernel", &k2, "--initrd", &initrd,
    ]);
    let bundle = Bundle::parse(&bytes).unwrap();
    assert_eq!(bundle.entry_count(), 2);
    // Kernel new, initrd, cmdline, kernel old: the shared initrd and cmdline are stored once.
    assert_eq!(bundle.payload_count(), 4);
    let (i_new, new) = bundle.entry_by_name("new").unwrap();
    let (i_old, old) = bundle.entry_by_name("old").unwrap();
    assert_eq!((i_new, i_old), (0, 1));
    assert_eq!(new.fallback, Some(1));
    assert_eq!(old.fallback, None);
    assert_eq!((new.initrd, new.cmdline), (old.initrd, old.cmdline));
    assert_ne!(new.kernel, old.kernel);
    assert_eq!(bundle.payload(old.kernel).unwrap().data, &fake_image(0xa, 0x30_0000, 4000)[..]);
    assert_eq!(bundle.payload(new.cmdline.unwrap()).unwrap().as_cmdline(), Some(cmdline));
    assert!(bundle.payloads().all(|p| p.verify().is_ok()));
}

#[test]
fn identical_files_under_different_paths_are_stored_once_but_not_across_kinds() {
    let dir = scratch("identical_files_are_stored_once");
    let image = fake_image(0xa, 0x10_0000, 500);
    let a = write(&dir, "a.img", &image);
    let b = write(&dir, "b.img", &image);
    // The same bytes as the kernel, given as an initrd: a payload of another kind.
    let bytes = pack_ok(&dir, &["--kernel", &a, "--entry", "two", "--kernel", &b, "--initrd", &a]);
    let bundle = Bundle::parse(&bytes).unwrap();
    let kinds: Vec<PayloadKind> = bundle.payloads().map(|p| p.kind).collect();
    assert_eq!(kinds, [PayloadKind::Kernel, PayloadKind::Initrd]);
    let (_, first) = bundle.entry_by_name("default").unwrap();
    let (_, two) = bundle.entry_by_name("two").unwrap();
    assert_eq!((first.kernel, two.kernel), (0, 0));
}

#[test]
fn the_one_entry_form_is_unchanged_and_name_still_names_it() {
    let dir = scratch("the_one_entry_form_is_unchanged");
    let k = write(&dir, "Image", &fake_image(0xa, 0x10_0000, 100));
    let bytes = pack_ok(&dir, &["--cmdline", "x=1", "--kernel", &k, "--name", "only"]);
    let bundle = Bundle::parse(&bytes).unwrap();
    assert_eq!((bundle.entry_count(), bundle.payload_count()), (1, 2));
    let (_, entry) = bundle.entry_by_name("only").unwrap();
    assert_eq!(bundle.payload(entry.cmdline.unwrap()).unwrap().as_cmdline(), Some("x=1"));
}

#[test]
fn refuses_entries_that_would_make_a_bad_bundle_naming_the_entry() {
    let dir = scratch("refuses_bad_entries");
    let k = write(&dir, "Image", &fake_image(0xa, 0x10_0000, 100));
    let cases: &[(&[&str], &str)] = &[
        (&["--kernel", &k, "--entry", "b", "--initrd", &k], "entry \"b\" has no --kernel"),
        (
            &["--entry", "a", "--kernel", &k, "--entry", "a", "--kernel", &k],
            "entry name \"a\" given twice (entries 0 and 1)",
        ),
        (
            &["--entry", "a", "--kernel", &k, "--entry", "b", "--kernel", &k, "--fallback", "a"],
            "entry \"b\" (#1): --fallback \"a\" is entry #0; a fallback must come later",
        ),
        (&["--kernel", &k, "--fallback", "zz"], "--fallback \"zz\" names no entry"),
        (&["--kernel", &k, "--cmdline", "a", "--cmdline", "b"], "--cmdline given twice"),
        (&["--kernel", &k, "--kernel", &k], "entry \"default\": --kernel given 2 times"),
        (&["--name", "n", "--entry", "a", "--kernel", &k], "--name \"n\" names a first entry"),
    ];
    for (args, want) in cases {
        let err = pack_err(&dir, args);
        assert!(err.contains(want), "pack {args:?}: expected {want:?} in:\n{err}");
    }
}

#[test]
fn a_bad_kernel_in_the_second_entry_is_named_with_its_entry() {
    let dir = scratch("a_bad_kernel_in_the_second_entry");
    let k = write(&dir, "Image", &fake_image(0xa, 0x10_0000, 100));
    let bad = write(&dir, "bad", b"not a kernel at all, not even close to 64 bytes long......");
    let err = pack_err(&dir, &["--kernel", &k, "--entry", "second", "--kernel", &bad]);
    assert!(err.contains("entry \"second\": kernel") && err.contains("0x38"), "{err}");
}

#[test]
fn help_documents_the_entry_flags_with_an_example() {
    let help = stdout(&springboard(&["pack", "--help"]));
    for needle in
        ["--entry <NAME>", "--fallback <NAME>", "Several entries", "springboard.entry=NAME"]
    {
        assert!(help.contains(needle), "pack --help lacks {needle:?}:\n{help}");
    }
}
