//! What every matrix test shares: how a refusal and a boot are judged, the inputs that several
//! tests start from (each made once per test run), and small byte-editing helpers.

use image_formats::bundle::{BundleBuilder, EntrySpec, PayloadKind, HEADER_SIZE};
use image_formats::image::{flags, ImageHeader, PageSize, HEADER_LEN};
use qemu_tests::{pack, Assets, Qemu, Run, CMDLINE, USERSPACE};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

/// Lines that mean springboard jumped into what it should have refused.
pub const NEVER: &[&str] = &["Booting Linux", "springboard: handoff:"];
/// A refusal takes springboard a second or two; a hang is reported after this.
pub const REFUSAL_TIMEOUT: Duration = Duration::from_secs(30);
/// A boot of a real kernel to userspace under TCG, with margin for a loaded machine.
pub const BOOT_TIMEOUT: Duration = Duration::from_secs(90);
/// The power-off line that follows every error line.
pub const POWER_OFF: &str = "springboard: powering off";
/// Where the tests' QEMU puts `-initrd` (QEMU 7.2 `hw/arm/boot.c`: 128 MiB above the base of
/// DRAM, for a kernel image that small), and where the tests plant a bundle by hand.
pub const INITRD_BASE: u64 = 0x4800_0000;
/// Where QEMU puts `-kernel`: the base of DRAM + 2 MiB (`virt`'s DRAM starts at 1 GiB).
pub const KERNEL_BASE: u64 = 0x4020_0000;
/// `virt`'s DRAM with `-m 1G`: `[1 GiB, 2 GiB)`.
pub const DRAM: (u64, u64) = (0x4000_0000, 0x4000_0000);

/// The assets, read once.
pub fn assets() -> &'static Assets {
    static ASSETS: OnceLock<Assets> = OnceLock::new();
    ASSETS.get_or_init(Assets::get)
}

/// `virt` at EL2 on a Cortex-A57 with springboard as `-kernel`, named `matrix-NAME`.
pub fn virt(name: &str) -> Qemu {
    Qemu::virt(&format!("matrix-{name}"), "cortex-a57").kernel(&assets().springboard)
}

/// Runs `qemu` expecting exactly one `springboard: error: CODE:` line, then the power-off
/// (QEMU exits 0 through PSCI `SYSTEM_OFF`), no jump, and no hang longer than
/// [`REFUSAL_TIMEOUT`]. Returns the run to check the error's detail.
pub fn refuses(qemu: Qemu, code: &str) -> Run {
    let error = format!("springboard: error: {code}:");
    let run = qemu.forbid(NEVER).timeout(REFUSAL_TIMEOUT).expect(&[&error, POWER_OFF], work());
    let errors = run.count("springboard: error:");
    if errors != 1 {
        run.fail(&format!("{errors} error lines, want exactly one"), &[]);
    }
    run
}

/// Runs `qemu` expecting `milestones`, then the generic kernel's userspace marker.
pub fn boots(qemu: Qemu, milestones: &[&str]) -> Run {
    let userspace = format!("{USERSPACE}{}", generic().release);
    let mut all: Vec<&str> = milestones.to_vec();
    all.push(&userspace);
    qemu.forbid(&["springboard: error:"]).timeout(BOOT_TIMEOUT).expect(&all, work())
}

/// Asserts the line with `needle` also contains each of `words`.
pub fn line_says(run: &Run, needle: &str, words: &[&str]) {
    let line = run.assert_has(needle).to_string();
    for word in words {
        if !line.contains(word) {
            run.fail(&format!("`{line}` does not say `{word}`"), &[]);
        }
    }
}

/// The scratch folder.
pub fn work() -> &'static Path {
    &assets().work
}

/// Writes `bytes` to `matrix-NAME` in the work folder.
pub fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let path = assets().work_file(&format!("matrix-{name}"));
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    path
}

/// Reads a file the test made or the assets hold.
pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The 6.1 generic kernel.
pub fn generic() -> &'static qemu_tests::Kernel {
    assets().kernel("6.1-generic")
}

/// `springboard pack` of the generic kernel, the test initramfs and [`CMDLINE`]: the bundle a
/// new user makes.
pub fn real_bundle() -> &'static Path {
    static BUNDLE: OnceLock<PathBuf> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let path = assets().work_file("matrix-real.bundle");
        pack(assets(), &generic().path, CMDLINE, &path);
        path
    })
}

