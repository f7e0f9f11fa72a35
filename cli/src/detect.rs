//! Telling file formats apart by their content (magic numbers at fixed offsets).

use image_formats::image::MAGIC_OFFSET;
use image_formats::{bundle, fdt, gzip, image};

/// The arm64 Image magic bytes, `"ARM\x64"` (Linux `Documentation/arch/arm64/booting.rst`).
pub const IMAGE_MAGIC: [u8; 4] = image::MAGIC.to_le_bytes();
/// The first two bytes of every gzip member (RFC 1952, 2.3.1).
pub const GZIP_MAGIC: &[u8; 2] = &gzip::MAGIC;
/// The first four bytes of every DTB: big-endian 0xd00dfeed (Devicetree Specification v0.4,
/// 5.2).
pub const DTB_MAGIC: [u8; 4] = fdt::MAGIC.to_be_bytes();

/// What a file is, judged by its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A springboard bundle (magic "SPRBNDL\0" at 0).
    Bundle,
    /// A flattened device tree.
    Dtb,
    /// A gzip file.
    Gzip,
    /// An arm64 Linux `Image` (or anything with its header, such as springboard itself).
    Image,
}

impl FileKind {
    /// Detects the kind of `data`, or `None` when no known magic matches.
    pub fn detect(data: &[u8]) -> Option<Self> {
        if data.starts_with(&bundle::MAGIC) {
            Some(FileKind::Bundle)
        } else if data.starts_with(&DTB_MAGIC) {
            Some(FileKind::Dtb)
        } else if data.starts_with(GZIP_MAGIC) {
            Some(FileKind::Gzip)
        } else if has_image_magic(data) {
            Some(FileKind::Image)
        } else {
            None
        }
    }
}

/// Whether `data` carries the arm64 Image magic at offset 0x38.
pub fn has_image_magic(data: &[u8]) -> bool {
    data.get(MAGIC_OFFSET..MAGIC_OFFSET + IMAGE_MAGIC.len()) == Some(&IMAGE_MAGIC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_magic_and_nothing_else() {
        let mut image = vec![0u8; 64];
        image[MAGIC_OFFSET..MAGIC_OFFSET + 4].copy_from_slice(&IMAGE_MAGIC);
        assert_eq!(FileKind::detect(&image), Some(FileKind::Image));
        assert_eq!(FileKind::detect(b"\xd0\x0d\xfe\xed\0\0\0\x28"), Some(FileKind::Dtb));
        assert_eq!(FileKind::detect(b"\x1f\x8b\x08\0"), Some(FileKind::Gzip));
        assert_eq!(FileKind::detect(b"SPRBNDL\0"), Some(FileKind::Bundle));
        assert_eq!(FileKind::detect(b"ARM\x64"), None);
        assert_eq!(FileKind::detect(&[]), None);
    }
}
