//! Building a bundle on the host (`alloc` feature): payloads and entries in, bytes out.

use alloc::string::String;
use alloc::vec::Vec;

use zerocopy::little_endian::{U32, U64};
use zerocopy::IntoBytes;

use super::error::{BundleError, BundleErrorKind as K, EntryField, NameProblem, Region};
use super::layout::{
    entry_field, payload_field, RawEntry, RawHeader, RawPayload, ENTRY_RECORD_SIZE,
    HEADER_CRC_OFFSET, HEADER_SIZE, MAGIC, NAME_LEN, NONE, PAYLOAD_ALIGN, PAYLOAD_FLAG_GZIP,
    PAYLOAD_RECORD_SIZE, VERSION,
};
use super::parse::header_crc;
use super::payload::decode_name;
use super::{Bundle, PayloadKind};
use crate::MemRange;

/// A boot entry to add to a [`BundleBuilder`]; indices are those returned by
/// [`BundleBuilder::add_payload`] and [`BundleBuilder::add_entry`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntrySpec {
    /// Entry name, at most [`NAME_LEN`] bytes of UTF-8, unique in the bundle.
    pub name: String,
    /// Index of the kernel (or ELF) payload.
    pub kernel: usize,
    /// Index of the initrd payload.
    pub initrd: Option<usize>,
    /// Index of the DTB payload.
    pub dtb: Option<usize>,
    /// Index of the command-line payload.
    pub cmdline: Option<usize>,
    /// Index of a later entry to try when this one fails.
    pub fallback: Option<usize>,
    /// Boots without a report before the entry counts as failed (`None`: the default,
    /// [`super::DEFAULT_BOOTLIMIT`], stored as 0 like every bundle before the field).
    pub bootlimit: Option<u32>,
}

impl EntrySpec {
    /// An entry that boots `kernel` with nothing else.
    pub fn new(name: impl Into<String>, kernel: usize) -> Self {
        Self {
            name: name.into(),
            kernel,
            initrd: None,
            dtb: None,
            cmdline: None,
            fallback: None,
            bootlimit: None,
        }
    }
}

/// One payload waiting to be written.
#[derive(Clone, Debug)]
struct PendingPayload {
    kind: PayloadKind,
    name: String,
    data: Vec<u8>,
    gzip: bool,
}

/// Collects payloads and entries and writes a version 1 bundle.
///
/// The layout is: header, payload table, entry table, then each payload's data in index order,
/// each starting on a [`PAYLOAD_ALIGN`] boundary; the total size is rounded up to 8 bytes.
#[derive(Clone, Debug, Default)]
pub struct BundleBuilder {
    payloads: Vec<PendingPayload>,
    entries: Vec<EntrySpec>,
}

