//! Hostile `Image.gz` kernels (RFC 1952 members made by the host's `gzip`, then edited) in
//! well-formed bundles: the bundle's CRCs are computed over the edited bytes, so only the
//! inflation and its trailer checks can refuse them.

use crate::common::{bundle_of, image, line_says, refuses, virt, write, GOOD_FLAGS};
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// Size of the RFC 1952 trailer: CRC32, then ISIZE, both little-endian.
const TRAILER: usize = 8;

/// A 2 MiB Image (valid header, text filler that spins if entered).
fn plain() -> &'static [u8] {
    static IMAGE: OnceLock<Vec<u8>> = OnceLock::new();
    IMAGE.get_or_init(|| image(0, 4 << 20, GOOD_FLAGS, 2 << 20))
}

/// `gzip -1 -n` of [`plain`]: one member with an empty-name header.
fn member() -> &'static [u8] {
    static GZ: OnceLock<Vec<u8>> = OnceLock::new();
    GZ.get_or_init(|| {
        let mut child = Command::new("gzip")
            .args(["-1", "-n", "-c"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("running gzip");
        let mut stdin = child.stdin.take().expect("piped stdin");
        let data = plain();
        let writer = std::thread::spawn(move || stdin.write_all(data).expect("feeding gzip"));
        let out = child.wait_with_output().expect("waiting for gzip");
        writer.join().expect("gzip writer thread");
        assert!(out.status.success(), "gzip failed");
        out.stdout
    })
}

/// Boots a bundle whose gzip-flagged kernel is `gz` and expects `kernel-gzip` saying `words`.
fn refuses_gz(name: &str, gz: Vec<u8>, words: &[&str]) {
    let path = write(&format!("{name}.bundle"), &bundle_of(gz, true));
    let run = refuses(virt(name).initrd(&path), "kernel-gzip");
    line_says(&run, "springboard: error: kernel-gzip:", words);
}

#[test]
fn gzip_kernel_whose_trailer_crc_is_wrong_is_refused() {
    let mut gz = member().to_vec();
    let crc = gz.len() - TRAILER;
    gz[crc] ^= 0x01;
    refuses_gz("gzip-crc", gz, &["CRC"]);
}

#[test]
fn gzip_kernel_whose_deflate_stream_is_cut_short_is_refused() {
    // The first half of the deflate stream, then the real trailer: the header inflates (so the
    // Image header reads), the stream ends without its final block.
    let gz = member();
    let mut cut = gz[..gz.len() / 2].to_vec();
    cut.extend(&gz[gz.len() - TRAILER..]);
    refuses_gz("gzip-truncated", cut, &["offset"]);
}

#[test]
fn gzip_kernel_whose_trailer_understates_the_output_is_refused_not_overflowed() {
    // A "bomb": ISIZE says a quarter of what the stream inflates to. The destination is sized
    // from ISIZE, so inflating must stop at its end and refuse.
    let mut gz = member().to_vec();
    let at = gz.len() - 4;
    let quarter = (plain().len() / 4) as u32;
    gz[at..].copy_from_slice(&quarter.to_le_bytes());
    refuses_gz("gzip-bomb", gz, &["offset"]);
}

#[test]
fn gzip_kernel_of_two_concatenated_members_is_refused() {
    // `gzip -d` would output the Image twice; springboard inflates one member only, so it must
    // refuse rather than boot the first member and ignore the second.
    let mut gz = member().to_vec();
    gz.extend(member());
    refuses_gz("gzip-two-members", gz, &["offset"]);
}

#[test]
fn gzip_kernel_with_garbage_after_its_member_is_refused() {
    let mut gz = member().to_vec();
    gz.extend(b"GARBAGE AFTER THE GZIP MEMBER...");
    refuses_gz("gzip-trailing-garbage", gz, &["offset"]);
}
