//! `springboard pack`: bundles built from synthetic kernels, initrds, DTBs and command lines.

mod common;

use std::fs;

use image_formats::bundle::{Bundle, PayloadKind};

use common::{fake_image, sample_dtb, scratch, springboard, stderr, stdout, stored_gzip, write};

#[test]
fn pack_then_inspect_round_trips() {
    let dir = scratch("pack_then_inspect_round_trips");
    let kernel_data = fake_image(0xa, 0x20_0000, 10_000);
    let initrd_data: Vec<u8> = (0..5000u32).map(|i| (i * 13) as u8).collect();
    let kernel = write(&dir, "Image", &kernel_data);
    let initrd = write(&dir, "initrd.cpio", &initrd_data);
    let out = dir.join("boot.bundle");
    let out_str = out.to_str().unwrap();
    let cmdline = "console=ttyAMA0 root=/dev/vda";
    let packed = springboard(&[
        "pack",
        "--kernel",
        &kernel,
        "--initrd",
        &initrd,
        "--cmdline",
        cmdline,
        "--name",
        "swap-a",
        "-o",
        out_str,
    ]);
    assert!(packed.status.success(), "pack failed: {}", stderr(&packed));
    let report = stdout(&packed);
    for needle in ["wrote", "Image", "initrd.cpio", "cmdline", "swap-a", "OK"] {
        assert!(report.contains(needle), "pack output lacks {needle:?}:\n{report}");
    }

    let bytes = fs::read(&out).unwrap();
    let bundle = Bundle::parse(&bytes).unwrap();
    let (_, entry) = bundle.entry_by_name("swap-a").expect("entry swap-a");
    let kernel_payload = bundle.payload(entry.kernel).unwrap();
    assert_eq!((kernel_payload.kind, kernel_payload.data), (PayloadKind::Kernel, &kernel_data[..]));
    assert_eq!(bundle.payload(entry.initrd.unwrap()).unwrap().data, &initrd_data[..]);
    assert_eq!(bundle.payload(entry.cmdline.unwrap()).unwrap().as_cmdline(), Some(cmdline));
    assert_eq!(entry.dtb, None);
    assert!(bundle.payloads().all(|p| p.verify().is_ok()));

    let inspected = springboard(&["inspect", out_str]);
    assert!(inspected.status.success(), "inspect failed: {}", stderr(&inspected));
    let text = stdout(&inspected);
    assert!(text.contains("springboard bundle v1"), "{text}");
    assert_eq!(text.matches(" OK").count(), 3, "{text}");
    assert!(text.contains(&format!("{cmdline:?}")), "{text}");
    assert!(text.contains("\"swap-a\": kernel 0 (Image), initrd 1 (initrd.cpio)"), "{text}");
}

#[test]
fn pack_with_dtb_adds_a_dtb_payload() {
    let dir = scratch("pack_with_dtb_adds_a_dtb_payload");
    let kernel = write(&dir, "Image", &fake_image(0xa, 0x10_0000, 100));
    let dtb = write(&dir, "virt.dtb", &sample_dtb());
    let out = dir.join("b");
    let packed =
        springboard(&["pack", "--kernel", &kernel, "--dtb", &dtb, "-o", out.to_str().unwrap()]);
    assert!(packed.status.success(), "{}", stderr(&packed));
    let bytes = fs::read(&out).unwrap();
    let bundle = Bundle::parse(&bytes).unwrap();
    let (_, entry) = bundle.entry_by_name("default").unwrap();
    assert_eq!(bundle.payload(entry.dtb.unwrap()).unwrap().data, &sample_dtb()[..]);
}

#[test]
fn pack_rejects_a_kernel_without_image_magic() {
    let dir = scratch("pack_rejects_a_kernel_without_image_magic");
    let mut not_image = fake_image(0xa, 0, 100);
    not_image[0x38] = b'X';
    let kernel = write(&dir, "Image", &not_image);
    let out = dir.join("b");
    let packed = springboard(&["pack", "--kernel", &kernel, "-o", out.to_str().unwrap()]);
    assert_eq!(packed.status.code(), Some(1));
    let err = stderr(&packed);
    assert!(
        err.contains("not an arm64 Image") && err.contains("0x38") && err.contains("58 52 4d 64"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn pack_rejects_a_dtb_without_fdt_magic() {
    let dir = scratch("pack_rejects_a_dtb_without_fdt_magic");
    let kernel = write(&dir, "Image", &fake_image(0xa, 0x10_0000, 100));
    let dtb = write(&dir, "x.dtb", b"not a device tree");
    let packed = springboard(&[
        "pack",
        "--kernel",
        &kernel,
        "--dtb",
        &dtb,
        "-o",
        dir.join("b").to_str().unwrap(),
    ]);
    assert_eq!(packed.status.code(), Some(1));
    assert!(stderr(&packed).contains("d0 0d fe ed"), "{}", stderr(&packed));
}

#[test]
fn pack_accepts_a_gzip_kernel_and_flags_it() {
    let dir = scratch("pack_accepts_a_gzip_kernel_and_flags_it");
    let image = fake_image(0xa, 0x30_0000, 500);
    let gz = stored_gzip(&image);
    let kernel = write(&dir, "Image.gz", &gz);
    let out = dir.join("b");
    let packed = springboard(&["pack", "--kernel", &kernel, "-o", out.to_str().unwrap()]);
    assert!(packed.status.success(), "{}", stderr(&packed));
    assert!(stdout(&packed).contains("kernel: gzip-compressed arm64 Image"), "{}", stdout(&packed));
    let bytes = fs::read(&out).unwrap();
    let bundle = Bundle::parse(&bytes).unwrap();
    let payload = bundle.payload(0).unwrap();
    assert!(payload.gzip);
    assert_eq!(payload.data, &gz[..]);
    let text = stdout(&springboard(&["inspect", out.to_str().unwrap()]));
    assert!(text.contains("kernel+gzip") && text.contains("image_size 0x300000"), "{text}");
}

#[test]
fn pack_rejects_a_gzip_file_without_an_image_inside() {
    let dir = scratch("pack_rejects_a_gzip_file_without_an_image_inside");
    let kernel = write(&dir, "Image.gz", &stored_gzip(&[0x55; 100]));
    let packed = springboard(&["pack", "--kernel", &kernel, "-o", dir.join("b").to_str().unwrap()]);
    assert_eq!(packed.status.code(), Some(1));
    let err = stderr(&packed);
    assert!(err.contains("inside the gzip stream") && err.contains("55 55 55 55"), "{err}");
}
