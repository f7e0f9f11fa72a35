//! The benchmark's guest files, built from the kexec guest initramfs of `cargo xtask setup`
//! and the bench clock (`bench/clock`), in `target/bench/`:
//!
//! ```text
//! b-init.cpio          kernel B's whole initramfs: /dev/console and /init = the clock, which
//!                      prints B's count at its first userspace instruction and powers off
//! b.bundle             springboard pack: kernel B + b-init.cpio
//! a-springboard.cpio   the kexec guest initramfs + /init (A_INIT), /bin/clock,
//!                      /boot/springboard.bin and /boot/next.bundle (= b.bundle)
//! a-kexec.cpio         the same + /boot/next.Image (= kernel B)
//!                      and /boot/next.cpio (= b-init.cpio)
//! entry-probe.bin      the kernel-entry probe, padded to B's size and with B's image_size
//! entry-probe.bundle   springboard pack: entry-probe.bin + b-init.cpio
//! ```
//!
//! The A archives are the kexec guest initramfs followed by a second `newc` archive; Linux
//! unpacks both into one root, and the second archive's `/init` replaces the first's.

use anyhow::{anyhow, ensure, Context, Result};
use image_formats::cpio::Cpio;
use image_formats::image::{self, ImageHeader};
use object::{Object, ObjectSection};
use springboard_host::protocol::{self, GUEST_BUNDLE, GUEST_SPRINGBOARD};
use springboard_host::{Entry, Pack};
use std::path::{Path, PathBuf};

/// The kernel command line of every kernel in the benchmark (B's, and A's before the mode).
pub const CMDLINE: &str = protocol::BASE_CMDLINE;

/// Kernel A's `/init`: with `sbbench=springboard` it loads springboard with B's bundle, with
/// `sbbench=kexec` it loads B's `Image` and initramfs directly; the clock prints A's count
/// before `kexec -l` (`a-start`) and between `kexec -l` and `kexec -e` (`a-loaded`). Both
/// modes pass `-i` (no purgatory SHA-256, seconds under emulation) and the same command line.
pub const A_INIT: &str = r#"#!/bin/sh
bb=/bin/busybox
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
case " $($bb cat /proc/cmdline) " in
*" sbbench=springboard "*) image=/boot/springboard.bin initrd=/boot/next.bundle ;;
*" sbbench=kexec "*) image=/boot/next.Image initrd=/boot/next.cpio ;;
*) echo "SBBENCH-FAILED: no sbbench=springboard or sbbench=kexec on the command line"
   $bb poweroff -f ;;
esac
/bin/clock a-start
if /sbin/kexec -i -l $image --initrd $initrd --append "console=ttyAMA0 panic=-1"; then
    /bin/clock a-loaded
    /sbin/kexec -e
    echo "SBBENCH-FAILED: kexec -e returned $?"
else
    echo "SBBENCH-FAILED: kexec -l $image returned $?"
fi
$bb poweroff -f
"#;

/// What the scenarios boot.
pub struct Inputs {
    /// Kernel B's initramfs (the clock as `/init`).
    pub b_initramfs: PathBuf,
    /// springboard's bundle of kernel B and [`Inputs::b_initramfs`].
    pub b_bundle: PathBuf,
    /// Kernel A's initramfs for the springboard swap.
    pub a_springboard: PathBuf,
    /// Kernel A's initramfs for the plain kexec.
    pub a_kexec: PathBuf,
    /// springboard's bundle of the kernel-entry probe (in B's place) and B's initramfs.
    pub probe_bundle: PathBuf,
}

/// Where the pieces come from.
pub struct Sources<'a> {
    /// The bench clock, a static arm64 Linux ELF.
    pub clock: &'a [u8],
    /// The kernel-entry probe's ELF.
    pub probe: &'a [u8],
    /// The kexec guest initramfs (busybox, `/sbin/kexec` and its libraries).
    pub kexec_initramfs: &'a Path,
    /// springboard's flat image.
    pub springboard: &'a Path,
    /// The host CLI (for `pack`).
    pub cli: &'a Path,
    /// Kernel B's `Image`.
    pub kernel_b: &'a Path,
}

