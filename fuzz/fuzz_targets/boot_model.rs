//! The boot model (`image_formats::boot`) on machines decoded from the data: one to three DRAM
//! banks anywhere, springboard, the incoming DTB, the bundle and the console mostly inside
//! them, `/memreserve/` and `/reserved-memory` ranges (some exactly on or over what must
//! survive), an entry's own DTB, Kexec HandOver scratch arrays, a kernel header from the bytes,
//! an initrd in the bundle, entry level, `handoff=el1` and sequence mode. Every case runs
//! through `resident_region`, `check_bundle_range`, `kho::locate`/`scratch_ranges`,
//! `check_kho_array`, `view` and `place` as the loader runs them, and every result is checked
//! by the property tests' checker (`image-formats/tests/boot_model_support`): each write lies in
//! one DRAM bank and the view's banks, the writes are disjoint and overlap nothing that must
//! survive, the view's conduit and reservations follow the rules.
#![no_main]

#[path = "../../image-formats/tests/boot_model_support/mod.rs"]
mod boot_model_support;

use arbitrary::{Arbitrary, Unstructured};
use boot_model_support::{
    kernel_request, run, scratch_array, summary, Case, Entry, KhoCase, Start, PAGE,
};
use image_formats::image::{ImageHeader, HEADER_LEN};
use image_formats::placement::{KernelRequest, DTB_MAX_SIZE};
use image_formats::MemRange;
use libfuzzer_sys::fuzz_target;

type R<T> = arbitrary::Result<T>;

const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;

/// An address or size at one of the scales that matter: raw, pages, 2 MiB blocks, GiB.
fn scaled(u: &mut Unstructured) -> R<u64> {
    Ok(match u.int_in_range(0..=3)? {
        0 => u64::arbitrary(u)?,
        1 => u64::from(u32::arbitrary(u)?) << 12,
        2 => u64::from(u16::arbitrary(u)?) << 21,
        _ => u64::from(u8::arbitrary(u)?) << 30,
    })
}

/// A range of about `size` bytes inside `bank`, `align`ed, at a fuzzed place.
fn within(u: &mut Unstructured, bank: MemRange, size: u64, align: u64) -> R<MemRange> {
    let size = size.clamp(1, bank.size.max(1));
    let room = bank.size.saturating_sub(size);
    let frac = u64::from(u16::arbitrary(u)?);
    let offset = (u128::from(room) * u128::from(frac) / 65536) as u64 / align * align;
    Ok(MemRange { base: bank.base.saturating_add(offset), size })
}

/// A size of a few pages to a few MiB.
fn small(u: &mut Unstructured) -> R<u64> {
    Ok(match u.int_in_range(0..=3)? {
        0 => u.int_in_range(1..=64)? * PAGE,
        1 => u.int_in_range(1..=64)? * MIB,
        2 => u.int_in_range(1..=0x10_0000)?,
        _ => scaled(u)?,
    })
}

fn banks(u: &mut Unstructured) -> R<Vec<MemRange>> {
    let base = match u.int_in_range(0..=5)? {
        0 => 0,
        1 => 0x4000_0000,
        2 => 0x8000_0000,
        3 => 1 << 32,
        4 => 0x80_0000_0000,
        _ => scaled(u)?,
    };
    let size = match u.int_in_range(0..=3)? {
        0..=1 => u.int_in_range(16..=4096)? * MIB,
        2 => u.int_in_range(1..=0x10_0000)? * PAGE,
        _ => scaled(u)?,
    };
    let mut banks = vec![MemRange { base, size }];
    for _ in 0..u.int_in_range(0..=2)? {
        let top = banks.last().map_or(0, |b| b.end());
        let base = match u.int_in_range(0..=2)? {
            0 => top,
            1 => top.saturating_add(u.int_in_range(0..=8)? * GIB),
            _ => scaled(u)?,
        };
        banks.push(MemRange { base, size: u.int_in_range(1..=4096)? * MIB });
    }
    Ok(banks)
}

