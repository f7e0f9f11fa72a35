//! `springboard inspect` on the real Debian kernels and on springboard's own image.

use image_formats::image::IMAGE_SIZE_OFFSET;
use qemu_tests::Assets;
use std::path::Path;

fn inspect(assets: &Assets, file: &Path) -> String {
    let out = std::process::Command::new(&assets.cli)
        .arg("inspect")
        .arg(file)
        .output()
        .expect("running springboard inspect");
    assert!(
        out.status.success(),
        "inspect {} failed: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The `image_size` field of an Image header, read independently of the CLI's header reader
/// (only its offset comes from `image_formats`).
fn header_image_size(file: &Path) -> u64 {
    let bytes = std::fs::read(file).expect("reading the kernel");
    let field = &bytes[IMAGE_SIZE_OFFSET..IMAGE_SIZE_OFFSET + 8];
    u64::from_le_bytes(field.try_into().expect("8 bytes"))
}

#[test]
fn inspect_prints_the_real_kernels_headers() {
    let assets = Assets::get();
    for kernel in &assets.kernels {
        let text = inspect(&assets, &kernel.path);
        let image_size = header_image_size(&kernel.path);
        let file_size = std::fs::metadata(&kernel.path).expect("kernel metadata").len();
        assert!(image_size > file_size, "{}: Debian's image_size covers .bss", kernel.label);
        assert!(text.contains("text_offset  0x0\n"), "{}:\n{text}", kernel.label);
        assert!(
            text.contains(&format!("image_size   {image_size:#x} ")),
            "{}:\n{text}",
            kernel.label
        );
        assert!(text.contains("flags        0xa\n"), "{}:\n{text}", kernel.label);
        for decoded in ["little endian", "page size 4K", "placement: anywhere"] {
            assert!(text.contains(decoded), "{}: no `{decoded}` in\n{text}", kernel.label);
        }
    }
}

#[test]
fn springboard_is_itself_a_bootable_arm64_image() {
    let assets = Assets::get();
    let text = inspect(&assets, &assets.springboard);
    assert!(text.contains("text_offset  0x0\n") && text.contains("flags        0xa\n"), "{text}");
    assert!(text.contains("springboard: bootable"), "{text}");
}
