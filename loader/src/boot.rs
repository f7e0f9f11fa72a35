//! The boot flow at EL1: DTB → board → console → bundle → entry → verify → place → hand off.
//! Each step prints one line saying what it found or did.

use crate::console::{self, Size};
use crate::error::BootError;
use crate::handoff::Cmdline;
use crate::{arch, dtb, handoff, mem, say};
use image_formats::bundle::{Bundle, Entry, Payload};
use image_formats::cmdline;
use image_formats::fdt::{self, MemRange, Summary};
use image_formats::image::ImageHeader;
use image_formats::placement::{self, KernelRequest, Region, Request};

/// Where springboard itself is: its run-time base and its whole footprint.
pub struct Me {
    /// Run-time address of the Image header.
    pub base: u64,
    /// Bytes from the header to the end of the stack (the header's `image_size`).
    pub size: u64,
    /// The exception level springboard was entered at.
    pub entry_el: u64,
}

/// Boots the bundle's chosen entry; returns only with the reason it could not.
pub fn boot(x0: u64, me: &Me) -> Result<core::convert::Infallible, BootError> {
    let found = dtb::find(x0, boards::DEFAULT)?;
    let summary = fdt::summarize(&found.fdt).map_err(BootError::Dtb)?;
    let board = summary.compatible.and_then(boards::by_compatible).unwrap_or(boards::DEFAULT);
    start_console(&summary, board);
    if summary.psci_method == Some("hvc") {
        crate::set_conduit(arch::Conduit::Hvc);
    }
    say!(
        "springboard {} entered at EL{}, image {:#x}..{:#x} ({})",
        env!("CARGO_PKG_VERSION"),
        me.entry_el,
        me.base,
        me.base + me.size,
        Size(me.size)
    );
    say!(
        "fdt: {:#x} ({}, from {}), compatible \"{}\", board {}",
        found.addr,
        Size(found.fdt.totalsize() as u64),
        found.source,
        summary.compatible.unwrap_or("?"),
        board.name
    );
    let dram = summary.memory.iter().next().copied().ok_or(BootError::NoMemory)?;
    say!("memory: {:#x}..{:#x} ({})", dram.base, dram.end(), Size(dram.size));

    let bundle = load_bundle(&summary)?;
    let bootargs = summary.bootargs.unwrap_or("");
    let (index, entry) = choose_entry(&bundle, bootargs)?;
    say!("entry: {index} \"{}\" of {}", entry.name, bundle.entries().count());
    let kernel = verified(&bundle, entry.kernel)?;
    let initrd = entry.initrd.map(|i| verified(&bundle, i)).transpose()?;
    let dtb_payload = entry.dtb.map(|i| verified(&bundle, i)).transpose()?;
    let cmdline = entry.cmdline.map(|i| verified(&bundle, i)).transpose()?;
    if kernel.gzip {
        return Err(BootError::CompressedKernel);
    }
    let header = ImageHeader::parse(kernel.data)?;
    say!(
        "kernel: text_offset {:#x}, image_size {:#x}, flags {:#x} ({} bytes in the bundle)",
        header.text_offset,
        header.image_size,
        header.flags,
        kernel.data.len()
    );

    let bundle_base = summary.initrd.map_or(0, |r| r.base);
    let base_dtb = match dtb_payload {
        Some(p) => fdt::Fdt::new(p.data).map_err(BootError::Dtb)?,
        None => found.fdt,
    };
    let resident = MemRange { base: dram.end() - board.resident_size, size: board.resident_size };
    let mut occupied = Occupied::default();
    occupied.push(me.base, me.size, "springboard");
    occupied.push(found.addr, found.fdt.totalsize() as u64, "dtb");
    occupied.push(bundle_base, bundle.total_size() as u64, "bundle");
    for r in summary.memreserve.iter() {
        occupied.push(r.base, r.size, "memreserve");
    }
    for r in summary.reserved_memory.iter() {
        occupied.push(r.base, r.size, "reserved-memory");
    }
    if let Some(with) = occupied.overlapping(resident) {
        return Err(BootError::Resident { base: resident.base, with });
    }
    occupied.push(resident.base, resident.size, "resident stub");

    let initrd_range = initrd.map(|p| (bundle_base + p.offset, p.data.len() as u64));
    let kernel_cmdline = match cmdline {
        Some(p) => Cmdline::from_payload(p)?,
        None => Cmdline::from_bootargs(bootargs)?,
    };
    let hand = handoff::Handoff {
        dtb: base_dtb,
        cmdline: &kernel_cmdline,
        initrd: initrd_range,
        resident,
    };
    let dtb_size = hand.dtb_size_bound() as u64;
    let dram_banks = [placement::Range { base: dram.base, size: dram.size }];
    let plan = placement::plan(&Request {
        dram: &dram_banks,
        occupied: occupied.as_slice(),
        kernel: KernelRequest {
            load_offset: header.load_offset(),
            footprint: header.footprint(kernel.data.len() as u64),
            anywhere: header.anywhere(),
        },
        dtb_size,
        initrd: initrd_range.map(|(base, size)| placement::Range { base, size }),
    })?;
    say!(
        "plan: kernel {:#x}..{:#x} (entry {:#x}), dtb {:#x}",
        plan.kernel_base,
        plan.kernel_end,
        plan.kernel_entry,
        plan.dtb
    );
    // SAFETY: the plan gives `[kernel_entry, kernel_end)` to the kernel; it overlaps none of
    // springboard, the stub, the DTB, the bundle or any reserved range, and lies in DRAM.
    let dest = unsafe { mem::bytes_mut(plan.kernel_entry, kernel.data.len() as u64) };
    dest.copy_from_slice(kernel.data);
    say!("kernel: copied {} to {:#x}", Size(kernel.data.len() as u64), plan.kernel_entry);
    hand.go(&plan, kernel.data.len() as u64, me.entry_el)
}

