//! `cpio::Cpio` writes an archive of fuzzed entries; an independent strict `newc` reader
//! (`springboard_fuzz::newc`) reads it back: the same entries in the same order, with their
//! names, types, permissions, data, device numbers and fresh inode numbers, then the trailer
//! and nothing after it.
#![no_main]

use arbitrary::Arbitrary;
use image_formats::cpio::{Cpio, CHAR, DIR, FILE, SYMLINK};
use libfuzzer_sys::fuzz_target;
use springboard_fuzz::newc;

/// Permission bits the writer accepts (type bits come from the kind).
const PERM: u32 = 0o7777;

#[derive(Arbitrary, Debug)]
enum Item {
    Dir(String),
    File(String, u32, Vec<u8>),
    Symlink(String, String),
    Char(String, u32, u32),
}

fuzz_target!(|items: Vec<Item>| {
    // A name holding a NUL cannot be stored (newc names are NUL-terminated); the writer's
    // callers pass paths.
    let named = |n: &String| !n.contains('\0');
    let items: Vec<&Item> = items
        .iter()
        .filter(|i| match i {
            Item::Dir(n) | Item::File(n, ..) | Item::Symlink(n, _) | Item::Char(n, ..) => named(n),
        })
        .collect();
    let mut cpio = Cpio::new();
    for item in &items {
        match item {
            Item::Dir(name) => cpio.dir(name),
            Item::File(name, perm, data) => cpio.file(name, perm & PERM, data),
            Item::Symlink(name, target) => cpio.symlink(name, target),
            Item::Char(name, major, minor) => cpio.char_device(name, *major, *minor),
        }
    }
    let archive = cpio.finish();
    let read = newc::read(&archive).unwrap_or_else(|e| panic!("the archive is malformed: {e:?}"));
    assert_eq!(read.len(), items.len());
    for (i, (item, entry)) in items.iter().zip(&read).enumerate() {
        let (name, mode, data, rdev): (&str, u32, &[u8], (u32, u32)) = match item {
            Item::Dir(n) => (n, DIR | 0o755, &[], (0, 0)),
            Item::File(n, perm, data) => (n, FILE | (perm & PERM), data, (0, 0)),
            Item::Symlink(n, target) => (n, SYMLINK | 0o777, target.as_bytes(), (0, 0)),
            Item::Char(n, major, minor) => (n, CHAR | 0o600, &[], (*major, *minor)),
        };
        assert_eq!(entry.name, name.as_bytes(), "entry {i}");
        assert_eq!(entry.mode(), mode, "entry {i}");
        assert_eq!(entry.data, data, "entry {i}");
        assert_eq!(entry.rdev(), rdev, "entry {i}");
        assert_eq!(entry.fields[0] as usize, i + 1, "entry {i}: inode numbers count from 1");
        assert_eq!(entry.fields[11] as usize, name.len() + 1, "entry {i}: namesize");
    }
});
