//! A minimal ELF64 executable for AArch64, so QEMU `-kernel` loads bytes at chosen physical
//! addresses and enters one of them with `x0 = 0`, and loads no DTB of its own where a
//! segment starts at the base of DRAM.

/// One `PT_LOAD` segment: `data` at physical (and virtual) `addr`, `mem_size` bytes in memory
/// (the rest zero).
pub struct Segment<'a> {
    /// Where it is loaded.
    pub addr: u64,
    /// Its bytes.
    pub data: &'a [u8],
    /// Its size in memory, at least `data.len()`.
    pub mem_size: u64,
}

/// Size of the ELF header (System V gABI, ELF64).
const EHDR: u64 = 64;
/// Size of one program header.
const PHDR: u64 = 56;
/// Where each segment's data starts in the file: aligned to this.
const ALIGN: u64 = 0x1000;

/// An `ET_EXEC` ELF64 little-endian file for AArch64 (`e_machine` 183) entered at `entry`,
/// with one read-write-execute `PT_LOAD` per segment, in order.
pub fn executable(segments: &[Segment], entry: u64) -> Vec<u8> {
    let mut elf = Vec::new();
    elf.extend(b"\x7fELF\x02\x01\x01\x00"); // 64-bit, little-endian, version 1, System V
    elf.extend([0u8; 8]);
    elf.extend(2u16.to_le_bytes()); // e_type: ET_EXEC
    elf.extend(183u16.to_le_bytes()); // e_machine: EM_AARCH64
    elf.extend(1u32.to_le_bytes()); // e_version
    elf.extend(entry.to_le_bytes()); // e_entry
    elf.extend(EHDR.to_le_bytes()); // e_phoff
    elf.extend(0u64.to_le_bytes()); // e_shoff
    elf.extend(0u32.to_le_bytes()); // e_flags
    let phnum = segments.len() as u16;
    for half in [EHDR as u16, PHDR as u16, phnum, 0, 0, 0] {
        elf.extend(half.to_le_bytes()); // e_ehsize, e_phentsize, e_phnum, e_shentsize, ...
    }
    let mut offset = (EHDR + PHDR * segments.len() as u64).next_multiple_of(ALIGN);
    let mut offsets = Vec::new();
    for s in segments {
        assert!(s.mem_size >= s.data.len() as u64, "segment at {:#x}: memsz < filesz", s.addr);
        offsets.push(offset);
        elf.extend(1u32.to_le_bytes()); // p_type: PT_LOAD
        elf.extend(7u32.to_le_bytes()); // p_flags: R W X
                                        // p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align
        for word in [offset, s.addr, s.addr, s.data.len() as u64, s.mem_size, ALIGN] {
            elf.extend(word.to_le_bytes());
        }
        offset = (offset + s.data.len() as u64).next_multiple_of(ALIGN);
    }
    for (s, at) in segments.iter().zip(offsets) {
        elf.resize(at as usize, 0);
        elf.extend(s.data);
    }
    elf
}
