//! Validation of a bundle: the header, the tables, every payload range and every entry index.
//! Payload CRCs are left to [`super::Payload::verify`], so a caller pays for them only for the
//! payloads it boots.

use zerocopy::FromBytes;

use super::error::{BundleError, BundleErrorKind as K, Region};
use super::layout::{
    RawEntry, RawHeader, RawPayload, ENTRY_RECORD_SIZE, FLAG_SIGNED, HEADER_CRC_OFFSET,
    HEADER_SIZE, KNOWN_HEADER_FLAGS, MAGIC, PAYLOAD_RECORD_SIZE, VERSION,
};
use super::records::{check_entries, check_payloads};
use super::span::Span;
use super::Bundle;
use crate::MemRange;

/// Parses and checks a bundle at the start of `bytes`; see [`Bundle::parse`].
pub(super) fn parse(bytes: &[u8]) -> Result<Bundle<'_>, BundleError> {
    let available = bytes.len() as u64;
    let truncated = |needed: u64| BundleError::new(0, K::Truncated { needed, available });

    let magic = bytes.get(..MAGIC.len()).ok_or(truncated(MAGIC.len() as u64))?;
    if magic != MAGIC {
        let mut found = [0u8; 8];
        found.copy_from_slice(magic);
        return Err(BundleError::new(0, K::BadMagic { found }));
    }
    let (header, _) =
        RawHeader::ref_from_prefix(bytes).map_err(|_| truncated(HEADER_SIZE as u64))?;
    let header_size = header.header_size.get();
    if header.version.get() != VERSION {
        return Err(BundleError::new(0x08, K::UnsupportedVersion { found: header.version.get() }));
    }
    if header_size as usize != HEADER_SIZE {
        return Err(BundleError::new(0x0c, K::BadHeaderSize { found: header_size }));
    }
    let total = header.total_size.get();
    if total < HEADER_SIZE as u64 {
        return Err(BundleError::new(0x10, K::TotalSizeTooSmall { found: total }));
    }
    if total > available {
        return Err(BundleError::new(0x10, K::Truncated { needed: total, available }));
    }
    // `total <= bytes.len()`, so it fits in a usize.
    let bytes = &bytes[..total as usize];
    let regions = check_header_regions(header, total)?;
    check_header_crc(bytes, header, &regions)?;

    let payloads = table::<RawPayload>(bytes, &regions[1])?;
    let entries = table::<RawEntry>(bytes, &regions[2])?;
    let bundle = Bundle {
        bytes,
        payloads,
        entries,
        payload_table_offset: regions[1].start(),
        entry_table_offset: regions[2].start(),
    };
    check_payloads(&bundle, &regions)?;
    check_entries(&bundle)?;
    // Every region is checked; a bundle that asks to be verified is refused until signatures
    // are (fail closed).
    if header.flags.get() & FLAG_SIGNED != 0 {
        return Err(BundleError::new(0x30, K::SignatureNotVerified));
    }
    Ok(bundle)
}

/// Checks flags, reserved fields and the ranges of the header, the tables and the signature
/// block. Returns them in that order (the signature span is empty when unsigned).
fn check_header_regions(header: &RawHeader, total: u64) -> Result<[Span; 4], BundleError> {
    let flags = header.flags.get();
    if flags & !KNOWN_HEADER_FLAGS != 0 {
        return Err(BundleError::new(0x30, K::UnknownFlags { flags }));
    }
    if header.reserved.get() != 0 {
        return Err(BundleError::new(0x48, K::ReservedNotZero { value: header.reserved.get() }));
    }
    if header.entry_count.get() == 0 {
        return Err(BundleError::new(0x2c, K::NoEntries));
    }
    let head = Span { region: Region::Header, range: MemRange::new(0, HEADER_SIZE as u64) };
    let payload_bytes = u64::from(header.payload_count.get()) * PAYLOAD_RECORD_SIZE as u64;
    let ptable = Span::check(
        Region::PayloadTable,
        header.payload_table_offset.get(),
        payload_bytes,
        total,
        0x18,
    )?;
    let entry_bytes = u64::from(header.entry_count.get()) * ENTRY_RECORD_SIZE as u64;
    let etable =
        Span::check(Region::EntryTable, header.entry_table_offset.get(), entry_bytes, total, 0x20)?;
    let (sig_start, sig_size) = (header.signature_offset.get(), header.signature_size.get());
    let signature = if flags & FLAG_SIGNED != 0 {
        Span::check(Region::Signature, sig_start, sig_size, total, 0x38)?
    } else if sig_start != 0 || sig_size != 0 {
        return Err(BundleError::new(
            0x38,
            K::UnexpectedSignature { offset: sig_start, size: sig_size },
        ));
    } else {
        Span { region: Region::Signature, range: MemRange::default() }
    };
    ptable.must_not_overlap(&head, 0x18)?;
    etable.must_not_overlap(&head, 0x20)?;
    etable.must_not_overlap(&ptable, 0x20)?;
    for other in [&head, &ptable, &etable] {
        signature.must_not_overlap(other, 0x38)?;
    }
    Ok([head, ptable, etable, signature])
}

/// Checks the header CRC32: header with its CRC field zeroed, then payload table, then entry
/// table.
fn check_header_crc(
    bytes: &[u8],
    header: &RawHeader,
    regions: &[Span; 4],
) -> Result<(), BundleError> {
    let expected = header.header_crc32.get();
    let actual = header_crc(bytes, regions[1].range, regions[2].range);
    if expected != actual {
        return Err(BundleError::new(
            HEADER_CRC_OFFSET as u64,
            K::HeaderCrcMismatch { expected, actual },
        ));
    }
    Ok(())
}

/// The header CRC32 of `bytes` whose tables are at the given (checked) ranges.
pub(super) fn header_crc(bytes: &[u8], ptable: MemRange, etable: MemRange) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&bytes[..HEADER_CRC_OFFSET]);
    hasher.update(&[0; 4]);
    hasher.update(&bytes[HEADER_CRC_OFFSET + 4..HEADER_SIZE]);
    for range in [ptable, etable] {
        hasher.update(&bytes[range.base as usize..range.end() as usize]);
    }
    hasher.finalize()
}

/// Views a checked table span as records.
fn table<'a, T: FromBytes + zerocopy::KnownLayout + zerocopy::Immutable + zerocopy::Unaligned>(
    bytes: &'a [u8],
    span: &Span,
) -> Result<&'a [T], BundleError> {
    let raw = bytes.get(span.start() as usize..span.end() as usize);
    raw.and_then(|raw| <[T]>::ref_from_bytes(raw).ok()).ok_or(BundleError::new(
        span.start(),
        K::RangeOutOfBounds {
            region: span.region,
            end: span.end(),
            total_size: bytes.len() as u64,
        },
    ))
}