/// Two entries, `first` and `second`, sharing the generic kernel and the test initramfs, with
/// no command-line payload: the kernel gets `/chosen/bootargs` minus springboard's words.
pub fn two_entry_bundle() -> &'static Path {
    static BUNDLE: OnceLock<PathBuf> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let mut b = BundleBuilder::new();
        let kernel = b.add_payload(PayloadKind::Kernel, "generic", read(&generic().path), false);
        let initrd =
            b.add_payload(PayloadKind::Initrd, "initramfs", read(&assets().initramfs), false);
        for name in ["first", "second"] {
            b.add_entry(EntrySpec { initrd: Some(initrd), ..EntrySpec::new(name, kernel) });
        }
        write("two-entries.bundle", &b.build().expect("building the two-entry bundle"))
    })
}

/// The id springboard's state page gives `bundle`: the CRC32 of its header.
pub fn bundle_id(bundle: &[u8]) -> u32 {
    crc32fast::hash(&bundle[..HEADER_SIZE])
}

/// Opcode of `b .`: a kernel that is entered by mistake spins instead of running garbage.
const BRANCH_TO_SELF: u32 = 0x1400_0000;

/// An arm64 Image (Linux `Documentation/arch/arm64/booting.rst`, "Call the kernel image"):
/// the 64-byte header with `text_offset`, `image_size` and `flags`, then `len - 64` bytes of a
/// compressible text pattern. Its code spins: it must never run.
pub fn image(text_offset: u64, image_size: u64, flags: u64, len: usize) -> Vec<u8> {
    let header = ImageHeader {
        code0: BRANCH_TO_SELF,
        code1: 0,
        text_offset,
        image_size,
        flags,
        res5_pe_offset: 0,
    };
    let mut out = vec![0u8; HEADER_LEN];
    header.write((&mut out[..]).try_into().expect("HEADER_LEN bytes"));
    let mut line = 0u32;
    while out.len() < len {
        out.extend(format!("matrix filler line {line} of an image that must not run\n").bytes());
        line += 1;
    }
    out.truncate(len.max(HEADER_LEN));
    out
}

/// Flags of a well-formed Image: little-endian, 4 KiB pages, placeable anywhere.
pub const GOOD_FLAGS: u64 = flags::little_endian(PageSize::Size4K, true);

/// A bundle of one entry `default` booting `kernel` (gzip-flagged or not) with a 4 KiB
/// initrd.
pub fn bundle_of(kernel: Vec<u8>, gzip: bool) -> Vec<u8> {
    let mut b = BundleBuilder::new();
    let k = b.add_payload(PayloadKind::Kernel, "kernel", kernel, gzip);
    let initrd = b.add_payload(PayloadKind::Initrd, "initrd", vec![0x5a; 4096], false);
    b.add_entry(EntrySpec { initrd: Some(initrd), ..EntrySpec::new("default", k) });
    b.build().expect("building a one-entry bundle")
}

/// A small well-formed bundle whose kernel is a valid Image header over 64 KiB that spins:
/// springboard accepts it up to the jump, so a refusal that comes too late shows up as
/// `springboard: handoff:`.
pub fn tiny_bundle() -> &'static [u8] {
    static BUNDLE: OnceLock<Vec<u8>> = OnceLock::new();
    BUNDLE.get_or_init(|| bundle_of(image(0, 1 << 20, GOOD_FLAGS, 64 << 10), false))
}

/// [`tiny_bundle`] as a file.
pub fn tiny_bundle_file() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| write("tiny.bundle", tiny_bundle()))
}

/// Reads a little-endian `u32` at `at`.
pub fn get_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

/// Reads a little-endian `u64` at `at`.
pub fn get_u64(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

/// Writes a little-endian `u32` at `at`.
pub fn put_u32(bytes: &mut [u8], at: usize, value: u32) {
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

/// Writes a little-endian `u64` at `at`.
pub fn put_u64(bytes: &mut [u8], at: usize, value: u64) {
    bytes[at..at + 8].copy_from_slice(&value.to_le_bytes());
}