impl BundleBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a payload and returns its index. `gzip` records that `data` is gzip-compressed.
    pub fn add_payload(
        &mut self,
        kind: PayloadKind,
        name: &str,
        data: impl Into<Vec<u8>>,
        gzip: bool,
    ) -> usize {
        self.payloads.push(PendingPayload { kind, name: name.into(), data: data.into(), gzip });
        self.payloads.len() - 1
    }

    /// Adds a boot entry and returns its index.
    pub fn add_entry(&mut self, entry: EntrySpec) -> usize {
        self.entries.push(entry);
        self.entries.len() - 1
    }

    /// Writes the bundle. Fails on a bad name or index, naming the offset of the record in the
    /// bundle that would have been written; the result is parsed again before it is returned.
    pub fn build(&self) -> Result<Vec<u8>, BundleError> {
        let ptable = HEADER_SIZE as u64;
        let etable = ptable + (self.payloads.len() * PAYLOAD_RECORD_SIZE) as u64;
        let tables_end = etable + (self.entries.len() * ENTRY_RECORD_SIZE) as u64;
        let payload_count = count_u32(self.payloads.len(), Region::PayloadTable, 0x28)?;
        let entry_count = count_u32(self.entries.len(), Region::EntryTable, 0x2c)?;

        let mut records = Vec::with_capacity(self.payloads.len());
        let mut end = tables_end;
        for (index, payload) in self.payloads.iter().enumerate() {
            let record = ptable + (index * PAYLOAD_RECORD_SIZE) as u64;
            let name = encode_name(
                &payload.name,
                Region::PayloadTable,
                index,
                record + payload_field::NAME,
            )?;
            let offset = end.next_multiple_of(PAYLOAD_ALIGN);
            end = offset + payload.data.len() as u64;
            records.push(RawPayload {
                kind: U32::new(payload.kind.to_raw()),
                flags: U32::new(if payload.gzip { PAYLOAD_FLAG_GZIP } else { 0 }),
                name,
                offset: U64::new(offset),
                size: U64::new(payload.data.len() as u64),
                crc32: U32::new(crc32fast::hash(&payload.data)),
                reserved: U32::new(0),
            });
        }
        let entries = self.entry_records(etable, payload_count, entry_count)?;
        let total = end.next_multiple_of(8);

        let header = RawHeader {
            magic: MAGIC,
            version: U32::new(VERSION),
            header_size: U32::new(HEADER_SIZE as u32),
            total_size: U64::new(total),
            payload_table_offset: U64::new(ptable),
            entry_table_offset: U64::new(etable),
            payload_count: U32::new(payload_count),
            entry_count: U32::new(entry_count),
            flags: U32::new(0),
            header_crc32: U32::new(0),
            signature_offset: U64::new(0),
            signature_size: U64::new(0),
            reserved: U64::new(0),
        };
        let mut out = Vec::with_capacity(total as usize);
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(records.as_bytes());
        out.extend_from_slice(entries.as_bytes());
        for (record, payload) in records.iter().zip(&self.payloads) {
            out.resize(record.offset.get() as usize, 0);
            out.extend_from_slice(&payload.data);
        }
        out.resize(total as usize, 0);
        let crc = header_crc(
            &out,
            MemRange::from_bounds(ptable, etable),
            MemRange::from_bounds(etable, tables_end),
        );
        out[HEADER_CRC_OFFSET..HEADER_CRC_OFFSET + 4].copy_from_slice(&crc.to_le_bytes());

        Bundle::parse(&out)?;
        Ok(out)
    }

    /// Encodes the entry table, checking names (non-empty, unique) and index ranges; kinds and
    /// fallback order are left to the final parse.
    fn entry_records(
        &self,
        etable: u64,
        payload_count: u32,
        entry_count: u32,
    ) -> Result<Vec<RawEntry>, BundleError> {
        let mut records: Vec<RawEntry> = Vec::with_capacity(self.entries.len());
        for (entry, spec) in self.entries.iter().enumerate() {
            let record = etable + (entry * ENTRY_RECORD_SIZE) as u64;
            let name =
                encode_name(&spec.name, Region::EntryTable, entry, record + entry_field::NAME)?;
            if let Some(first) = records.iter().position(|r| r.name == name) {
                let problem = NameProblem::Duplicate { first };
                let kind = K::BadName { table: Region::EntryTable, index: entry, problem };
                return Err(BundleError::new(record + entry_field::NAME, kind));
            }
            let index = |field, value: Option<usize>, count: u32, at: u64| match value {
                None => Ok(NONE),
                Some(v) if v < count as usize => Ok(v as u32),
                Some(v) => {
                    let value = u32::try_from(v).unwrap_or(NONE);
                    Err(BundleError::new(
                        record + at,
                        K::BadEntryIndex { entry, field, value, count },
                    ))
                }
            };
            records.push(RawEntry {
                name,
                kernel: U32::new(index(
                    EntryField::Kernel,
                    Some(spec.kernel),
                    payload_count,
                    entry_field::KERNEL,
                )?),
                initrd: U32::new(index(
                    EntryField::Initrd,
                    spec.initrd,
                    payload_count,
                    entry_field::INITRD,
                )?),
                dtb: U32::new(index(EntryField::Dtb, spec.dtb, payload_count, entry_field::DTB)?),
                cmdline: U32::new(index(
                    EntryField::Cmdline,
                    spec.cmdline,
                    payload_count,
                    entry_field::CMDLINE,
                )?),
                fallback: U32::new(index(
                    EntryField::Fallback,
                    spec.fallback,
                    entry_count,
                    entry_field::FALLBACK,
                )?),
                // The parse of the result refuses a limit above MAX_BOOTLIMIT at this field.
                bootlimit: U32::new(spec.bootlimit.unwrap_or(0)),
            });
        }
        Ok(records)
    }
}

/// A record count as stored in the header (`NONE` is not a valid count, so indices fit).
fn count_u32(count: usize, table: Region, at: u64) -> Result<u32, BundleError> {
    let kind = K::TooManyRecords { table, count: count as u64 };
    u32::try_from(count).ok().filter(|&n| n != NONE).ok_or(BundleError::new(at, kind))
}

/// Encodes `name` as a NUL-padded field, rejecting what the parser would reject.
fn encode_name(
    name: &str,
    table: Region,
    index: usize,
    at: u64,
) -> Result<[u8; NAME_LEN], BundleError> {
    let error = |problem| BundleError::new(at, K::BadName { table, index, problem });
    if name.len() > NAME_LEN {
        return Err(error(NameProblem::TooLong { len: name.len() }));
    }
    if let Some(at) = name.bytes().position(|b| b == 0) {
        return Err(error(NameProblem::ContainsNul { at }));
    }
    let mut field = [0u8; NAME_LEN];
    field[..name.len()].copy_from_slice(name.as_bytes());
    decode_name(&field).map_err(error)?;
    Ok(field)
}
