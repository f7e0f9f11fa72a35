//! A small deterministic writer of `newc` cpio archives (the format Linux unpacks as an
//! initramfs: `Documentation/driver-api/early-userspace/buffer-format.rst`). Every timestamp is
//! 0 and every owner root, so the same inputs always give the same bytes.

/// File type bits of `mode` (`S_IFDIR`, `S_IFREG`, `S_IFLNK`, `S_IFCHR`).
pub const DIR: u32 = 0o040000;
/// Regular file.
pub const FILE: u32 = 0o100000;
/// Symbolic link (its data is the target).
pub const SYMLINK: u32 = 0o120000;
/// Character device.
pub const CHAR: u32 = 0o020000;

/// An archive being written.
#[derive(Default)]
pub struct Cpio {
    out: Vec<u8>,
    next_ino: u32,
}

impl Cpio {
    /// Adds an entry: `mode` is type and permission bits; `rdev` the device numbers.
    fn entry(&mut self, name: &str, mode: u32, data: &[u8], rdev: (u32, u32)) {
        self.next_ino += 1;
        let nlink = if mode & 0o170000 == DIR { 2 } else { 1 };
        let fields = [
            self.next_ino,
            mode,
            0,
            0,
            nlink,
            0,
            data.len() as u32,
            0,
            0,
            rdev.0,
            rdev.1,
            name.len() as u32 + 1,
            0,
        ];
        self.out.extend_from_slice(b"070701");
        for field in fields {
            self.out.extend_from_slice(format!("{field:08x}").as_bytes());
        }
        self.out.extend_from_slice(name.as_bytes());
        self.out.push(0);
        self.pad();
        self.out.extend_from_slice(data);
        self.pad();
    }

    /// Pads to the next 4-byte boundary (newc aligns names and data to 4).
    fn pad(&mut self) {
        while self.out.len() % 4 != 0 {
            self.out.push(0);
        }
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

    /// Ends the archive with the `TRAILER!!!` entry and returns its bytes.
    pub fn finish(mut self) -> Vec<u8> {
        self.next_ino = 0;
        self.entry("TRAILER!!!", 0, &[], (0, 0));
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_byte_exact_newc_header_with_padding() {
        let mut cpio = Cpio::default();
        cpio.file("init", 0o755, b"hi\n");
        let out = cpio.finish();
        // 110-byte header: magic + 13 fields of 8 hex digits.
        let header = "070701\
            00000001\
            000081ed\
            00000000\
            00000000\
            00000001\
            00000000\
            00000003\
            00000000\
            00000000\
            00000000\
            00000000\
            00000005\
            00000000";
        assert_eq!(&out[..110], header.as_bytes());
        // Name "init\0" at 110..115, padded to 116; data at 116..119, padded to 120.
        assert_eq!(&out[110..116], b"init\0\0");
        assert_eq!(&out[116..120], b"hi\n\0");
        assert_eq!(&out[120..126], b"070701");
        assert_eq!(out.len() % 4, 0);
    }

    #[test]
    fn ends_with_the_trailer_and_encodes_devices_and_links() {
        let mut cpio = Cpio::default();
        cpio.char_device("dev/console", 5, 1);
        cpio.symlink("bin/sh", "busybox");
        let out = cpio.finish();
        let text = String::from_utf8_lossy(&out);
        assert!(text.contains("TRAILER!!!"));
        // rdevmajor and rdevminor are fields 10 and 11 (offsets 6 + 9 * 8 and 6 + 10 * 8).
        assert_eq!(&out[6 + 9 * 8..6 + 11 * 8], b"0000000500000001");
        // mode (field 2): S_IFCHR | 0600.
        assert_eq!(&out[14..22], b"00002180");
        // "bin/sh\0" ends 241 bytes into the entry pair: padded with three NULs to 244.
        assert!(text.contains("bin/sh\0\0\0\0busybox"));
    }
}
