//! The board DTBs the QEMU tests boot with (`springboard_host::boards`), taken from the
//! generic kernel's package into `target/assets/dtbs/`:
//!
//! - `raspi3b`: `broadcom/bcm2837-rpi-3-b.dtb`, as Debian ships it;
//! - `zcu102`: `xilinx/zynqmp-zcu102-rev1.0.dtb`, patched so that the UART `stdout-path` names
//!   probes without the ZynqMP firmware QEMU lacks: its `clocks` (two phandles into the
//!   firmware's clock controller) become `/pss_ref_clk` twice, and its `power-domains`,
//!   `pinctrl-0` and `pinctrl-names` (both served by the firmware) go. Without this the
//!   kernel's `ttyPS0` never appears. The patch is made with `fdtget`/`fdtput` from
//!   `device-tree-compiler` (which setup installs for `dtc`).

use super::cmd;
use super::kernel_files::KernelFiles;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// The folder of the assets holding the DTBs.
const FOLDER: &str = "dtbs";

/// One board's DTB: the board's name, the DTB's name in the package, and the patch it needs.
struct BoardDtb {
    board: &'static str,
    member: &'static str,
    patch: Option<fn(&Path) -> Result<()>>,
    out: &'static str,
}

/// Every board DTB setup prepares.
const DTBS: &[BoardDtb] = &[
    BoardDtb {
        board: "raspi3b",
        member: "broadcom/bcm2837-rpi-3-b.dtb",
        patch: None,
        out: "bcm2837-rpi-3-b.dtb",
    },
    BoardDtb {
        board: "zcu102",
        member: "xilinx/zynqmp-zcu102-rev1.0.dtb",
        patch: Some(uart_without_firmware),
        out: "zynqmp-zcu102-rev1.0-qemu.dtb",
    },
];

/// The properties of the console UART that point at the ZynqMP firmware's providers.
const FIRMWARE_PROPERTIES: &[&str] = &["power-domains", "pinctrl-0", "pinctrl-names"];
/// The fixed clock every ZynqMP clock derives from (33.33 MHz on the ZCU102).
const REFERENCE_CLOCK: &str = "/pss_ref_clk";

/// `fdtget DTB NODE PROPERTY` (as text, `-t s`, or numbers, `-t x`), trimmed.
fn fdtget(dtb: &Path, node: &str, property: &str, kind: &str) -> Result<String> {
    let dtb = dtb.to_str().context("a DTB path that is not UTF-8")?;
    Ok(cmd::output("fdtget", &["-t", kind, dtb, node, property])?.trim().to_string())
}

/// The node `/chosen/stdout-path` names, through `/aliases` (`serial0:115200n8` →
/// `/axi/serial@ff000000`).
fn stdout_node(dtb: &Path) -> Result<String> {
    let stdout = fdtget(dtb, "/chosen", "stdout-path", "s")?;
    let name = stdout.split(':').next().unwrap_or("");
    if name.starts_with('/') {
        return Ok(name.to_string());
    }
    fdtget(dtb, "/aliases", name, "s")
        .with_context(|| format!("stdout-path `{stdout}`: no alias `{name}`"))
}

/// The zcu102 patch: the console UART's clocks from the reference clock, and no properties
/// that need the firmware.
fn uart_without_firmware(dtb: &Path) -> Result<()> {
    let uart = stdout_node(dtb)?;
    let phandle = fdtget(dtb, REFERENCE_CLOCK, "phandle", "x")?;
    if phandle.is_empty() || phandle.contains(' ') {
        bail!("{REFERENCE_CLOCK}'s phandle is `{phandle}`, not one cell");
    }
    let path = dtb.to_str().context("a DTB path that is not UTF-8")?;
    cmd::output("fdtput", &["-t", "x", path, &uart, "clocks", &phandle, &phandle])?;
    for property in FIRMWARE_PROPERTIES {
        // fdtput -d fails on a missing property: a DTB without it is already what we want.
        if fdtget(dtb, &uart, property, "x").is_ok() {
            cmd::output("fdtput", &["-d", path, &uart, property])?;
        }
    }
    Ok(())
}

