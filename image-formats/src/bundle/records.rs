//! Checks of the payload and entry records, after the header and the table ranges are known
//! to be sound.

use super::error::{BundleError, BundleErrorKind as K, EntryField, Region};
use super::layout::{
    entry_field, payload_field, ENTRY_RECORD_SIZE, KNOWN_PAYLOAD_FLAGS, MAX_BOOTLIMIT, NONE,
    PAYLOAD_FLAG_GZIP, PAYLOAD_RECORD_SIZE,
};
use super::payload::decode_name;
use super::span::Span;
use super::{Bundle, PayloadKind};

/// Checks every payload record: kind, flags, name, data range and order, command lines.
pub(super) fn check_payloads(bundle: &Bundle<'_>, regions: &[Span; 4]) -> Result<(), BundleError> {
    let total = bundle.bytes.len() as u64;
    let mut previous_end = 0;
    for (index, raw) in bundle.payloads.iter().enumerate() {
        let record = bundle.payload_table_offset + (index * PAYLOAD_RECORD_SIZE) as u64;
        let kind = raw.kind.get();
        let kind = PayloadKind::from_raw(kind).ok_or(BundleError::new(
            record + payload_field::KIND,
            K::UnknownPayloadKind { index, kind },
        ))?;
        let flags = raw.flags.get();
        if flags & !KNOWN_PAYLOAD_FLAGS != 0 {
            return Err(BundleError::new(record + payload_field::FLAGS, K::UnknownFlags { flags }));
        }
        if raw.reserved.get() != 0 {
            let value = u64::from(raw.reserved.get());
            return Err(BundleError::new(
                record + payload_field::RESERVED,
                K::ReservedNotZero { value },
            ));
        }
        decode_name(&raw.name).map_err(|problem| {
            BundleError::new(
                record + payload_field::NAME,
                K::BadName { table: Region::PayloadTable, index, problem },
            )
        })?;
        let field = record + payload_field::OFFSET;
        let span =
            Span::check(Region::Payload(index), raw.offset.get(), raw.size.get(), total, field)?;
        for fixed in regions {
            span.must_not_overlap(fixed, field)?;
        }
        if span.start() < previous_end {
            return Err(BundleError::new(
                field,
                K::PayloadOutOfOrder { index, start: span.start(), previous_end },
            ));
        }
        previous_end = span.end();
        if kind == PayloadKind::Cmdline {
            check_cmdline(bundle.bytes, index, &span, flags)?;
        }
    }
    Ok(())
}

/// A command line must be stored uncompressed and be valid UTF-8.
fn check_cmdline(bytes: &[u8], index: usize, span: &Span, flags: u32) -> Result<(), BundleError> {
    if flags & PAYLOAD_FLAG_GZIP != 0 {
        return Err(BundleError::new(span.start(), K::BadCmdline { index, invalid_at: None }));
    }
    let data = span.of(bytes);
    core::str::from_utf8(data).map(|_| ()).map_err(|e| {
        let at = e.valid_up_to();
        BundleError::new(span.start() + at as u64, K::BadCmdline { index, invalid_at: Some(at) })
    })
}

/// Checks every entry record: name, boot limit, payload indices and kinds, fallback.
pub(super) fn check_entries(bundle: &Bundle<'_>) -> Result<(), BundleError> {
    let entry_count = bundle.entries.len();
    for (entry, raw) in bundle.entries.iter().enumerate() {
        let record = bundle.entry_table_offset + (entry * ENTRY_RECORD_SIZE) as u64;
        decode_name(&raw.name).map_err(|problem| {
            BundleError::new(
                record + entry_field::NAME,
                K::BadName { table: Region::EntryTable, index: entry, problem },
            )
        })?;
        let bootlimit = raw.bootlimit.get();
        if bootlimit > MAX_BOOTLIMIT {
            return Err(BundleError::new(
                record + entry_field::BOOTLIMIT,
                K::BadBootlimit { entry, value: bootlimit },
            ));
        }
        let refs = [
            (EntryField::Kernel, raw.kernel.get(), entry_field::KERNEL),
            (EntryField::Initrd, raw.initrd.get(), entry_field::INITRD),
            (EntryField::Dtb, raw.dtb.get(), entry_field::DTB),
            (EntryField::Cmdline, raw.cmdline.get(), entry_field::CMDLINE),
        ];
        for (field, value, at) in refs {
            check_payload_ref(bundle, entry, field, value, record + at)?;
        }
        let fallback = raw.fallback.get();
        if fallback != NONE {
            let at = record + entry_field::FALLBACK;
            if fallback as usize >= entry_count {
                let count = entry_count as u32;
                let kind =
                    K::BadEntryIndex { entry, field: EntryField::Fallback, value: fallback, count };
                return Err(BundleError::new(at, kind));
            }
            if fallback as usize <= entry {
                return Err(BundleError::new(at, K::FallbackNotForward { entry, fallback }));
            }
        }
    }
    Ok(())
}

/// Checks that an entry's payload index exists (or is [`NONE`] where allowed) and refers to a
/// payload of a kind that fits the field.
fn check_payload_ref(
    bundle: &Bundle<'_>,
    entry: usize,
    field: EntryField,
    value: u32,
    at: u64,
) -> Result<(), BundleError> {
    if value == NONE && field != EntryField::Kernel {
        return Ok(());
    }
    let count = bundle.payloads.len() as u32;
    let raw = bundle
        .payloads
        .get(value as usize)
        .ok_or(BundleError::new(at, K::BadEntryIndex { entry, field, value, count }))?;
    // Kinds were checked by `check_payloads`.
    let found = PayloadKind::from_raw(raw.kind.get()).unwrap_or(PayloadKind::Kernel);
    let fits = match field {
        EntryField::Kernel => found == PayloadKind::Kernel,
        EntryField::Initrd => found == PayloadKind::Initrd,
        EntryField::Dtb => found == PayloadKind::Dtb,
        EntryField::Cmdline => found == PayloadKind::Cmdline,
        EntryField::Fallback => false,
    };
    if !fits {
        let payload = value as usize;
        return Err(BundleError::new(at, K::WrongPayloadKind { entry, field, payload, found }));
    }
    Ok(())
}