/// Picks the PL011 named by `/chosen/stdout-path`, else the board's.
fn start_console(summary: &Summary, board: &boards::Board) {
    let base = match summary.stdout {
        Some(dev) if dev.compatible == "arm,pl011" => dev.reg.base,
        _ => board.uart.base,
    };
    // SAFETY: the DTB (or, without one, the board description) names this PL011 as the
    // console; springboard is the only software running.
    unsafe { console::use_pl011(base) };
}

/// The bundle in the `/chosen` initrd range, with its framing checked.
fn load_bundle(summary: &Summary) -> Result<Bundle<'static>, BootError> {
    let range = summary.initrd.ok_or(BootError::NoBundle)?;
    if !summary.memory.iter().any(|bank| bank.base <= range.base && range.end() <= bank.end()) {
        return Err(BootError::BundleOutsideDram { base: range.base, size: range.size });
    }
    // SAFETY: the range lies inside a DRAM bank of the DTB (checked above); firmware put the
    // bundle there and nothing writes it while springboard runs.
    let bytes = unsafe { mem::bytes(range.base, range.size) };
    let bundle = Bundle::parse(bytes)?;
    say!(
        "bundle: {:#x} ({}), {} payloads, {} entries",
        range.base,
        Size(bundle.total_size() as u64),
        bundle.payloads().count(),
        bundle.entries().count()
    );
    Ok(bundle)
}

/// `springboard.entry=NAME` from the command line, else the first entry.
fn choose_entry(
    bundle: &Bundle<'static>,
    bootargs: &'static str,
) -> Result<(usize, Entry<'static>), BootError> {
    match cmdline::option(bootargs, "entry") {
        Some(name) => bundle.entry_by_name(name).ok_or(BootError::NoSuchEntry(name)),
        None => bundle.entry(0).map(|e| (0, e)).ok_or(BootError::NoSuchEntry("(first)")),
    }
}

/// Payload `index`, after its CRC32 matched.
fn verified(bundle: &Bundle<'static>, index: usize) -> Result<Payload<'static>, BootError> {
    let payload = bundle.payload(index).ok_or(BootError::NoSuchEntry("(payload index)"))?;
    payload.verify()?;
    say!(
        "bundle: {} \"{}\" at +{:#x}, {}, CRC32 {:#010x} ok",
        payload.kind,
        payload.name,
        payload.offset,
        Size(payload.data.len() as u64),
        payload.crc32
    );
    Ok(payload)
}

/// The regions the plan must keep clear of: springboard, the stub, the DTB, the bundle and
/// everything the DTB reserves.
struct Occupied {
    regions: [Region; 40],
    len: usize,
}

impl Default for Occupied {
    fn default() -> Self {
        const NONE: Region = Region { base: 0, size: 0, what: "" };
        Self { regions: [NONE; 40], len: 0 }
    }
}

impl Occupied {
    /// Adds a region; empty ones are dropped. Past 40 regions the last slot is widened to
    /// cover the new one too, so nothing is ever forgotten (only the plan gets stricter).
    fn push(&mut self, base: u64, size: u64, what: &'static str) {
        if size == 0 {
            return;
        }
        if self.len == self.regions.len() {
            let last = &mut self.regions[self.len - 1];
            let start = last.base.min(base);
            let end = (last.base + last.size).max(base.saturating_add(size));
            *last = Region { base: start, size: end - start, what: "reserved ranges" };
            return;
        }
        self.regions[self.len] = Region { base, size, what };
        self.len += 1;
    }

    fn as_slice(&self) -> &[Region] {
        &self.regions[..self.len]
    }

    /// The first region that overlaps `r`.
    fn overlapping(&self, r: MemRange) -> Option<&'static str> {
        self.as_slice()
            .iter()
            .find(|o| o.base < r.end() && r.base < o.base.saturating_add(o.size))
            .map(|o| o.what)
    }
}
