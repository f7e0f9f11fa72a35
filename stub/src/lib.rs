//! springboard's resident EL2 stub.
//!
//! [`abi`] holds the Linux hyp-stub ABI numbers (host and target); the vector table and the
//! dispatcher that serve them are assembly, built only for AArch64 ([`code`]).
#![no_std]

pub mod abi;

#[cfg(target_arch = "aarch64")]
mod resident;
#[cfg(target_arch = "aarch64")]
pub use resident::{code, el1_launch_offset};

pub mod regs;
