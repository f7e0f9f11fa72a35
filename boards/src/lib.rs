//! Board descriptions: only what a machine's DTB cannot say — where firmware leaves the DTB
//! when `x0` holds none, and how much memory springboard keeps resident. The console, DRAM and
//! the way to power off come from the DTB; a board is chosen by the DTB's root `compatible`.
#![no_std]
#![forbid(unsafe_code)]

/// What springboard knows about one machine.
#[derive(Debug, PartialEq, Eq)]
pub struct Board {
    /// Short name printed on the console.
    pub name: &'static str,
    /// Root `compatible` strings that select this board.
    pub compatible: &'static [&'static str],
    /// Where firmware leaves a DTB when `x0` holds none (TF-A's default BL33 entry passes the
    /// CPU number instead).
    pub dtb_fallback: Option<u64>,
    /// Bytes at the top of the first DRAM bank that springboard keeps for its resident stub and
    /// state page ([`stub::abi::RESIDENT_SIZE`] on every board so far).
    pub resident_size: u64,
}

/// QEMU's `virt` machine (QEMU 7.2 `hw/arm/virt.c`: with `-bios`, firmware finds the DTB at
/// the base of DRAM, 0x40000000).
pub const QEMU_VIRT: Board = Board {
    name: "qemu-virt",
    compatible: &["linux,dummy-virt"],
    dtb_fallback: Some(0x4000_0000),
    resident_size: stub::abi::RESIDENT_SIZE,
};

/// Any other machine: everything springboard needs comes from its DTB.
pub const GENERIC: Board = Board {
    name: "generic",
    compatible: &[],
    dtb_fallback: None,
    resident_size: stub::abi::RESIDENT_SIZE,
};

/// Every board springboard knows, in the order they are matched.
pub const BOARDS: &[&Board] = &[&QEMU_VIRT];

/// The board whose fallback DTB address is tried before a DTB has been read.
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
        for board in BOARDS.iter().chain([&&GENERIC]) {
            assert!(board.resident_size >= stub::abi::RESIDENT_SIZE);
            assert_eq!(board.resident_size % stub::abi::STATE_PAGE_SIZE, 0);
        }
    }
}