/// Writes every input into `dir`.
pub fn write(dir: &Path, from: &Sources) -> Result<Inputs> {
    let read = |p: &Path| std::fs::read(p).with_context(|| format!("reading {}", p.display()));
    let save = |name: &str, bytes: &[u8]| -> Result<PathBuf> {
        let path = dir.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        Ok(path)
    };
    let b_init = b_initramfs(from.clock);
    let b_initramfs = save("b-init.cpio", &b_init)?;
    let b_bundle = dir.join("b.bundle");
    pack(from.cli, from.kernel_b, &b_initramfs, &b_bundle)?;

    let guest = read(from.kexec_initramfs)?;
    ensure!(
        guest.len() % 4 == 0,
        "{} is {} bytes, not a multiple of 4: a second archive cannot follow it",
        from.kexec_initramfs.display(),
        guest.len()
    );
    let springboard =
        [(GUEST_SPRINGBOARD, read(from.springboard)?), (GUEST_BUNDLE, read(&b_bundle)?)];
    let kernel_b = read(from.kernel_b)?;
    let probe = save("entry-probe.bin", &probe_image(from.probe, &kernel_b)?)?;
    let probe_bundle = dir.join("entry-probe.bundle");
    pack(from.cli, &probe, &b_initramfs, &probe_bundle)?;
    let kexec = [("boot/next.Image", kernel_b), ("boot/next.cpio", b_init)];
    let a_springboard =
        save("a-springboard.cpio", &[&guest[..], &overlay(from.clock, &springboard)].concat())?;
    let a_kexec = save("a-kexec.cpio", &[&guest[..], &overlay(from.clock, &kexec)].concat())?;
    Ok(Inputs { b_initramfs, b_bundle, a_springboard, a_kexec, probe_bundle })
}

/// The kernel-entry probe as an `Image` that costs springboard what `kernel` costs: its
/// `.text` (header first), zero-padded to `kernel`'s length, with `kernel`'s `image_size`.
pub fn probe_image(elf: &[u8], kernel: &[u8]) -> Result<Vec<u8>> {
    let file = object::File::parse(elf).context("parsing the kernel-entry probe's ELF")?;
    let text = file.section_by_name(".text").context("the probe's ELF has no .text")?;
    sized_like(text.data().context("reading the probe's .text")?, kernel)
}

/// `probe` zero-padded to `kernel`'s length, with `kernel`'s `image_size`.
fn sized_like(probe: &[u8], kernel: &[u8]) -> Result<Vec<u8>> {
    let header = |what: &str, image: &[u8]| {
        ImageHeader::read_fields(image).map_err(|e| anyhow!("{what} is no arm64 Image: {e}"))
    };
    header("the probe", probe)?;
    let kernel_header = header("kernel B", kernel)?;
    ensure!(
        probe.len() <= kernel.len(),
        "the probe ({} bytes) is larger than kernel B ({} bytes)",
        probe.len(),
        kernel.len()
    );
    let mut image = probe.to_vec();
    image.resize(kernel.len(), 0);
    image::set_image_size(&mut image, kernel_header.image_size)
        .expect("the probe's header was read");
    Ok(image)
}

/// Kernel B's initramfs: `/dev/console` (Linux opens it for init) and the clock as `/init`.
pub fn b_initramfs(clock: &[u8]) -> Vec<u8> {
    let mut cpio = Cpio::new();
    cpio.dir("dev");
    cpio.char_device("dev/console", 5, 1);
    cpio.file("init", 0o755, clock);
    cpio.finish()
}

