//! `springboard pack --append-to IMAGE`: one file that is springboard followed by its bundle,
//! for boot chains that load a single image (a TF-A FIP's BL33, a bare `-kernel`).
//!
//! ```text
//!  file offset                         what                              in memory at run time
//!  0                                   springboard's file (header, code) base
//!  file length of IMAGE                zeros, up to IMAGE's image_size   .bss and stack
//!  old image_size (8-byte aligned)     the bundle                        base + old image_size
//!  old image_size + bundle size        end of file = new image_size
//! ```
//!
//! The bundle starts exactly at the old `image_size`, so springboard's .bss and stack stay where
//! the linker put them and springboard finds the bundle at `base + image_size` (its linker
//! value) whenever the running header's `image_size` (offset 0x10) is larger. The header is
//! rewritten to the new `image_size`, so QEMU, U-Boot's `booti`, kexec and TF-A load and keep
//! free the whole file.

use anyhow::{bail, ensure, Context, Result};
use image_formats::bundle::OFFSET_ALIGN;
use image_formats::image::{self, ImageHeader, IMAGE_SIZE_OFFSET};

use crate::kernel;

/// Most zero bytes written between the image's file and its `image_size` (its .bss and
/// stack). springboard's are about 70 KiB; a header that asks for more than this is not
/// springboard's, and must not make `pack` allocate (or write) an absurd file.
pub const MAX_PADDING: u64 = 64 << 20;

/// Where the bundle went in the combined file.
#[derive(Debug, PartialEq, Eq)]
pub struct Appended {
    /// The combined file: image, zero padding, bundle.
    pub bytes: Vec<u8>,
    /// The image's `image_size` before: the file offset of the bundle.
    pub old_image_size: u64,
    /// The rewritten `image_size`: the whole file.
    pub new_image_size: u64,
}

