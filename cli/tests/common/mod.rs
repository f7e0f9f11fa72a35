//! Helpers shared by the CLI tests: run the built binary, make synthetic inputs.
#![allow(dead_code)] // each test file uses a different subset

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh, empty scratch directory for one test.
pub fn scratch(test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("springboard-cli").join(test);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `springboard` with `args`.
pub fn springboard(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_springboard")).args(args).output().unwrap()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A synthetic arm64 Image: the 64-byte header of booting.rst and `body` bytes of "code".
pub fn fake_image(flags: u64, image_size: u64, body: usize) -> Vec<u8> {
    let mut image = vec![0u8; 64];
    image[0x00..0x04].copy_from_slice(&0x1400_0010u32.to_le_bytes()); // code0: b +0x40
    image[0x08..0x10].copy_from_slice(&0u64.to_le_bytes()); // text_offset
    image[0x10..0x18].copy_from_slice(&image_size.to_le_bytes());
    image[0x18..0x20].copy_from_slice(&flags.to_le_bytes());
    image[0x38..0x3c].copy_from_slice(b"ARM\x64");
    image.extend((0..body).map(|i| (i % 251) as u8));
    image
}

/// Writes `data` to `dir/name` and returns the path as a string.
pub fn write(dir: &Path, name: &str, data: &[u8]) -> String {
    let path = dir.join(name);
    fs::write(&path, data).unwrap();
    path.to_str().unwrap().to_string()
}

/// `data` as a gzip file holding one stored (uncompressed) deflate block (RFC 1951, 3.2.4),
/// with the trailer's CRC32 and ISIZE (RFC 1952, 2.3.1) right.
pub fn stored_gzip(data: &[u8]) -> Vec<u8> {
    let len = u16::try_from(data.len()).unwrap();
    let mut gz = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
    gz.push(0x01); // BFINAL = 1, BTYPE = 00 (stored)
    gz.extend_from_slice(&len.to_le_bytes());
    gz.extend_from_slice(&(!len).to_le_bytes());
    gz.extend_from_slice(data);
    gz.extend_from_slice(&crc32fast::hash(data).to_le_bytes());
    gz.extend_from_slice(&u32::from(len).to_le_bytes());
    gz
}

/// A tiny FDT writer (Devicetree Specification v0.4, chapter 5), enough for test blobs.
#[derive(Default)]
pub struct DtbWriter {
    structs: Vec<u8>,
    strings: Vec<u8>,
    memreserve: Vec<(u64, u64)>,
}

impl DtbWriter {
    fn token(&mut self, token: u32) {
        self.structs.extend_from_slice(&token.to_be_bytes());
    }

    fn pad(&mut self) {
        while self.structs.len() % 4 != 0 {
            self.structs.push(0);
        }
    }

    /// FDT_BEGIN_NODE with `name`.
    pub fn begin(&mut self, name: &str) -> &mut Self {
        self.token(1);
        self.structs.extend_from_slice(name.as_bytes());
        self.structs.push(0);
        self.pad();
        self
    }

    /// FDT_END_NODE.
    pub fn end(&mut self) -> &mut Self {
        self.token(2);
        self
    }

    /// FDT_PROP `name` = `value`.
    pub fn prop(&mut self, name: &str, value: &[u8]) -> &mut Self {
        let offset = self.strings.len() as u32;
        self.strings.extend_from_slice(name.as_bytes());
        self.strings.push(0);
        self.token(3);
        self.token(value.len() as u32);
        self.token(offset);
        self.structs.extend_from_slice(value);
        self.pad();
        self
    }

    /// A string property.
    pub fn prop_str(&mut self, name: &str, value: &str) -> &mut Self {
        self.prop(name, format!("{value}\0").as_bytes())
    }

    /// A property of big-endian u32 cells.
    pub fn prop_cells(&mut self, name: &str, cells: &[u32]) -> &mut Self {
        let bytes: Vec<u8> = cells.iter().flat_map(|c| c.to_be_bytes()).collect();
        self.prop(name, &bytes)
    }

    /// A `/memreserve/` entry.
    pub fn reserve(&mut self, base: u64, size: u64) -> &mut Self {
        self.memreserve.push((base, size));
        self
    }

    /// The blob: header, memory reservation block, structure block (with FDT_END), strings.
    pub fn finish(&mut self) -> Vec<u8> {
        self.token(9);
        let rsvmap = 40u32;
        let structs = rsvmap + 16 * (self.memreserve.len() as u32 + 1);
        let strings = structs + self.structs.len() as u32;
        let total = strings + self.strings.len() as u32;
        let mut blob = Vec::new();
        let header = [0xd00d_feed, total, structs, strings, rsvmap, 17, 16, 0];
        for field in
            header.into_iter().chain([self.strings.len() as u32, self.structs.len() as u32])
        {
            blob.extend_from_slice(&field.to_be_bytes());
        }
        for &(base, size) in self.memreserve.iter().chain(&[(0, 0)]) {
            blob.extend_from_slice(&base.to_be_bytes());
            blob.extend_from_slice(&size.to_be_bytes());
        }
        blob.extend_from_slice(&self.structs);
        blob.extend_from_slice(&self.strings);
        blob
    }
}

/// A small board DTB: 512 MiB of memory at 0x8000_0000, `/chosen/bootargs`, one
/// `/memreserve/` entry and one `/reserved-memory` child.
pub fn sample_dtb() -> Vec<u8> {
    let mut w = DtbWriter::default();
    w.reserve(0x8800_0000, 0x2000);
    w.begin("").prop_str("compatible", "test,board").prop_cells("#address-cells", &[2]);
    w.prop_cells("#size-cells", &[2]);
    w.begin("memory@80000000").prop_str("device_type", "memory");
    w.prop_cells("reg", &[0, 0x8000_0000, 0, 0x2000_0000]).end();
    w.begin("chosen").prop_str("bootargs", "console=ttyS0 quiet").end();
    w.begin("reserved-memory").prop_cells("#address-cells", &[2]).prop_cells("#size-cells", &[2]);
    w.prop("ranges", &[]);
    w.begin("fw@9ff00000").prop_cells("reg", &[0, 0x9ff0_0000, 0, 0x10_0000]).end();
    w.end();
    w.end();
    w.finish()
}