/// The archive that follows the kexec guest initramfs in A's: [`A_INIT`], `/bin/clock` and
/// `files` under `/boot`.
pub fn overlay(clock: &[u8], files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut cpio = Cpio::new();
    cpio.dir("boot");
    cpio.file("bin/clock", 0o755, clock);
    for (name, bytes) in files {
        cpio.file(name, 0o644, bytes);
    }
    cpio.file("init", 0o755, A_INIT.as_bytes());
    cpio.finish()
}

/// `springboard pack --kernel KERNEL --initrd INITRD --cmdline CMDLINE -o OUT`.
fn pack(cli: &Path, kernel: &Path, initrd: &Path, out: &Path) -> Result<()> {
    Pack::new().entry(Entry::kernel(kernel).initrd(initrd).cmdline(CMDLINE)).run(cli, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_init_reads_the_clock_before_loading_and_before_kexec_e() {
        let at = |s: &str| A_INIT.find(s).unwrap_or_else(|| panic!("A_INIT lacks `{s}`"));
        assert!(at("/bin/clock a-start") < at("/sbin/kexec -i -l $image"));
        assert!(at("/sbin/kexec -i -l $image") < at("/bin/clock a-loaded"));
        assert!(at("/bin/clock a-loaded") < at("/sbin/kexec -e"));
        assert!(A_INIT.contains(&format!("--append \"{CMDLINE}\"")));
        assert!(A_INIT.trim_end().ends_with("$bb poweroff -f"));
    }

    #[test]
    fn b_initramfs_is_the_console_and_the_clock_as_init() {
        let bytes = b_initramfs(b"CLOCK-ELF");
        let text = String::from_utf8_lossy(&bytes);
        let mut from = 0;
        for name in ["dev\0", "dev/console\0", "init\0", "TRAILER!!!\0"] {
            let at = text[from..].find(name).unwrap_or_else(|| panic!("{name:?} missing")) + from;
            from = at + name.len();
        }
        assert!(text.contains("CLOCK-ELF"));
        assert_eq!(bytes.len() % 4, 0);
    }

    #[test]
    fn probe_is_padded_to_kernel_b_s_length_with_its_image_size() {
        let with_header = |len: usize, header: ImageHeader| {
            let mut bytes = vec![0u8; len];
            header.write((&mut bytes[..image::HEADER_LEN]).try_into().unwrap());
            bytes
        };
        let probe_header = ImageHeader {
            code0: 0x1400_0010,
            code1: 0,
            text_offset: 0,
            image_size: 0x1_0000,
            flags: 0xa,
            res5_pe_offset: 0,
        };
        let kernel = with_header(4096, ImageHeader { image_size: 0x1ab_0000, ..probe_header });
        let mut probe = with_header(256, probe_header);
        probe[64] = 0xd5;
        let image = sized_like(&probe, &kernel).unwrap();
        assert_eq!(image.len(), 4096);
        let expected = ImageHeader { image_size: 0x1ab_0000, ..probe_header };
        assert_eq!(ImageHeader::read_fields(&image), Ok(expected), "only image_size changes");
        assert_eq!((image[64], image[65], image[4095]), (0xd5, 0, 0));
        let err = sized_like(&probe, &kernel[..128]).unwrap_err();
        assert!(err.to_string().contains("larger than kernel B"), "{err}");
        let err = sized_like(&probe, &[0; 4096]).unwrap_err();
        assert!(err.to_string().contains("kernel B is no arm64 Image"), "{err}");
        assert!(err.to_string().contains("offset 0x38: bad magic"), "{err}");
    }

    #[test]
    fn overlay_replaces_init_and_carries_the_boot_files() {
        let bytes = overlay(b"CLK", &[("boot/next.Image", b"KERNEL".to_vec())]);
        let text = String::from_utf8_lossy(&bytes);
        for needle in ["bin/clock\0", "boot/next.Image\0", "KERNEL", "init\0", A_INIT] {
            assert!(text.contains(needle), "overlay lacks {needle:?}");
        }
    }
}
