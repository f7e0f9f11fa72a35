//! Small formatting helpers shared by the subcommands.

use std::fmt::Write as _;

/// A byte count as `0x1a2b (6.7 KiB)`: exact hex first, then a readable size.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes:#x} ({bytes} B)");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{bytes:#x} ({value:.1} {})", UNITS[unit])
}

/// The first (up to) `n` bytes of `data` as hex pairs, with a printable-ASCII rendering.
pub fn first_bytes(data: &[u8], n: usize) -> String {
    let head = &data[..data.len().min(n)];
    let mut out = String::new();
    for (i, byte) in head.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{byte:02x}");
    }
    let text: String = head
        .iter()
        .map(|&b| if b.is_ascii_graphic() || b == b' ' { b as char } else { '.' })
        .collect();
    format!("{out} |{text}|")
}

/// A file name shortened to at most `max` bytes on a character boundary, for a bundle name.
pub fn truncate_name(name: &str, max: usize) -> &str {
    let mut end = name.len().min(max);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_prints_hex_and_unit() {
        assert_eq!(size(12), "0xc (12 B)");
        assert_eq!(size(0x2010000), "0x2010000 (32.1 MiB)");
    }

    #[test]
    fn first_bytes_shows_hex_and_ascii() {
        assert_eq!(first_bytes(b"MZ\x00\x01", 16), "4d 5a 00 01 |MZ..|");
    }

    #[test]
    fn truncate_name_keeps_utf8_whole() {
        assert_eq!(truncate_name("ab\u{e9}", 3), "ab");
        assert_eq!(truncate_name("abc", 32), "abc");
    }
}
