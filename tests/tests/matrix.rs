//! The hostile-input matrix (issue 8 §4): each test feeds springboard one kind of hostile or
//! unusual input through real QEMU and expects exactly one `springboard: error: <code>:` line
//! and a power-off, with no jump and no hang — or, where the input is acceptable, a correct
//! boot judged by what the kernel printed. One module per input kind.

#[path = "matrix/bundle.rs"]
mod bundle;
#[path = "matrix/cmdline.rs"]
mod cmdline;
#[path = "matrix/common.rs"]
mod common;
#[path = "matrix/dtb.rs"]
mod dtb;
#[path = "matrix/entry_level.rs"]
mod entry_level;
#[path = "matrix/gzip.rs"]
mod gzip;
#[path = "matrix/kernel.rs"]
mod kernel;
#[path = "matrix/state_page.rs"]
mod state_page;
