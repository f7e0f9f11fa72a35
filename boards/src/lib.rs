//! Board descriptions: what springboard needs to know about a machine before (or instead of)
//! what its DTB says. Boards are data; the DTB wins wherever it speaks (`/chosen/stdout-path`,
//! `/memory`), and a board is chosen from the DTB's root `compatible`.
#![no_std]
#![forbid(unsafe_code)]

use image_formats::MemRange;

/// What springboard knows about one machine.
#[derive(Debug, PartialEq, Eq)]
pub struct Board {
    /// Short name printed on the console.
    pub name: &'static str,
    /// Root `compatible` strings that select this board.
    pub compatible: &'static [&'static str],
    /// The PL011 used before the DTB names one (and when it names none).
    pub uart: MemRange,
    /// Where a DTB handed over in `x0` (or at `dtb_fallback`) may lie: it bounds the first read
    /// of a DTB header, before the DTB's own `/memory` is known.
    pub dram: MemRange,
    /// Where firmware leaves a DTB when `x0` holds none (TF-A's default BL33 entry passes the
    /// CPU number instead).
    pub dtb_fallback: Option<u64>,
    /// Bytes at the top of the first DRAM bank that springboard keeps for its resident stub and
    /// state page ([`stub::abi::RESIDENT_SIZE`] on every board so far).
    pub resident_size: u64,
}

/// QEMU's `virt` machine (QEMU 7.2 `hw/arm/virt.c`: `VIRT_UART` 0x09000000 + 0x1000,
/// `VIRT_MEM` from 0x40000000; with `-bios`, firmware finds the DTB at the base of DRAM).
pub const QEMU_VIRT: Board = Board {
    name: "qemu-virt",
    compatible: &["linux,dummy-virt"],
    uart: MemRange::new(0x0900_0000, 0x1000),
    dram: MemRange::new(0x4000_0000, 0x4000_0000),
    dtb_fallback: Some(0x4000_0000),
    resident_size: stub::abi::RESIDENT_SIZE,
};

/// Every board springboard knows, in the order they are matched.
pub const BOARDS: &[&Board] = &[&QEMU_VIRT];

/// The board used before a DTB has been read (its UART prints the first lines).
pub const DEFAULT: &Board = &QEMU_VIRT;

/// The board whose `compatible` list holds `compatible`, if any.
pub fn by_compatible(compatible: &str) -> Option<&'static Board> {
    BOARDS.iter().copied().find(|board| board.compatible.contains(&compatible))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qemu_virt_is_chosen_by_its_compatible() {
        assert_eq!(by_compatible("linux,dummy-virt"), Some(&QEMU_VIRT));
    }

    #[test]
    fn unknown_compatible_chooses_nothing() {
        assert_eq!(by_compatible("raspberrypi,3-model-b"), None);
    }

    #[test]
    fn resident_region_fits_the_stub_and_a_state_page_and_is_page_aligned() {
        for board in BOARDS {
            assert!(board.resident_size >= stub::abi::RESIDENT_SIZE);
            assert_eq!(board.resident_size % stub::abi::STATE_PAGE_SIZE, 0);
            assert_eq!(board.dram.end() % 0x1000, 0);
        }
    }
}
