//! One attempt at booting one bundle entry: verify its payloads, ask the boot model
//! (`image_formats::boot`) what the kernel is told and where everything goes, carry out its
//! writes, and hand off. Returns only with the reason it failed; nothing is written outside
//! the model's plan, and only after every check has passed.

use crate::console::Size;
use crate::entries::Found;
use crate::error::BootError;
use crate::handoff::{entry_text, Cmdline, Handoff};
use crate::state_page::StatePage;
use crate::{kho, mem, options, say};
use image_formats::boot::{self, EntryFacts, EntryPlan, Machine};
use image_formats::bundle::{Bundle, Payload};
use image_formats::fdt::{self, Fdt, Summary};
use image_formats::gzip::Member;
use image_formats::image::{ImageHeader, HEADER_LEN};
use image_formats::placement::KernelRequest;
use image_formats::state::Mode;
use image_formats::MemRange;

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
    let own_dtb = dtb_payload.map(|p| own_dtb(p.data)).transpose()?;
    let kho = kho::read(found)?;
    if let (Some((fdt, _)), Some(_)) = (&own_dtb, &kho) {
        can_carry_kho(fdt)?;
    }
    let kernel_cmdline = match cmdline {
        Some(p) => Cmdline::from_payload(p)?,
        None => Cmdline::from_bootargs(found.summary.bootargs.unwrap_or(""))?,
    };
    let entry_handoff = cmdline.map(|p| options::handoff(entry_text(p))).transpose()?.flatten();
    let keep_bundle = page.state.mode == Mode::Sequence;
    let machine = machine(found);
    let facts = EntryFacts {
        kernel: KernelRequest {
            load_offset: header.load_offset(),
            footprint: header.footprint(image.len()),
            anywhere: header.anywhere(),
        },
        kernel_len: image.len(),
        initrd: initrd
            .map(|p| MemRange { base: found.bundle_base + p.offset, size: p.data.len() as u64 }),
        own_dtb: own_dtb.as_ref().map(|(_, summary)| summary),
        keep_bundle,
        el1: entry_handoff.unwrap_or(found.options.el1),
    };
    let model_kho = kho.as_ref().map(|k| boot::Kho { handover: k.handover, scratch: &k.scratch });
    let view = boot::view(&machine, &facts, model_kho.as_ref())?;
    if own_dtb.is_some() {
        say!(
            "fdt: the entry's own DTB: {} reservations carried from the firmware's, memory cut to \
            what both declare",
            view.carried
        );
    }
    let (seeds, seed_source) = page.seeds();
    let mut hand = Handoff {
        dtb: own_dtb.as_ref().map_or(found.dtb, |(fdt, _)| *fdt),
        cmdline: &kernel_cmdline,
        // Where the initrd ends up is planned below; the DTB's size depends only on whether
        // there is one.
        initrd: facts.initrd,
        resident: found.resident,
        reserve: view.reservations(),
        enter: view.enter,
        psci: view.psci,
        stub_psci: view.stub_psci,
        seeds,
        carry_kho: view.carry_kho,
    };
    let plan = boot::place(&facts, &view, hand.dtb_size_bound() as u64)?;
    hand.initrd = plan.initrd;
    say!(
        "plan: kernel {:#x}..{:#x} (entry {:#x}), dtb {:#x}",
        plan.placement.kernel_base,
        plan.placement.kernel_end,
        plan.placement.kernel_entry,
        plan.dtb.base
    );
    copy_into_place(&image, &plan, initrd, keep_bundle)?;
    page.state.bundle = keep_bundle.then_some(machine.bundle);
    say!("state: seeds from {seed_source}; boot {} recorded", page.state.boot_counter);
    page.commit();
    hand.go(&plan)
}

/// What the model needs to know of springboard, its DTB, the bundle and the console.
fn machine<'f>(found: &'f Found) -> Machine<'f, 'static> {
    Machine {
        summary: &found.summary,
        dtb: MemRange { base: found.dtb_addr, size: found.dtb.totalsize() as u64 },
        image: MemRange { base: found.me.base, size: found.me.size },
        resident: found.resident,
        bundle: MemRange { base: found.bundle_base, size: found.bundle.total_size() as u64 },
        console: crate::console::uart().map(|uart| uart.reg),
        entry_el: found.me.entry_el as u8,
        stub_served_psci: crate::stub_psci::served_before(found.resident),
    }
}

/// Copies (or inflates) the kernel and copies an initrd out of the bundle, where the plan
/// says.
fn copy_into_place(
    image: &KernelImage,
    plan: &EntryPlan,
    initrd: Option<Payload<'static>>,
    keep_bundle: bool,
) -> Result<(), BootError> {
    // SAFETY: `plan.kernel` is one of the plan's writes (`EntryPlan::writes`): in DRAM, clear
    // of springboard, the DTBs, the bundle, the console, every reservation and the other
    // writes.
    let dest = unsafe { mem::bytes_mut(plan.kernel.base, plan.kernel.size) };
    image.copy_to(dest)?;
    say!("kernel: {} {} to {:#x}", image.verb(), Size(image.len()), plan.kernel.base);
    if let (Some(to), Some(p)) = (plan.initrd_copy, initrd) {
        // SAFETY: as above, for the initrd copy's range (`p.data.len()` bytes: the plan sized
        // the copy from this payload).
        let dest = unsafe { mem::bytes_mut(to.base, to.size) };
        dest.copy_from_slice(p.data);
        let why = if keep_bundle { "the bundle stays resident" } else { "outside the KHO scratch" };
        say!("initrd: copied {} to {:#x} ({why})", Size(to.size), to.base);
    }
    Ok(())
}

/// An entry's own DTB and what it says.
fn own_dtb(data: &'static [u8]) -> Result<(Fdt<'static>, Summary<'static>), BootError> {
    let fdt = Fdt::new(data).map_err(BootError::Dtb)?;
    let summary = fdt::summarize(&fdt).map_err(BootError::Dtb)?;
    Ok((fdt, summary))
}

/// Whether the KHO properties can be written into an entry's own DTB as arm64 writes them:
/// two address and two size cells at the root.
fn can_carry_kho(fdt: &Fdt) -> Result<(), BootError> {
    match fdt.root().and_then(|root| root.child_cells()) {
        Ok((2, 2)) => Ok(()),
        _ => Err(BootError::Plan(boot::Refusal::EntryDtb {
            why: "has no 2-cell addresses and sizes at its root for the KHO properties",
        })),
    }
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
