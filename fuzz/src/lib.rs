//! Helpers shared by the fuzz targets in `fuzz_targets/`: a plain tree model of a DTB, a
//! re-sealer for bundle CRCs, and a small reader of `newc` cpio archives.
#![forbid(unsafe_code)]

pub mod bundle_seal;
pub mod newc;
pub mod tree;