/// A range as [`within`] makes, in one of `banks`.
fn within_any(u: &mut Unstructured, banks: &[MemRange], size: u64, align: u64) -> R<MemRange> {
    let bank = banks[u.choose_index(banks.len())?];
    within(u, bank, size, align)
}

/// Springboard's own ranges, for reservations placed over them.
struct Mine {
    resident: MemRange,
    bundle: MemRange,
    image: MemRange,
    dtb: MemRange,
}

fn reservation(u: &mut Unstructured, banks: &[MemRange], m: &Mine) -> R<MemRange> {
    Ok(match u.int_in_range(0..=19)? {
        0 => m.resident,
        1 => MemRange { base: m.resident.base.saturating_sub(PAGE), size: 2 * PAGE },
        2 => MemRange { base: m.bundle.base.saturating_add(m.bundle.size / 2), size: PAGE },
        3 => m.bundle,
        4 => MemRange { base: m.image.base, size: PAGE },
        5 => MemRange { base: m.dtb.end().saturating_sub(8), size: 16 },
        6 => MemRange { base: scaled(u)?, size: scaled(u)? },
        _ => {
            let size = small(u)?;
            within_any(u, banks, size, PAGE)?
        }
    })
}

fn reservations(u: &mut Unstructured, banks: &[MemRange], m: &Mine, max: u8) -> R<Vec<MemRange>> {
    (0..u.int_in_range(0..=max)?).map(|_| reservation(u, banks, m)).collect()
}

fn psci(u: &mut Unstructured) -> R<Option<&'static str>> {
    Ok(*u.choose(&[None, Some("smc"), Some("hvc"), Some("smc"), Some("hvc"), Some("sbi")])?)
}

fn kho(u: &mut Unstructured, banks: &[MemRange]) -> R<KhoCase> {
    let first = banks[0];
    let mut ranges = Vec::new();
    for _ in 0..u.int_in_range(1..=4)? {
        ranges.push(match u.int_in_range(0..=5)? {
            // The top of the first bank, where the resident region is.
            0..=2 => {
                let size = (u.int_in_range(1..=512)? * 2 * MIB).min(first.size) / PAGE * PAGE;
                MemRange { base: first.end() - size, size }
            }
            3 => MemRange { base: 0, size: 0 },
            4 => MemRange { base: scaled(u)? / PAGE * PAGE, size: scaled(u)? / PAGE * PAGE },
            _ => {
                let size = u.int_in_range(1..=512)? * 2 * MIB;
                within_any(u, banks, size, PAGE)?
            }
        });
    }
    let mut array = scratch_array(&ranges);
    if u.ratio(1, 16)? {
        array.truncate(u.choose_index(array.len())?);
    }
    let fdt_size = u.int_in_range(1..=16)? * PAGE;
    let fdt = within_any(u, banks, fdt_size, PAGE)?;
    let array_at = if u.ratio(1, 16)? {
        scaled(u)?
    } else {
        within_any(u, banks, array.len() as u64, 8)?.base
    };
    Ok(KhoCase { fdt, array_at, array })
}

fn kernel(u: &mut Unstructured) -> R<(KernelRequest, u64)> {
    let header = u.bytes(HEADER_LEN)?;
    let file_len = match u.int_in_range(0..=2)? {
        0 => u.int_in_range(1..=64 * MIB)?,
        1 => u.int_in_range(1..=4096)? * PAGE,
        _ => scaled(u)?.max(1),
    };
    let kernel = match ImageHeader::parse(header) {
        Ok(h) => kernel_request(&h, file_len),
        // Not a kernel springboard accepts: the model still gets a request from the data.
        Err(_) => KernelRequest {
            load_offset: u.int_in_range(0..=0x1f_ffff)? / 4 * 4,
            footprint: file_len.saturating_add(small(u)?),
            anywhere: bool::arbitrary(u)?,
        },
    };
    Ok((kernel, file_len))
}

