//! Shared by the `fdt_*` tests: the fixtures, a hand-built blob with known offsets, and the
//! real `dtc`.
#![allow(dead_code)]

use image_formats::fdt::{patch, patched_size_bound, u64_cells, Edits, Fdt, Reservation};
use image_formats::MemRange;
use std::io::Write;
use std::process::{Command, Stdio};

/// QEMU 7.2 `virt` DTB (see `fixtures/fdt/README.md`); it contains `FDT_NOP` tokens.
pub const QEMU_VIRT: &[u8] = include_bytes!("../fixtures/fdt/qemu-virt.dtb");
/// The same with `-initrd` (65536 bytes) and `-append "console=ttyAMA0"`.
pub const QEMU_VIRT_INITRD: &[u8] = include_bytes!("../fixtures/fdt/qemu-virt-initrd.dtb");
/// A DTB QEMU rewrote after `-dtb`: its old `/memory` node is 54 `FDT_NOP` tokens.
pub const QEMU_VIRT_NOPS: &[u8] = include_bytes!("../fixtures/fdt/qemu-virt-nops.dtb");
/// `board.dts` compiled by dtc.
pub const BOARD: &[u8] = include_bytes!("../fixtures/fdt/board.dtb");
/// `minimal-32bit.dts` compiled by dtc.
pub const MINIMAL_32BIT: &[u8] = include_bytes!("../fixtures/fdt/minimal-32bit.dtb");

// A hand-built blob small enough to annotate every offset:
//
// 0x00  header (40 bytes)
// 0x28  memreserve: {0x8000_0000, 0x1000}, then the {0, 0} terminator
// 0x48  FDT_BEGIN_NODE, 0x4c root name "" padded to 4
// 0x50  FDT_PROP, 0x54 len 4, 0x58 nameoff 0, 0x5c value <2>      (#address-cells)
// 0x60  FDT_NOP
// 0x64  FDT_BEGIN_NODE, 0x68 "chosen\0" padded to 8
// 0x70  FDT_PROP, 0x74 len 3, 0x78 nameoff 15, 0x7c "hi\0" padded (bootargs)
// 0x80  FDT_END_NODE   (chosen)
// 0x84  FDT_END_NODE   (root)
// 0x88  FDT_END
// 0x8c  strings: "#address-cells\0" (0..15) "bootargs\0" (15..24)
// 0xa4  end (totalsize)

/// Offset of the memory reservation block.
pub const RSV: usize = 0x28;
/// Offset of the structure block.
pub const STRUCT: usize = 0x48;
/// Offset of the root's `#address-cells` `FDT_PROP`.
pub const ROOT_PROP: usize = 0x50;
/// Offset of the `FDT_NOP`.
pub const NOP: usize = 0x60;
/// Offset of `/chosen`'s `FDT_BEGIN_NODE`.
pub const CHOSEN: usize = 0x64;
/// Offset of `/chosen/bootargs`' `FDT_PROP`.
pub const BOOTARGS: usize = 0x70;
/// Offset of `/chosen`'s `FDT_END_NODE`.
pub const CHOSEN_END: usize = 0x80;
/// Offset of the root's `FDT_END_NODE`.
pub const ROOT_END: usize = 0x84;
/// Offset of `FDT_END`.
pub const END: usize = 0x88;
/// Offset of the strings block.
pub const STRINGS: usize = 0x8c;
/// `totalsize`.
pub const TOTAL: usize = 0xa4;

/// The blob annotated above.
pub fn tiny() -> Vec<u8> {
    let mut b = Vec::new();
    let words = |b: &mut Vec<u8>, ws: &[u32]| ws.iter().for_each(|w| b.extend(w.to_be_bytes()));
    words(&mut b, &[0xd00d_feed, TOTAL as u32, STRUCT as u32, STRINGS as u32, RSV as u32]);
    words(&mut b, &[17, 16, 0, 24, (STRINGS - STRUCT) as u32]);
    words(&mut b, &[0, 0x8000_0000, 0, 0x1000, 0, 0, 0, 0]);
    words(&mut b, &[1, 0, 3, 4, 0, 2, 4, 1]);
    b.extend(b"chosen\0\0");
    words(&mut b, &[3, 3, 15]);
    b.extend(b"hi\0\0");
    words(&mut b, &[2, 2, 9]);
    b.extend(b"#address-cells\0bootargs\0");
    assert_eq!(b.len(), TOTAL);
    b
}

