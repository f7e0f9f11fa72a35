//! DTBs for tests that edit what a kernel or springboard is given: QEMU's own DTB dumped with
//! `dumpdtb` (the same machine options as the run), edited with `fdtput` from
//! device-tree-compiler.

use crate::Assets;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs a tool and insists it succeeded; returns its standard output.
pub fn run_tool(program: &str, args: &[&str]) -> Vec<u8> {
    let out =
        Command::new(program).args(args).output().unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// QEMU's DTB for `machine` (e.g. `virt,virtualization=on`), Cortex-A57, 1 GiB, with
/// springboard as `-kernel` and nothing else, written to `NAME.dtb` in the work folder.
pub fn dump_virt(assets: &Assets, machine: &str, name: &str) -> PathBuf {
    let path = assets.work_file(&format!("{name}.dtb"));
    let machine = format!("{machine},dumpdtb={}", path.display());
    let kernel = assets.springboard.display().to_string();
    let args = ["-M", &machine, "-cpu", "cortex-a57", "-m", "1G", "-smp", "1", "-nic", "none"];
    let quiet = ["-display", "none", "-monitor", "none", "-serial", "null", "-kernel", &kernel];
    run_tool("qemu-system-aarch64", &[&args[..], &quiet[..]].concat());
    path
}

/// `fdtput [OPTIONS] DTB NODE [PROPERTY [VALUE...]]`.
pub fn fdtput(options: &[&str], dtb: &Path, rest: &[&str]) {
    let file = dtb.display().to_string();
    let mut args = options.to_vec();
    args.push(&file);
    args.extend(rest);
    run_tool("fdtput", &args);
}

/// Two cells of a 64-bit number, for `fdtput -t x`.
pub fn cells(value: u64) -> [String; 2] {
    [format!("{:x}", value >> 32), format!("{:x}", value & 0xffff_ffff)]
}

/// Adds `/reserved-memory/NAME@BASE` (`no-map` when asked) with 2-cell `reg`, creating
/// `/reserved-memory` (2 address cells, 2 size cells, `ranges`) when it is missing.
pub fn reserve(dtb: &Path, name: &str, base: u64, size: u64, no_map: bool) {
    let file = dtb.display().to_string();
    let listed = Command::new("fdtget").args([&file, "/reserved-memory", "ranges"]).output();
    if !listed.is_ok_and(|o| o.status.success()) {
        fdtput(&["-c"], dtb, &["/reserved-memory"]);
        fdtput(&["-t", "x"], dtb, &["/reserved-memory", "#address-cells", "2"]);
        fdtput(&["-t", "x"], dtb, &["/reserved-memory", "#size-cells", "2"]);
        fdtput(&[], dtb, &["/reserved-memory", "ranges"]);
    }
    let node = format!("/reserved-memory/{name}@{base:x}");
    fdtput(&["-c"], dtb, &[&node]);
    let ([base_hi, base_lo], [size_hi, size_lo]) = (cells(base), cells(size));
    fdtput(&["-t", "x"], dtb, &[&node, "reg", &base_hi, &base_lo, &size_hi, &size_lo]);
    if no_map {
        fdtput(&[], dtb, &[&node, "no-map"]);
    }
}
