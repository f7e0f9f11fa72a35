//! One attempt at booting one bundle entry: verify its payloads, plan where everything goes,
//! copy the kernel, and hand off. Returns only with the reason it failed; nothing is written
//! outside the plan before every check has passed.

use crate::arch::Conduit;
use crate::boot::Found;
use crate::console::Size;
use crate::error::BootError;
use crate::handoff::{bundle_reservation, entry_text, stub_reservation, Cmdline, Handoff};
use crate::kernel_view::{placement_banks, EntryDtb, Reservations};
use crate::occupied::Occupied;
use crate::state_page::StatePage;
use crate::{kho, mem, options, say};
use image_formats::bundle::{Bundle, Payload};
use image_formats::fdt::MemRange;
use image_formats::gzip::Member;
use image_formats::image::{ImageHeader, HEADER_LEN};
use image_formats::placement::{self, KernelRequest, Request};
use image_formats::state::Mode;

/// Boots entry `index` of the bundle.
pub fn boot_entry(
    found: &Found,
    index: usize,
    page: &mut StatePage,
) -> Result<core::convert::Infallible, BootError> {
    let bundle = &found.bundle;
    let entry = bundle.entry(index).ok_or(BootError::MissingRecord { what: "entry", index })?;
    let mode = match page.state.mode {
        Mode::Single => "",
        Mode::Sequence => ", sequence",
    };
    say!(
        "entry: {index} \"{}\" of {} (boot {}{mode})",
        entry.name,
        bundle.entry_count(),
        page.state.boot_counter
    );
    let kernel = verified(bundle, entry.kernel)?;
    let initrd = entry.initrd.map(|i| verified(bundle, i)).transpose()?;
    let dtb_payload = entry.dtb.map(|i| verified(bundle, i)).transpose()?;
    let cmdline = entry.cmdline.map(|i| verified(bundle, i)).transpose()?;
    let image = KernelImage::of(&kernel)?;
    let header = ImageHeader::parse(image.header())?;
    say!(
        "kernel: text_offset {:#x}, image_size {:#x}, flags {:#x} ({} bytes{})",
        header.text_offset,
        header.image_size,
        header.flags,
        image.len(),
        if image.gzip.is_some() { ", gzip-compressed in the bundle" } else { "" }
    );
    let entry_dtb = dtb_payload.map(|p| EntryDtb::read(p.data, found)).transpose()?;
    let kho = kho::read(found)?;
    if let (Some(entry_dtb), Some(_)) = (&entry_dtb, &kho) {
        entry_dtb.can_carry_kho()?;
    }
    let mut occupied = occupied(found, entry_dtb.as_ref());
    if let Some(k) = &kho {
        occupied.push(k.handover.fdt.base, k.handover.fdt.size, "KHO FDT");
        occupied.push(k.handover.array.base, k.handover.array.size, "KHO scratch array");
    }
    let keep_bundle = page.state.mode == Mode::Sequence;
    page.state.bundle =
        keep_bundle.then_some((found.bundle_base, found.bundle.total_size() as u64));
    let kept = page.state.bundle.map(|(base, size)| bundle_reservation(MemRange { base, size }));
    let mut reservations = Reservations::new(stub_reservation(found.resident), kept);
    if let Some(entry_dtb) = &entry_dtb {
        reservations.carry(found, entry_dtb);
        say!(
            "fdt: the entry's own DTB: {} reservations carried from the firmware's, memory cut to what both declare",
            reservations.as_slice().len() - 1 - usize::from(kept.is_some())
        );
    }
    let initrd_range = initrd.map(|p| (found.bundle_base + p.offset, p.data.len() as u64));
    let kernel_cmdline = match cmdline {
        Some(p) => Cmdline::from_payload(p)?,
        None => Cmdline::from_bootargs(found.summary.bootargs.unwrap_or(""))?,
    };
    let entry_handoff = cmdline.map(|p| options::handoff(entry_text(p))).transpose()?.flatten();
    let el1 = entry_handoff.unwrap_or(found.options.el1);
    let (seeds, seed_source) = page.seeds();
    let mut hand = Handoff {
        dtb: entry_dtb.as_ref().map_or(found.dtb, |e| e.fdt),
        cmdline: &kernel_cmdline,
        initrd: initrd_range,
        resident: found.resident,
        reserve: reservations.as_slice(),
        el1,
        psci: psci_method(found, el1),
        seeds,
        carry_kho: entry_dtb.as_ref().and(kho.as_ref()).map(|k| [k.handover.fdt, k.handover.array]),
    };
    let (banks, bank_count) = placement_banks(found, entry_dtb.as_ref())?;
    // Under KHO only the scratch ranges are free: the plan searches nothing else, and an
    // initrd the bundle holds outside them is copied into them.
    let kho_banks = kho.as_ref().map(|k| k.scratch.within(&banks[..bank_count]));
    let dram_banks = kho_banks.as_ref().map_or(&banks[..bank_count], |b| b.as_slice());
    let initrd_outside_kho = |(base, size): (u64, u64)| match &kho {
        Some(k) => !k.scratch.contains(base, size),
        None => false,
    };
    let copy_initrd = keep_bundle || initrd_range.is_some_and(initrd_outside_kho);
    let placement_error = |e| match kho {
        Some(_) => BootError::KhoPlacement(e),
        None => BootError::Placement(e),
    };
    let request = Request {
        dram: dram_banks,
        occupied: occupied.as_slice(),
        kernel: KernelRequest {
            load_offset: header.load_offset(),
            footprint: header.footprint(image.len()),
            anywhere: header.anywhere(),
        },
        dtb_size: hand.dtb_size_bound() as u64,
        initrd: initrd_range
            .filter(|_| !copy_initrd)
            .map(|(base, size)| placement::Range { base, size }),
    };
    let plan = placement::plan(&request).map_err(placement_error)?;
    say!(
        "plan: kernel {:#x}..{:#x} (entry {:#x}), dtb {:#x}",
        plan.kernel_base,
        plan.kernel_end,
        plan.kernel_entry,
        plan.dtb
    );
    // A kept bundle must survive the kernel, but Linux frees its initrd once unpacked, and
    // reserves it before it reads /reserved-memory, so a `no-map` bundle around it fails to
    // reserve ("failed to reserve memory for node"). The kernel gets a copy instead.
    let initrd_copy = match (copy_initrd, initrd) {
        (true, Some(p)) => {
            let len = p.data.len() as u64;
            Some((placement::place_initrd_copy(&request, &plan, len).map_err(placement_error)?, p))
        }
        _ => None,
    };
    if let Some((base, p)) = initrd_copy {
        hand.initrd = Some((base, p.data.len() as u64));
    }
    // SAFETY: the plan gives `[kernel_entry, kernel_end)` to the kernel, at least
    // `image.len()` bytes; it overlaps none of springboard, the stub, the DTB, the bundle or
    // any reserved range, and lies in DRAM.
    let dest = unsafe { mem::bytes_mut(plan.kernel_entry, image.len()) };
    image.copy_to(dest)?;
    say!("kernel: {} {} to {:#x}", image.verb(), Size(image.len()), plan.kernel_entry);
    if let Some((base, p)) = initrd_copy {
        // SAFETY: `place_initrd_copy` found `[base, base + len)` in DRAM, clear of the kernel,
        // its DTB and everything `occupied` lists (springboard, the stub, the bundle, ...).
        let dest = unsafe { mem::bytes_mut(base, p.data.len() as u64) };
        dest.copy_from_slice(p.data);
        let why = if keep_bundle { "the bundle stays resident" } else { "outside the KHO scratch" };
        say!("initrd: copied {} to {base:#x} ({why})", Size(dest.len() as u64));
    }
    say!("state: seeds from {seed_source}; boot {} recorded", page.state.boot_counter);
    page.commit();
    hand.go(&plan, image.len(), found.me.entry_el)
}

