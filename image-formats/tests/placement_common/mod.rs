//! The layouts the placement tests share: QEMU `virt` DRAM and a Debian kernel's request.

use image_formats::placement::{InUse, KernelRequest, Request};
use image_formats::MemRange;

pub const MIB: u64 = 1 << 20;
pub const GIB: u64 = 1 << 30;
/// QEMU `virt` with `-m 1G`.
pub const QEMU_DRAM: [MemRange; 1] = [MemRange { base: 0x4000_0000, size: GIB }];
/// Debian 6.1 generic: text_offset 0, image_size 0x2010000, flags 0xa.
pub const DEBIAN: KernelRequest =
    KernelRequest { load_offset: 0, footprint: 0x0201_0000, anywhere: true };

pub fn region(base: u64, size: u64, what: &'static str) -> InUse {
    InUse { range: MemRange::new(base, size), what }
}

pub fn request<'a>(
    dram: &'a [MemRange],
    occupied: &'a [InUse],
    kernel: KernelRequest,
) -> Request<'a> {
    Request { dram, occupied, kernel, dtb_size: MIB, initrd: None }
}