/// Lays `bundle` after `image` as the module documentation draws it.
///
/// Refuses an image that is not an arm64 `Image`, one whose file already reaches its
/// `image_size` (something was appended before, or it has no room for .bss and stack), and
/// one whose `image_size` is not 8-byte aligned (bundle offsets must stay 8-byte aligned), and
/// one whose `image_size` lies more than [`MAX_PADDING`] past the file.
pub fn append(image: &[u8], bundle: &[u8]) -> Result<Appended> {
    ensure!(
        !image.starts_with(crate::detect::GZIP_MAGIC),
        "a gzip-compressed image cannot carry an appended bundle: pass springboard.bin itself"
    );
    let header = kernel::check(image).context("not a springboard image")?.header;
    let file_len = image.len() as u64;
    let old = header.image_size;
    if file_len >= old {
        bail!(
            "image_size {old:#x} at offset {IMAGE_SIZE_OFFSET:#x} is not larger than the file \
             ({file_len:#x} bytes): a bundle was already appended, or the image has no .bss; \
             pass the plain springboard.bin"
        );
    }
    ensure!(
        old % OFFSET_ALIGN == 0,
        "image_size {old:#x} at offset {IMAGE_SIZE_OFFSET:#x} is not {OFFSET_ALIGN}-byte aligned, \
         so the bundle after it would not be"
    );
    ensure!(
        old - file_len <= MAX_PADDING,
        "image_size {old:#x} at offset {IMAGE_SIZE_OFFSET:#x} is {:#x} bytes past the end of the \
         file ({file_len:#x} bytes), more than the {MAX_PADDING:#x} bytes of .bss and stack \
         springboard could have: not a springboard image",
        old - file_len
    );
    let new = old
        .checked_add(bundle.len() as u64)
        .with_context(|| format!("image_size {old:#x} + bundle {:#x} overflows", bundle.len()))?;
    let (old_len, new_len) = (usize::try_from(old)?, usize::try_from(new)?);
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(new_len)
        .with_context(|| format!("allocating the {new:#x}-byte output"))?;
    bytes.extend_from_slice(image);
    bytes.resize(old_len, 0);
    bytes.extend_from_slice(bundle);
    image::set_image_size(&mut bytes, new).context("rewriting the Image header")?;
    let reread = ImageHeader::parse(&bytes).context("re-reading the rewritten Image header")?;
    ensure!(
        reread.image_size == new,
        "rewritten image_size reads back as {:#x}",
        reread.image_size
    );
    Ok(Appended { bytes, old_image_size: old, new_image_size: new })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image_formats::bundle::{Bundle, BundleBuilder, EntrySpec, PayloadKind};

    /// A springboard-shaped image: header with `image_size`, `file_len` bytes of file.
    fn image(image_size: u64, file_len: usize) -> Vec<u8> {
        let mut data: Vec<u8> = (0..file_len).map(|i| (i * 7) as u8 | 1).collect();
        let header = ImageHeader {
            code0: 0x1400_0010,
            code1: 0,
            text_offset: 0,
            image_size,
            flags: image::flags::little_endian(image::PageSize::Size4K, true),
            res5_pe_offset: 0,
        };
        header.write((&mut data[..image::HEADER_LEN]).try_into().expect("64 bytes"));
        data
    }

    fn bundle() -> Vec<u8> {
        let mut builder = BundleBuilder::new();
        let kernel =
            builder.add_payload(PayloadKind::Kernel, "Image", image(0x3000, 0x2000), false);
        builder.add_entry(EntrySpec::new("default", kernel));
        builder.build().expect("a valid bundle")
    }

    #[test]
    fn puts_the_bundle_at_the_old_image_size_and_covers_it_in_the_header() {
        let img = image(0x9000, 0x4321);
        let bundle = bundle();
        let out = append(&img, &bundle).expect("appends");
        assert_eq!(out.old_image_size, 0x9000);
        assert_eq!(out.new_image_size, 0x9000 + bundle.len() as u64);
        assert_eq!(out.bytes.len() as u64, out.new_image_size);
        // The header now covers the whole file; everything else of the image is unchanged.
        let field = IMAGE_SIZE_OFFSET..IMAGE_SIZE_OFFSET + 8;
        assert_eq!(&out.bytes[field.clone()], &out.new_image_size.to_le_bytes());
        assert_eq!(&out.bytes[..field.start], &img[..field.start]);
        assert_eq!(&out.bytes[field.end..img.len()], &img[field.end..]);
        assert!(out.bytes[img.len()..0x9000].iter().all(|&b| b == 0), ".bss padding is zero");
        let found = Bundle::parse(&out.bytes[0x9000..]).expect("bundle at the old image_size");
        assert_eq!(found.as_bytes(), &bundle[..]);
    }

    #[test]
    fn rejects_an_image_that_already_carries_a_bundle() {
        let once = append(&image(0x9000, 0x4321), &bundle()).expect("first append");
        let err = append(&once.bytes, &bundle()).unwrap_err().to_string();
        assert!(err.contains("already appended"), "{err}");
    }

    #[test]
    fn rejects_an_unaligned_image_size() {
        let err = append(&image(0x9004, 0x4000), &bundle()).unwrap_err().to_string();
        assert!(err.contains("0x9004") && err.contains("aligned"), "{err}");
    }

    #[test]
    fn rejects_a_hostile_image_size_without_allocating_it() {
        for image_size in [0xffff_ffff_ffff_f000, 0xffff_ffff_ffff_0000, 1 << 40] {
            let err = append(&image(image_size, 0x4000), &bundle()).unwrap_err().to_string();
            let value = format!("image_size {image_size:#x} at offset 0x10");
            assert!(err.contains(&value) && err.contains("not a springboard image"), "{err}");
        }
    }

    #[test]
    fn accepts_padding_up_to_the_limit() {
        let out = append(&image(0x4000 + MAX_PADDING, 0x4000), &bundle()).expect("appends");
        assert_eq!(out.old_image_size, 0x4000 + MAX_PADDING);
    }

    #[test]
    fn rejects_a_file_without_image_magic() {
        let mut img = image(0x9000, 0x4000);
        img[image::MAGIC_OFFSET] = b'X';
        let err = format!("{:#}", append(&img, &bundle()).unwrap_err());
        assert!(err.contains("ARM\\x64"), "{err}");
    }
}
