//! What springboard's host programs share — the QEMU tests (`tests/`), `springboard swap`
//! (`cli/`) and `cargo xtask demo`/`bench`/`setup` — so that each is written once:
//!
//! - [`machine`]: a QEMU command line, built from a typed description;
//! - [`boards`]: the QEMU machines springboard is tested on (`virt`, `raspi3b`, `versal`,
//!   `zcu102`), each described once as data that makes a [`Machine`];
//! - [`console`]: QEMU's console read line by line, and the watcher that judges a run
//!   (milestones in order, bad patterns, springboard's banner count, a timeout, the exit
//!   status, a transcript file);
//! - [`pack`]: the `springboard pack` invocation as a typed builder of its arguments;
//! - [`manifest`]: `target/assets/manifest.txt`, written by `cargo xtask setup`, read by the
//!   rest;
//! - [`protocol`]: the console lines and command-line words that springboard, the test
//!   initramfs and the guest agent use to talk to the host programs.
//!
//! It runs on the host only.

#![forbid(unsafe_code)]

pub mod boards;
pub mod console;
pub mod machine;
pub mod manifest;
pub mod pack;
pub mod protocol;

pub use boards::Board;
pub use console::{Judged, Line, Watch};
pub use machine::Machine;
pub use manifest::{Kernel, Manifest};
pub use pack::{Entry, Pack};