/// The kernel as the bundle holds it: a plain Image, or an `Image.gz` inflated while copying.
struct KernelImage<'a> {
    data: &'a [u8],
    gzip: Option<Member<'a>>,
    /// The first 64 bytes of the Image (inflated when compressed).
    head: [u8; HEADER_LEN],
    head_len: usize,
}

impl<'a> KernelImage<'a> {
    fn of(payload: &Payload<'a>) -> Result<Self, BootError> {
        let mut head = [0; HEADER_LEN];
        if !payload.gzip {
            let head_len = payload.data.len().min(HEADER_LEN);
            head[..head_len].copy_from_slice(&payload.data[..head_len]);
            return Ok(KernelImage { data: payload.data, gzip: None, head, head_len });
        }
        let member = Member::parse(payload.data).map_err(BootError::Gzip)?;
        let head_len = member.inflate_prefix(&mut head).map_err(BootError::Gzip)?;
        Ok(KernelImage { data: payload.data, gzip: Some(member), head, head_len })
    }

    /// The Image header bytes (fewer than 64 when the Image is that short).
    fn header(&self) -> &[u8] {
        &self.head[..self.head_len]
    }

    /// The Image's length in bytes (uncompressed).
    fn len(&self) -> u64 {
        match &self.gzip {
            Some(member) => u64::from(member.isize),
            None => self.data.len() as u64,
        }
    }

