//! A small deterministic writer of `newc` cpio archives (`alloc` feature): the format Linux
//! unpacks as an initramfs (Linux 6.1 `Documentation/driver-api/early-userspace/
//! buffer-format.rst`). Every timestamp is 0 and every owner root, so the same inputs always
//! give the same bytes.
//!
//! ```text
//!  offset  size  one entry (all numbers are 8 ASCII hex digits)
//!  0       6     magic "070701"
//!  6       8     ino          22  8  gid          54  8  devmajor     86  8  rdevminor
//!  14      8     mode         30  8  nlink        62  8  devminor     94  8  namesize (with NUL)
//!  22      8     uid          38  8  mtime        70  8  rdevmajor   102  8  check (0)
//!                             46  8  filesize
//!  110           name and its NUL, padded to 4 bytes; then the data, padded to 4 bytes
//! ```
//!
//! An archive ends with the entry `TRAILER!!!`. Linux accepts several archives one after the
//! other in one initramfs, so a second archive can add files to a first one unchanged.

use alloc::vec::Vec;

/// File type bits of `mode`: directory (`S_IFDIR`).
pub const DIR: u32 = 0o040000;
/// Regular file (`S_IFREG`).
pub const FILE: u32 = 0o100000;
/// Symbolic link (`S_IFLNK`); its data is the target.
pub const SYMLINK: u32 = 0o120000;
/// Character device (`S_IFCHR`).
pub const CHAR: u32 = 0o020000;
/// The mask of the file type bits in `mode`.
const TYPE_MASK: u32 = 0o170000;
/// The magic of a `newc` header (no checksum).
pub const NEWC_MAGIC: &[u8; 6] = b"070701";
/// The size of a `newc` header: the magic and 13 fields of 8 hex digits.
pub const HEADER_SIZE: usize = 110;
/// The name of the entry that ends an archive.
pub const TRAILER: &str = "TRAILER!!!";

/// An archive being written.
#[derive(Clone, Debug, Default)]
pub struct Cpio {
    out: Vec<u8>,
    next_ino: u32,
}

impl Cpio {
    /// An empty archive.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an entry: `mode` is type and permission bits; `rdev` the device numbers.
    fn entry(&mut self, name: &str, mode: u32, data: &[u8], rdev: (u32, u32)) {
        self.next_ino += 1;
        let nlink = if mode & TYPE_MASK == DIR { 2 } else { 1 };
        let fields = [
            self.next_ino,
            mode,
            0,
            0,
            nlink,
            0,
            field(data.len()),
            0,
            0,
            rdev.0,
            rdev.1,
            field(name.len() + 1),
            0,
        ];
        self.out.extend_from_slice(NEWC_MAGIC);
        for value in fields {
            push_hex(&mut self.out, value);
        }
        self.out.extend_from_slice(name.as_bytes());
        self.out.push(0);
        self.pad();
        self.out.extend_from_slice(data);
        self.pad();
    }

    /// Pads to the next 4-byte boundary (newc aligns names and data to 4).
    fn pad(&mut self) {
        let len = self.out.len().next_multiple_of(4);
        self.out.resize(len, 0);
    }

    /// A directory.
    pub fn dir(&mut self, name: &str) {
        self.entry(name, DIR | 0o755, &[], (0, 0));
    }

    /// A regular file with permission bits `perm`.
    pub fn file(&mut self, name: &str, perm: u32, data: &[u8]) {
        self.entry(name, FILE | perm, data, (0, 0));
    }

    /// A symbolic link to `target`.
    pub fn symlink(&mut self, name: &str, target: &str) {
        self.entry(name, SYMLINK | 0o777, target.as_bytes(), (0, 0));
    }

    /// A character device node.
    pub fn char_device(&mut self, name: &str, major: u32, minor: u32) {
        self.entry(name, CHAR | 0o600, &[], (major, minor));
    }

    /// Ends the archive with the [`TRAILER`] entry and returns its bytes.
    pub fn finish(mut self) -> Vec<u8> {
        self.next_ino = 0;
        self.entry(TRAILER, 0, &[], (0, 0));
        self.out
    }
}

/// A size as a header field. newc has 32-bit fields; an initramfs member of 4 GiB or more
/// cannot be written, and trying is a caller's bug.
fn field(size: usize) -> u32 {
    u32::try_from(size).unwrap_or_else(|_| panic!("cpio: {size} bytes do not fit a newc field"))
}

/// Appends `value` as 8 lower-case hex digits.
fn push_hex(out: &mut Vec<u8>, value: u32) {
    for shift in (0..8).rev() {
        let digit = ((value >> (shift * 4)) & 0xf) as u8;
        out.push(if digit < 10 { b'0' + digit } else { b'a' + digit - 10 });
    }
}
