//! Every DTB Debian's arm64 kernel packages ship (several hundred boards, under
//! `/usr/lib/linux-image-*/`) is read by `fdt::summarize`, the reader the firmware uses, with
//! room to spare in its fixed-size lists. No QEMU: the `.deb`s are the ones `cargo xtask setup`
//! downloaded into the assets folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use image_formats::fdt::{
    summarize, Fdt, Summary, MAX_MEMORY_RANGES, MAX_MEMRESERVE, MAX_RESERVED_MEMORY,
};
use qemu_tests::Assets;

/// The kernel packages in the assets folder: `debs/linux-image-*.deb`.
fn kernel_debs() -> Vec<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("SPRINGBOARD_ASSETS").expect("SPRINGBOARD_ASSETS"))
        .join("debs");
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}: run `cargo xtask setup`", dir.display()));
    let mut debs: Vec<PathBuf> = entries
        .map(|entry| entry.expect("reading the debs folder").path())
        .filter(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("linux-image-") && name.ends_with(".deb")
        })
        .collect();
    debs.sort();
    assert!(!debs.is_empty(), "no linux-image-*.deb in {}", dir.display());
    debs
}

/// Extracts the `.dtb` files of `deb` into a fresh folder `into` (`dpkg-deb --fsys-tarfile`
/// piped into `tar`, which keeps only the DTBs).
fn extract_dtbs(deb: &Path, into: &Path) {
    let _ = std::fs::remove_dir_all(into);
    std::fs::create_dir_all(into).expect("creating the extraction folder");
    let mut dpkg = Command::new("dpkg-deb")
        .arg("--fsys-tarfile")
        .arg(deb)
        .stdout(Stdio::piped())
        .spawn()
        .expect("running dpkg-deb");
    let tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(into)
        .args(["--wildcards", "*.dtb"])
        .stdin(dpkg.stdout.take().expect("dpkg-deb's stdout"))
        .status()
        .expect("running tar");
    let dpkg = dpkg.wait().expect("waiting for dpkg-deb");
    assert!(dpkg.success() && tar.success(), "extracting the DTBs of {}", deb.display());
}

/// Every `*.dtb` under `dir`, sorted.
fn dtbs_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("reading an extracted folder") {
        let path = entry.expect("reading an extracted folder").path();
        if path.is_dir() {
            dtbs_under(&path, out);
        } else if path.extension().is_some_and(|e| e == "dtb") {
            out.push(path);
        }
    }
    out.sort();
}

/// Whether the root has a `device_type = "memory"` child with a non-empty `reg`, looked up
/// node by node (not through `summarize`).
fn declares_memory(fdt: &Fdt) -> bool {
    let root = fdt.root().expect("the root node");
    root.children().any(|node| {
        let node = node.expect("a root child");
        node.str_property("device_type").ok().flatten() == Some("memory")
            && node.property("reg").ok().flatten().is_some_and(|reg| !reg.is_empty())
    })
}

/// What is wrong with a summary of a real board's DTB, if anything.
fn implausible(fdt: &Fdt, s: &Summary) -> Option<String> {
    if s.compatible.is_none_or(str::is_empty) {
        return Some("no root compatible".into());
    }
    if declares_memory(fdt) && s.memory.is_empty() {
        return Some("a /memory node with reg, but no memory range".into());
    }
    None
}

#[test]
fn summarize_reads_every_dtb_debian_ships() {
    let assets = Assets::get();
    let mut dtbs = Vec::new();
    for deb in kernel_debs() {
        let stem = deb.file_stem().expect("a .deb file name").to_owned();
        let into = assets.work.join("real-dtbs").join(stem);
        extract_dtbs(&deb, &into);
        dtbs_under(&into, &mut dtbs);
    }
    assert!(dtbs.len() >= 300, "only {} DTBs in Debian's kernel packages", dtbs.len());

    let (mut failures, mut most) = (Vec::new(), [(0, None); 3]);
    for path in &dtbs {
        let blob = std::fs::read(path).expect("reading a DTB");
        let summary = Fdt::new(&blob).and_then(|fdt| Ok((summarize(&fdt)?, fdt)));
        let (summary, fdt) = match summary {
            Ok(read) => read,
            Err(e) => {
                failures.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        if let Some(why) = implausible(&fdt, &summary) {
            failures.push(format!("{}: {why}", path.display()));
        }
        let counts =
            [summary.memory.len(), summary.memreserve.len(), summary.reserved_memory.len()];
        for (max, count) in most.iter_mut().zip(counts) {
            if count > max.0 {
                *max = (count, Some(path));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} DTBs:\n{}",
        failures.len(),
        dtbs.len(),
        failures.join("\n")
    );

    // The capacities keep at least twice the largest count found (see `fdt/summary.rs`).
    let lists = ["memory ranges", "/memreserve/ entries", "/reserved-memory ranges"];
    let capacities = [MAX_MEMORY_RANGES, MAX_MEMRESERVE, MAX_RESERVED_MEMORY];
    for ((list, capacity), (count, path)) in lists.iter().zip(capacities).zip(most) {
        let at = path.map_or("-".into(), |p| p.display().to_string());
        println!("{} DTBs: at most {count} {list} ({at}), capacity {capacity}", dtbs.len());
        assert!(2 * count <= capacity, "{count} {list} in {at}: capacity {capacity} has no margin");
    }
    assert!(most[0].0 >= 2, "no DTB with several memory ranges: the walk is not reading them");
    assert!(most[2].0 >= 16, "no DTB with many /reserved-memory ranges: not reading them");
}
