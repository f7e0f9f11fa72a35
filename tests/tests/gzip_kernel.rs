//! `Image.gz` kernels: springboard inflates them straight into their load address, checking
//! the gzip trailer's size and CRC32, and refuses a corrupt one without jumping.

use image_formats::bundle::{BundleBuilder, EntrySpec, PayloadKind};
use qemu_tests::{Assets, Entry, Pack, Qemu, CMDLINE, USERSPACE};
use std::path::{Path, PathBuf};
use std::process::Command;

/// `gzip -1` of the generic kernel, made once per test run.
fn gzipped_kernel(assets: &Assets, name: &str) -> PathBuf {
    let out = assets.work_file(name);
    let file = std::fs::File::create(&out).expect("creating Image.gz");
    let status = Command::new("gzip")
        .args(["-1", "-c", "-n"])
        .arg(&assets.kernel("6.1-generic").path)
        .stdout(file)
        .status()
        .expect("running gzip");
    assert!(status.success(), "gzip failed");
    out
}

fn pack_gz(assets: &Assets, kernel: &Path, out: &Path) {
    let entry = Entry::kernel(kernel).initrd(&assets.initramfs).cmdline(CMDLINE);
    assets.pack(Pack::new().entry(entry), out);
}

#[test]
fn gzip_compressed_kernel_is_inflated_into_place_and_boots() {
    let assets = Assets::get();
    let gz = gzipped_kernel(&assets, "Image.gz");
    let bundle = assets.work_file("gzip-kernel.bundle");
    pack_gz(&assets, &gz, &bundle);
    let release = assets.kernel("6.1-generic").release.clone();
    Qemu::virt("gzip-kernel", "cortex-a57").kernel(&assets.springboard).initrd(&bundle).expect(
        &[
            "gzip-compressed in the bundle",
            "springboard: kernel: inflated 31.4 MiB to",
            "CPU: All CPU(s) started at EL2",
            &format!("{USERSPACE}{release}"),
        ],
        &assets.work,
    );
}

#[test]
fn refuses_a_corrupt_gzip_kernel_whose_bundle_crc_is_right() {
    let assets = Assets::get();
    let mut gz = std::fs::read(gzipped_kernel(&assets, "corrupt-src.gz")).expect("reading");
    // Deep in the deflate stream: the header still inflates; the bundle's CRC32 is computed
    // over these bytes, so only the inflation can notice. `pack` inflates the whole kernel and
    // refuses it, so the bundle is built with the library.
    let middle = gz.len() / 2;
    gz[middle] ^= 0x55;
    let mut builder = BundleBuilder::new();
    let kernel = builder.add_payload(PayloadKind::Kernel, "corrupt.gz", gz, true);
    let initramfs = std::fs::read(&assets.initramfs).expect("reading the initramfs");
    let initrd = builder.add_payload(PayloadKind::Initrd, "initramfs", initramfs, false);
    let cmdline =
        builder.add_payload(PayloadKind::Cmdline, "cmdline", CMDLINE.as_bytes().to_vec(), false);
    let spec = EntrySpec {
        initrd: Some(initrd),
        cmdline: Some(cmdline),
        ..EntrySpec::new("default", kernel)
    };
    builder.add_entry(spec);
    let bundle = assets.work_file("corrupt-gzip.bundle");
    std::fs::write(&bundle, builder.build().expect("building the bundle")).expect("writing");
    Qemu::virt("corrupt-gzip", "cortex-a57")
        .kernel(&assets.springboard)
        .initrd(&bundle)
        .forbid(&["Booting Linux", "springboard: handoff:"])
        .expect(
            &["springboard: error: kernel-gzip: offset", "springboard: powering off"],
            &assets.work,
        );
}
