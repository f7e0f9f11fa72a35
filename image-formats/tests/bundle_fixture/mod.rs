//! A tiny bundle written byte by byte, independent of the builder, and helpers to damage it.
//!
//! ```text
//! 0x0000  header            0x50 bytes
//! 0x0050  payload table     2 records × 0x40
//! 0x00d0  entry table       1 record  × 0x38
//! 0x0108  zero padding
//! 0x1000  payload 0 data    "kernel" (kind kernel), 16 bytes
//! 0x1010  zero padding
//! 0x2000  payload 1 data    "cmdline" (kind cmdline), "console=ttyAMA0", 15 bytes
//! 0x200f  zero padding to 8
//! 0x2010  end (total size)
//! ```
#![allow(dead_code)] // each test file uses a different subset

/// Offset of the payload table.
pub const PTABLE: usize = 0x50;
/// Offset of the entry table.
pub const ETABLE: usize = 0xd0;
/// End of the entry table.
pub const TABLES_END: usize = 0x108;
/// Offset of payload 0's data.
pub const KERNEL_AT: usize = 0x1000;
/// Offset of payload 1's data.
pub const CMDLINE_AT: usize = 0x2000;
/// Total size.
pub const TOTAL: usize = 0x2010;
/// Payload 0's data.
pub const KERNEL: &[u8; 16] = b"ARM64-IMAGE-DATA";
/// Payload 1's data.
pub const CMDLINE: &[u8; 15] = b"console=ttyAMA0";
/// CRC32 of [`KERNEL`] (crc32fast / zlib polynomial), checked by the layout test.
pub const KERNEL_CRC: u32 = 0xb445_f371;
/// CRC32 of [`CMDLINE`].
pub const CMDLINE_CRC: u32 = 0x11d4_c07d;
/// Header CRC32 of the fixture.
pub const HEADER_CRC: u32 = 0xee6e_2eed;

fn put(buf: &mut [u8], at: usize, bytes: &[u8]) {
    buf[at..at + bytes.len()].copy_from_slice(bytes);
}

/// The tiny bundle, byte for byte.
pub fn tiny() -> Vec<u8> {
    let mut b = vec![0u8; TOTAL];
    // Header.
    put(&mut b, 0x00, b"SPRBNDL\0"); // magic
    put(&mut b, 0x08, &1u32.to_le_bytes()); // version
    put(&mut b, 0x0c, &0x50u32.to_le_bytes()); // header_size
    put(&mut b, 0x10, &(TOTAL as u64).to_le_bytes()); // total_size
    put(&mut b, 0x18, &(PTABLE as u64).to_le_bytes()); // payload_table_offset
    put(&mut b, 0x20, &(ETABLE as u64).to_le_bytes()); // entry_table_offset
    put(&mut b, 0x28, &2u32.to_le_bytes()); // payload_count
    put(&mut b, 0x2c, &1u32.to_le_bytes()); // entry_count

    // 0x30 flags = 0, 0x34 header_crc32 (below), 0x38..0x50 signature + reserved = 0.
    // Payload 0 at 0x50.
    put(&mut b, 0x50, &1u32.to_le_bytes()); // kind = kernel
    put(&mut b, 0x54, &0u32.to_le_bytes()); // flags
    put(&mut b, 0x58, b"kernel"); // name, NUL-padded to 32
    put(&mut b, 0x78, &(KERNEL_AT as u64).to_le_bytes()); // offset
    put(&mut b, 0x80, &16u64.to_le_bytes()); // size
    put(&mut b, 0x88, &KERNEL_CRC.to_le_bytes()); // crc32
                                                  // 0x8c reserved = 0
                                                  // Payload 1 at 0x90.
    put(&mut b, 0x90, &6u32.to_le_bytes()); // kind = cmdline
    put(&mut b, 0x98, b"cmdline"); // name
    put(&mut b, 0xb8, &(CMDLINE_AT as u64).to_le_bytes()); // offset
    put(&mut b, 0xc0, &15u64.to_le_bytes()); // size
    put(&mut b, 0xc8, &CMDLINE_CRC.to_le_bytes()); // crc32
                                                   // Entry 0 at 0xd0.
    put(&mut b, 0xd0, b"default"); // name
    put(&mut b, 0xf0, &0u32.to_le_bytes()); // kernel = payload 0
    put(&mut b, 0xf4, &u32::MAX.to_le_bytes()); // initrd = NONE
    put(&mut b, 0xf8, &u32::MAX.to_le_bytes()); // dtb = NONE
    put(&mut b, 0xfc, &1u32.to_le_bytes()); // cmdline = payload 1
    put(&mut b, 0x100, &u32::MAX.to_le_bytes()); // fallback = NONE
                                                 // 0x104 reserved = 0
                                                 // Data.
    put(&mut b, KERNEL_AT, KERNEL);
    put(&mut b, CMDLINE_AT, CMDLINE);
    put(&mut b, 0x34, &HEADER_CRC.to_le_bytes());
    b
}

/// Recomputes the header CRC32 of `b` (tables taken from the header fields), so a test can
/// damage one field and still get past the CRC check.
pub fn fix_crc(b: &mut [u8]) {
    let read_u64 = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap()) as usize;
    let read_u32 = |at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize;
    let (ptable, etable) = (read_u64(0x18), read_u64(0x20));
    let (pcount, ecount) = (read_u32(0x28), read_u32(0x2c));
    let mut h = crc32fast::Hasher::new();
    h.update(&b[..0x34]);
    h.update(&[0; 4]);
    h.update(&b[0x38..0x50]);
    h.update(&b[ptable..ptable + pcount * 0x40]);
    h.update(&b[etable..etable + ecount * 0x38]);
    let crc = h.finalize();
    b[0x34..0x38].copy_from_slice(&crc.to_le_bytes());
}

/// Writes `bytes` at `at` in a copy of the fixture, then fixes the header CRC.
pub fn patched(at: usize, bytes: &[u8]) -> Vec<u8> {
    let mut b = tiny();
    put(&mut b, at, bytes);
    fix_crc(&mut b);
    b
}