/// Number of `FDT_NOP` tokens in a well-formed blob's structure block, counted by a walk
/// independent of the crate's.
pub fn nop_count(blob: &[u8]) -> usize {
    let word = |at: usize| u32::from_be_bytes(blob[at..at + 4].try_into().unwrap()) as usize;
    let (mut pos, mut nops) = (word(0x08), 0);
    loop {
        let token = word(pos);
        pos += 4;
        match token {
            1 => pos += (blob[pos..].iter().position(|&b| b == 0).unwrap() + 4) & !3,
            3 => pos += 8 + ((word(pos) + 3) & !3),
            4 => nops += 1,
            2 => {}
            9 => return nops,
            other => panic!("token {other:#x} at {:#x}", pos - 4),
        }
    }
}

/// Overwrites the big-endian word at `at`.
pub fn put(blob: &mut [u8], at: usize, value: u32) {
    blob[at..at + 4].copy_from_slice(&value.to_be_bytes());
}

/// Runs the real `dtc -I dtb -O dts` on `blob`: `Ok(dts)` or `Err(stderr)` when dtc rejects
/// it. Panics (fails the test) when dtc is not installed.
pub fn dtc_decompile(blob: &[u8]) -> Result<(String, String), String> {
    let mut child = match Command::new("dtc")
        .args(["-I", "dtb", "-O", "dts", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => panic!(
            "cannot run `dtc` ({e}): the device tree compiler is needed by this test; \
             run `cargo xtask setup` to install it"
        ),
    };
    child.stdin.take().expect("stdin").write_all(blob).expect("write to dtc");
    let out = child.wait_with_output().expect("wait for dtc");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.success() {
        Ok((String::from_utf8(out.stdout).expect("dtc prints UTF-8"), stderr))
    } else {
        Err(stderr)
    }
}

/// The resident region the hand-off edits reserve.
pub const SPRINGBOARD: MemRange = MemRange { base: 0x7fff_0000, size: 0x1_0000 };
/// The `rng-seed` the hand-off edits set.
pub const SEED: [u8; 32] = [0x5a; 32];

/// Runs `patch` into a buffer of exactly the bound, checks the bound held, returns the blob.
pub fn patched(input: &[u8], edits: &Edits) -> Vec<u8> {
    let fdt = Fdt::new(input).unwrap();
    let bound = patched_size_bound(&fdt, edits);
    let mut out = vec![0xee; bound];
    let len = patch(&fdt, edits, &mut out).unwrap();
    assert!(len <= bound, "output {len} over the bound {bound}");
    out.truncate(len);
    Fdt::new(&out).expect("the output parses");
    out
}

/// The edits a hand-off makes: command line, initrd, a fresh seed, no kaslr-seed, and the
/// resident region.
pub fn with_handoff_edits<R>(f: impl FnOnce(&Edits) -> R) -> R {
    let (start, end) = (u64_cells(0x4800_0000), u64_cells(0x4801_0000));
    let set: [(&str, &[u8]); 4] = [
        ("bootargs", b"console=ttyAMA0 quiet\0"),
        ("linux,initrd-start", &start),
        ("linux,initrd-end", &end),
        ("rng-seed", &SEED),
    ];
    let reserve = [Reservation { name: "springboard", range: SPRINGBOARD, no_map: true }];
    f(&Edits {
        chosen_set: &set,
        chosen_remove: &["kaslr-seed"],
        reserve: &reserve,
        ..Edits::default()
    })
}

/// Compiles `dts` with `dtc -I dts -O dtb`.
pub fn dtc(dts: &str) -> Vec<u8> {
    let mut child = Command::new("dtc")
        .args(["-q", "-I", "dts", "-O", "dtb", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("running dtc (run `cargo xtask setup` to install it)");
    child.stdin.take().expect("stdin").write_all(dts.as_bytes()).expect("writing to dtc");
    let out = child.wait_with_output().expect("waiting for dtc");
    assert!(out.status.success(), "dtc rejected:\n{dts}");
    out.stdout
}
