//! A strict reader of `newc` cpio archives (Linux `Documentation/driver-api/early-userspace/
//! buffer-format.rst`), written independently of `image_formats::cpio`'s writer so the two can
//! check each other: every field 8 hex digits, names NUL-terminated, names and data padded
//! with zeros to 4 bytes, the archive ends with `TRAILER!!!` and nothing after it.

/// The magic of a `newc` header.
const MAGIC: &[u8; 6] = b"070701";
/// Header size: magic and 13 fields of 8 hex digits.
const HEADER: usize = 6 + 13 * 8;

/// One entry as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The 13 header fields in order: ino, mode, uid, gid, nlink, mtime, filesize, devmajor,
    /// devminor, rdevmajor, rdevminor, namesize, check.
    pub fields: [u32; 13],
    /// The name, without its NUL.
    pub name: Vec<u8>,
    /// The data (a symlink's target).
    pub data: Vec<u8>,
}

impl Entry {
    /// `mode`.
    pub fn mode(&self) -> u32 {
        self.fields[1]
    }
    /// `(rdevmajor, rdevminor)`.
    pub fn rdev(&self) -> (u32, u32) {
        (self.fields[9], self.fields[10])
    }
}

/// What was wrong, and at which offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Malformed {
    /// Offset in the archive.
    pub offset: usize,
    /// What was wrong there.
    pub what: &'static str,
}

fn hex8(bytes: &[u8]) -> Option<u32> {
    if bytes.len() != 8 || !bytes.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    u32::from_str_radix(core::str::from_utf8(bytes).ok()?, 16).ok()
}

/// Reads the entries of one archive up to (without) its trailer.
pub fn read(archive: &[u8]) -> Result<Vec<Entry>, Malformed> {
    let bad = |offset, what| Malformed { offset, what };
    let mut entries = Vec::new();
    let mut at = 0;
    loop {
        let header = archive.get(at..at + HEADER).ok_or(bad(at, "truncated header"))?;
        if &header[..6] != MAGIC {
            return Err(bad(at, "bad magic"));
        }
        let mut fields = [0u32; 13];
        for (i, field) in fields.iter_mut().enumerate() {
            let digits = &header[6 + i * 8..6 + (i + 1) * 8];
            *field = hex8(digits).ok_or(bad(at + 6 + i * 8, "not 8 lower-case hex digits"))?;
        }
        let (filesize, namesize) = (fields[6] as usize, fields[11] as usize);
        let name_at = at + HEADER;
        let name =
            archive.get(name_at..name_at + namesize).ok_or(bad(name_at, "truncated name"))?;
        let (nul, name) = name.split_last().ok_or(bad(name_at, "namesize 0"))?;
        if *nul != 0 {
            return Err(bad(name_at, "name without NUL"));
        }
        let data_at = padded(archive, name_at + namesize)?;
        let data =
            archive.get(data_at..data_at + filesize).ok_or(bad(data_at, "truncated data"))?;
        let next = padded(archive, data_at + filesize)?;
        if name == b"TRAILER!!!" {
            if next != archive.len() {
                return Err(bad(next, "bytes after the trailer"));
            }
            return Ok(entries);
        }
        entries.push(Entry { fields, name: name.to_vec(), data: data.to_vec() });
        at = next;
    }
}

/// `at` rounded up to 4, after checking that the padding is there and zero.
fn padded(archive: &[u8], at: usize) -> Result<usize, Malformed> {
    let end = at.next_multiple_of(4);
    match archive.get(at..end) {
        Some(pad) if pad.iter().all(|&b| b == 0) => Ok(end),
        Some(_) => Err(Malformed { offset: at, what: "non-zero padding" }),
        None => Err(Malformed { offset: at, what: "truncated padding" }),
    }
}