fn case(u: &mut Unstructured) -> R<Case> {
    let banks = banks(u)?;
    let first = banks[0];
    let image_size = small(u)?;
    let image = within(u, first, image_size, PAGE)?;
    let dtb_size = u.int_in_range(1..=2 * MIB)?;
    let dtb = if u.ratio(1, 16)? {
        MemRange { base: scaled(u)?, size: dtb_size }
    } else {
        within_any(u, &banks, dtb_size, 8)?
    };
    let resident_size = if u.ratio(1, 16)? {
        u64::from(u32::arbitrary(u)?).max(1)
    } else {
        u.int_in_range(1..=64)? * PAGE
    };
    let resident =
        MemRange { base: first.end().saturating_sub(resident_size), size: resident_size };
    let bundle_size = small(u)?;
    let bundle = if u.ratio(1, 16)? {
        MemRange { base: scaled(u)?, size: bundle_size }
    } else {
        let bank = banks[u.choose_index(banks.len())?];
        within(u, bank, bundle_size.min(bank.size / 2), 8)?
    };
    let console = match u.int_in_range(0..=4)? {
        0 => None,
        1 | 2 => Some(MemRange { base: 0x0900_0000, size: PAGE }),
        3 => Some(within_any(u, &banks, PAGE, PAGE)?),
        _ => Some(MemRange { base: scaled(u)?, size: small(u)? }),
    };
    let mine = Mine { resident, bundle, image, dtb };
    let memreserve = reservations(u, &banks, &mine, 3)?;
    let reserved = reservations(u, &banks, &mine, 5)?;
    let firmware = summary(&banks, &memreserve, &reserved, psci(u)?);
    let own = if u.ratio(2, 5)? {
        let memory = match u.int_in_range(0..=3)? {
            0 => banks.clone(),
            1 => {
                let size = u.int_in_range(1..=first.size.max(1))?;
                vec![within(u, first, size, PAGE)?]
            }
            2 => {
                let base = scaled(u)?;
                vec![MemRange { base, size: small(u)? }]
            }
            _ => vec![],
        };
        let memreserve = reservations(u, &banks, &mine, 2)?;
        let reserved = reservations(u, &banks, &mine, 3)?;
        Some(summary(&memory, &memreserve, &reserved, psci(u)?))
    } else {
        None
    };
    let kho = if u.ratio(1, 3)? { Some(kho(u, &banks)?) } else { None };
    let (kernel, kernel_len) = kernel(u)?;
    let initrd = if u.ratio(2, 3)? {
        let offset = u.int_in_range(0..=bundle.size.saturating_sub(1))?;
        let size = u.int_in_range(1..=(bundle.size - offset).max(1))?;
        Some(MemRange { base: bundle.base.saturating_add(offset), size })
            .filter(|i| i.end() <= bundle.end())
    } else {
        None
    };
    let dtb_bound = if u.ratio(1, 16)? {
        u.int_in_range(0..=DTB_MAX_SIZE + 8)?
    } else {
        u.int_in_range(1..=64)? * 4096
    };
    let entry_el = u.int_in_range(0..=3)?;
    let start = Start { image, dtb, resident_size, bundle, console, entry_el };
    let (keep_bundle, el1) = (bool::arbitrary(u)?, bool::arbitrary(u)?);
    let entry = Entry { kernel, kernel_len, initrd, keep_bundle, el1, dtb_bound };
    Ok(Case { firmware, own, kho, start, entry })
}

/// Whether every range a DTB summary holds is one a DTB reader returns: none wraps.
fn readable(c: &Case) -> bool {
    let fits = |r: &MemRange| r.base.checked_add(r.size).is_some();
    let summaries = core::iter::once(&c.firmware).chain(c.own.as_ref());
    summaries.into_iter().all(|s| {
        s.memory.iter().chain(s.memreserve.iter()).chain(s.reserved_memory.iter()).all(fits)
    }) && [c.start.image, c.start.dtb, c.start.bundle]
        .iter()
        .chain(c.start.console.as_ref())
        .all(fits)
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(case) = case(&mut u) else {
        return;
    };
    if !readable(&case) {
        return;
    }
    if let Err(broken) = run(&case) {
        panic!("{broken}\n{case:#x?}");
    }
});
