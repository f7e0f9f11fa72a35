//! `cargo xtask build`: the firmware image `target/springboard/springboard.bin` (an ELF linked
//! at 0, flattened) and the host CLI `target/release/springboard`.

use anyhow::{bail, ensure, Context, Result};
use image_formats::image::ImageHeader;
use object::{Object, ObjectSegment, ObjectSymbol};
use std::path::PathBuf;
use std::process::Command;

/// The firmware target.
pub const TARGET: &str = "aarch64-unknown-none";
/// The stub's budget, vectors included (DESIGN §4).
const STUB_BUDGET: u64 = stub::abi::STUB_BUDGET as u64;

/// What the build produced.
pub struct Built {
    /// The flat firmware image.
    pub image: PathBuf,
    /// The host CLI.
    pub cli: PathBuf,
    /// The stub conformance payload (a bare-metal EL1 test program).
    pub payload: PathBuf,
}

/// The firmware's own code generation and link flags, given to the firmware build and to no
/// other: a position-independent image linked at 0 (the loader relocates itself at entry),
/// and the ARMv8 CRC32 instructions for crc32fast (in every crate of that build, so
/// crc32fast's own code sees the feature). The conformance payload and the bench probes are
/// linked at fixed addresses and get none of them.
const FIRMWARE_RUSTFLAGS: [&str; 5] = [
    "-Ctarget-feature=+crc",
    "-Crelocation-model=pie",
    "-Clink-arg=--pie",
    "-Clink-arg=-znotext",
    "-Clink-arg=--no-dynamic-linker",
];

/// Runs `cargo` with `args` in the workspace root, failing with the command line. The
/// caller's `RUSTFLAGS` are not passed on: what is built does not depend on the shell.
pub fn cargo(args: &[&str]) -> Result<()> {
    cargo_with_flags(args, &[])
}

/// Runs `cargo` with `args` and exactly `rustflags` for every crate it compiles for the
/// target (`CARGO_ENCODED_RUSTFLAGS`, which takes precedence over `RUSTFLAGS`).
fn cargo_with_flags(args: &[&str], rustflags: &[&str]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .args(args)
        .current_dir(crate::root())
        .env_remove("RUSTFLAGS")
        .env("CARGO_ENCODED_RUSTFLAGS", rustflags.join("\x1f"))
        .status()
        .with_context(|| format!("running {cargo}"))?;
    ensure!(status.success(), "`cargo {}` failed ({status})", args.join(" "));
    Ok(())
}

/// Builds the firmware, the CLI and the stub conformance payload, and reports the image's sizes.
pub fn run() -> Result<Built> {
    cargo_with_flags(
        &["build", "--quiet", "--release", "-p", "loader", "--target", TARGET],
        &FIRMWARE_RUSTFLAGS,
    )?;
    cargo(&["build", "--quiet", "--release", "-p", "springboard-cli"])?;
    let root = crate::root();
    let elf = root.join("target").join(TARGET).join("release/springboard");
    let image = root.join("target/springboard/springboard.bin");
    std::fs::create_dir_all(image.parent().expect("has a parent"))?;
    let data = std::fs::read(&elf).with_context(|| format!("reading {}", elf.display()))?;
    let report = check_firmware(&data)?;
    std::fs::write(&image, &report.flat).with_context(|| format!("writing {}", image.display()))?;
    println!(
        "xtask: {}: {} bytes in the file, image_size {:#x} ({} KiB with .bss and stack); resident \
        stub {} of {} bytes",
        image.strip_prefix(&root).unwrap_or(&image).display(),
        report.flat.len(),
        report.image_size,
        report.image_size / 1024,
        report.stub_len,
        STUB_BUDGET
    );
    let payload = build_payload()?;
    Ok(Built { image, cli: root.join("target/release/springboard"), payload })
}

/// Builds the conformance payload (`tests/payload`). It is linked at a fixed address, not
/// position independent, so it is built without [`FIRMWARE_RUSTFLAGS`], in a target folder
/// of its own (its dependencies, shared with the firmware, are compiled differently).
fn build_payload() -> Result<PathBuf> {
    let root = crate::root();
    cargo(&[
        "build",
        "--quiet",
        "--release",
        "-p",
        "stub-conformance",
        "--target",
        TARGET,
        "--target-dir",
        "target/payload",
    ])
    .context("building the conformance payload")?;
    let elf = root.join("target/payload").join(TARGET).join("release/stub-conformance");
    let data = std::fs::read(&elf).with_context(|| format!("reading {}", elf.display()))?;
    let out = root.join("target/springboard/stub-conformance.bin");
    std::fs::write(&out, flatten(&object::File::parse(&*data)?)?)?;
    Ok(out)
}

/// The firmware's flat image and the facts checked while making it.
struct Flat {
    flat: Vec<u8>,
    image_size: u64,
    stub_len: u64,
}

/// Lays an ELF's loadable segments out from its lowest address, zero-filling gaps (what
/// `objcopy -O binary` does).
fn flatten(file: &object::File) -> Result<Vec<u8>> {
    let base = file
        .segments()
        .filter(|s| s.data().is_ok_and(|d| !d.is_empty()))
        .map(|s| s.address())
        .min()
        .context("the ELF has no loadable data")?;
    let mut flat = Vec::new();
    for segment in file.segments() {
        let bytes = segment.data().context("reading a segment")?;
        if bytes.is_empty() {
            continue;
        }
        let start = usize::try_from(segment.address() - base)?;
        let end = start + bytes.len();
        if flat.len() < end {
            flat.resize(end, 0);
        }
        flat[start..end].copy_from_slice(bytes);
    }
    Ok(flat)
}

/// Flattens the firmware (linked at 0) and checks the Image header's `image_size` against the
/// linker's footprint and the stub against its budget.
fn check_firmware(elf: &[u8]) -> Result<Flat> {
    let file = object::File::parse(elf).context("parsing the firmware ELF")?;
    let flat = flatten(&file)?;
    let symbol = |name: &str| -> Result<u64> {
        file.symbols()
            .find(|s| s.name() == Ok(name))
            .map(|s| s.address())
            .with_context(|| format!("symbol {name} missing from the firmware ELF"))
    };
    let image_size = symbol("__image_size")?;
    let stub_len = symbol("__stub_end")? - symbol("__stub_start")?;
    let header = ImageHeader::parse(&flat).context("the firmware's own arm64 Image header")?;
    if header.image_size != image_size || image_size < flat.len() as u64 {
        bail!(
            "Image header image_size {:#x}, linker footprint {image_size:#x}, file {:#x}",
            header.image_size,
            flat.len()
        );
    }
    ensure!(
        stub_len <= STUB_BUDGET,
        "resident stub is {stub_len} bytes, over its {STUB_BUDGET}-byte budget"
    );
    Ok(Flat { flat, image_size, stub_len })
}