/// Writes each board's DTB into `dir/dtbs` when its bytes would change, extracting the
/// package's DTBs first if an earlier run did not; returns `(board, path)` pairs for the
/// manifest.
pub fn prepare(dir: &Path, files: &KernelFiles) -> Result<Vec<(String, PathBuf)>> {
    let members: Vec<String> = DTBS.iter().map(|d| files.dtb_member(d.member)).collect();
    if members.iter().any(|m| !files.path(m).exists()) {
        files.extract(&members)?;
    }
    std::fs::create_dir_all(dir.join(FOLDER))?;
    let mut out = Vec::new();
    for (dtb, member) in DTBS.iter().zip(&members) {
        let source = files.path(member);
        let path = dir.join(FOLDER).join(dtb.out);
        let partial = path.with_extension("partial");
        std::fs::copy(&source, &partial)
            .with_context(|| format!("copying {} to {}", source.display(), partial.display()))?;
        if let Some(patch) = dtb.patch {
            patch(&partial).with_context(|| format!("patching {} for QEMU", dtb.member))?;
        }
        let bytes = std::fs::read(&partial)?;
        if std::fs::read(&path).is_ok_and(|old| old == bytes) {
            std::fs::remove_file(&partial)?;
            println!("setup: dtb {}: {FOLDER}/{} up to date", dtb.board, dtb.out);
        } else {
            std::fs::rename(&partial, &path)?;
            let how = if dtb.patch.is_some() { "patched for QEMU" } else { "as shipped" };
            println!("setup: dtb {}: {FOLDER}/{} written ({how})", dtb.board, dtb.out);
        }
        out.push((dtb.board.to_string(), path));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A DTB shaped like the zcu102's console UART and its firmware providers, made with dtc.
    const ZCU102_LIKE: &str = r#"/dts-v1/;
/ {
    #address-cells = <2>; #size-cells = <2>;
    aliases { serial0 = "/axi/serial@ff000000"; };
    chosen { stdout-path = "serial0:115200n8"; };
    pss_ref_clk { compatible = "fixed-clock"; #clock-cells = <0>; phandle = <6>; };
    firmware { zynqmp_firmware { #power-domain-cells = <1>; phandle = <12>;
        clock-controller { #clock-cells = <1>; phandle = <3>; }; }; };
    pinctrl { phandle = <30>; };
    axi { #address-cells = <2>; #size-cells = <2>;
        serial@ff000000 {
            compatible = "xlnx,zynqmp-uart", "cdns,uart-r1p12";
            reg = <0 0xff000000 0 0x1000>;
            clock-names = "uart_clk", "pclk";
            power-domains = <12 0x21>;
            clocks = <3 0x38 3 0x1f>;
            pinctrl-names = "default";
            pinctrl-0 = <30>;
        };
    };
};
"#;

    fn compile(name: &str, dts: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-dtbs-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("in.dts"), dts).unwrap();
        let out = dir.join("out.dtb");
        let (src, dst) = (dir.join("in.dts"), out.clone());
        cmd::output(
            "dtc",
            &["-I", "dts", "-O", "dtb", "-o", dst.to_str().unwrap(), src.to_str().unwrap()],
        )
        .unwrap();
        out
    }

    #[test]
    fn the_console_uart_takes_the_reference_clock_and_loses_the_firmware_properties() {
        let dtb = compile("patch", ZCU102_LIKE);
        uart_without_firmware(&dtb).unwrap();
        let uart = "/axi/serial@ff000000";
        assert_eq!(fdtget(&dtb, uart, "clocks", "x").unwrap(), "6 6");
        for property in FIRMWARE_PROPERTIES {
            assert!(fdtget(&dtb, uart, property, "x").is_err(), "{property} still there");
        }
        assert_eq!(fdtget(&dtb, uart, "clock-names", "s").unwrap(), "uart_clk pclk");
        // Patching again changes nothing.
        let once = std::fs::read(&dtb).unwrap();
        uart_without_firmware(&dtb).unwrap();
        assert_eq!(std::fs::read(&dtb).unwrap(), once);
        std::fs::remove_dir_all(dtb.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_stdout_path_without_its_alias_is_an_error_naming_both() {
        let dtb =
            compile("alias", "/dts-v1/;\n/ { chosen { stdout-path = \"serial3:9600\"; }; };\n");
        let err = format!("{:#}", uart_without_firmware(&dtb).unwrap_err());
        assert!(err.starts_with("stdout-path `serial3:9600`: no alias `serial3`"), "{err}");
        std::fs::remove_dir_all(dtb.parent().unwrap()).unwrap();
    }
}
