//! Pure, `no_std` parsers and builders shared by the springboard firmware and its host tools.
//!
//! Nothing here touches hardware or uses `unsafe`: every format is read from a byte slice, every
//! offset and size is checked before use, and every error names the offset and the value that
//! was wrong.
#![no_std]
#![forbid(unsafe_code)]

#[cfg(feature = "alloc")]
extern crate alloc;

pub mod boot;
pub mod bundle;
pub mod cmdline;
#[cfg(feature = "alloc")]
pub mod cpio;
pub mod fdt;
pub mod gzip;
pub mod image;
pub mod kho;
pub mod placement;
mod range;
pub mod seeds;
pub mod state;

pub use range::MemRange;