    /// Copies (or inflates, checking size and CRC32) the Image into `dest`.
    fn copy_to(&self, dest: &mut [u8]) -> Result<(), BootError> {
        match &self.gzip {
            Some(member) => member.inflate_into(dest).map(|_| ()).map_err(BootError::Gzip),
            None => {
                dest.copy_from_slice(self.data);
                Ok(())
            }
        }
    }

    fn verb(&self) -> &'static str {
        if self.gzip.is_some() {
            "inflated"
        } else {
            "copied"
        }
    }
}

/// springboard, the DTB, the bundle, everything the firmware's DTB and an entry's own DTB
/// reserve, and the resident region (checked free of the others by `boot`).
fn occupied(found: &Found, entry: Option<&EntryDtb>) -> Occupied {
    let mut occupied = Occupied::default();
    occupied.push(found.me.base, found.me.size, "springboard");
    occupied.push(found.dtb_addr, found.dtb.totalsize() as u64, "dtb");
    occupied.push(found.bundle_base, found.bundle.total_size() as u64, "bundle");
    occupied.push(found.resident.base, found.resident.size, "resident stub");
    for summary in core::iter::once(&found.summary).chain(entry.map(|e| &e.summary)) {
        for r in summary.memreserve.iter() {
            occupied.push(r.base, r.size, "memreserve");
        }
        for r in summary.reserved_memory.iter() {
            occupied.push(r.base, r.size, "reserved-memory");
        }
    }
    occupied
}

/// Payload `index`, after its CRC32 matched.
fn verified(bundle: &Bundle<'static>, index: usize) -> Result<Payload<'static>, BootError> {
    let payload =
        bundle.payload(index).ok_or(BootError::MissingRecord { what: "payload", index })?;
    payload.check_crc32(crate::crc::crc32(payload.data))?;
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

/// The kernel's PSCI conduit. Entered at EL1 there is no EL2 of springboard's: keep the one the
/// firmware's DTB names (`hvc` on QEMU `virt` without EL2). A kernel entered at EL1 above the
/// stub reaches PSCI through it (`hvc`); one entered at EL2 can only use `smc` (its `hvc` would
/// trap to itself), whatever an earlier EL1 hand-off wrote into the DTB that kexec passed on.
fn psci_method(found: &Found, el1: bool) -> Option<Conduit> {
    if found.me.entry_el < 2 {
        return match found.summary.psci_method {
            Some("hvc") => Some(Conduit::Hvc),
            Some("smc") => Some(Conduit::Smc),
            _ => None,
        };
    }
    Some(if el1 { Conduit::Hvc } else { Conduit::Smc })
}
