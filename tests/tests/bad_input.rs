//! Bad input never reaches a jump: springboard prints one `springboard: error:` line and powers
//! off through PSCI (QEMU then exits with status 0), and no kernel starts.

use image_formats::bundle::{Bundle, BundleBuilder, EntrySpec, PayloadKind};
use qemu_tests::{pack, Assets, Qemu, Run, CMDLINE};
use std::path::Path;

const NEVER: &[&str] = &["Booting Linux", "springboard: handoff:"];

/// Boots springboard with `bundle` (or none) and expects `error` and the power-off.
fn refuses(name: &str, bundle: Option<&Path>, error: &str) -> Run {
    let assets = Assets::get();
    let mut qemu = Qemu::virt(name, "cortex-a57").kernel(&assets.springboard).forbid(NEVER);
    if let Some(bundle) = bundle {
        qemu = qemu.initrd(bundle);
    }
    let run = qemu.expect(&[error, "springboard: powering off"], &assets.work);
    assert_eq!(run.count("springboard: error:"), 1, "exactly one error line");
    run
}

/// A real bundle of the generic kernel and the initramfs, as bytes.
fn real_bundle(assets: &Assets, name: &str) -> Vec<u8> {
    let path = assets.work_file(name);
    pack(assets, &assets.kernel("6.1-generic").path, CMDLINE, &path);
    std::fs::read(&path).expect("reading the packed bundle")
}

#[test]
fn refuses_a_bundle_with_one_flipped_byte_in_the_kernel() {
    let assets = Assets::get();
    let mut bytes = real_bundle(&assets, "flip-src.bundle");
    let kernel_offset = {
        let bundle = Bundle::parse(&bytes).expect("a valid bundle");
        let entry = bundle.entry(0).expect("one entry");
        bundle.payload(entry.kernel).expect("kernel payload").offset as usize
    };
    bytes[kernel_offset + 0x10_0000] ^= 0x01;
    let path = assets.work_file("flipped-kernel.bundle");
    std::fs::write(&path, &bytes).expect("writing the bundle");
    let run = refuses("flipped-kernel", Some(&path), "springboard: error: bundle:");
    run.assert_has("CRC32");
}

#[test]
fn refuses_a_truncated_bundle() {
    let assets = Assets::get();
    let bytes = real_bundle(&assets, "trunc-src.bundle");
    let path = assets.work_file("truncated.bundle");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).expect("writing the bundle");
    refuses("truncated", Some(&path), "springboard: error: bundle:");
}

#[test]
fn refuses_a_kernel_without_image_magic() {
    let assets = Assets::get();
    // 2 MiB that look like nothing: the bundle's framing and CRCs are right, the kernel is not.
    let not_a_kernel: Vec<u8> =
        (0..2 << 20).map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    let mut builder = BundleBuilder::new();
    let kernel = builder.add_payload(PayloadKind::Kernel, "not-a-kernel", not_a_kernel, false);
    builder.add_entry(EntrySpec::new("default", kernel));
    let path = assets.work_file("no-magic.bundle");
    std::fs::write(&path, builder.build().expect("building")).expect("writing the bundle");
    let run = refuses("no-magic", Some(&path), "springboard: error: kernel:");
    run.assert_has("magic");
}

#[test]
fn refuses_to_boot_without_a_bundle() {
    refuses("no-bundle", None, "springboard: error: no-bundle:");
}
