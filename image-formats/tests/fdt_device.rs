//! Devices as the CPU sees them: `reg` through the buses' `ranges`, aliases, disabled nodes,
//! and the first compatible device in blob order.

mod fdt_support;

use fdt_support::dtc;
use image_formats::fdt::{device_at, first_device, summarize, Fdt, FdtErrorKind};
use image_formats::MemRange;

/// A Raspberry Pi 3 shaped tree: UARTs on a 1/1-cell VideoCore bus that `/soc`'s `ranges`
/// moves from 0x7e000000 to 0x3f000000 (as Debian's `bcm2837-rpi-3-b.dtb` does), a nested
/// bus with an identity `ranges`, one without `ranges`, and a disabled UART.
const SOC: &str = r#"
/dts-v1/;
/ {
    #address-cells = <1>;
    #size-cells = <1>;
    compatible = "raspberrypi,3-model-b", "brcm,bcm2837";
    aliases { serial1 = "/soc/serial@7e215040"; serial0 = "/soc/serial@7e201000"; };
    chosen { stdout-path = "serial1:115200n8"; };
    memory@0 { device_type = "memory"; reg = <0x0 0x3c000000>; };
    soc {
        compatible = "simple-bus";
        #address-cells = <1>;
        #size-cells = <1>;
        ranges = <0x7e000000 0x3f000000 0x1000000>, <0x40000000 0x40000000 0x1000>;
        off@7e100000 { compatible = "acme,uart"; reg = <0x7e100000 0x100>; status = "disabled"; };
        serial@7e201000 { compatible = "arm,pl011", "arm,primecell"; reg = <0x7e201000 0x200>; };
        serial@7e215040 { compatible = "brcm,bcm2835-aux-uart"; reg = <0x7e215040 0x40>; };
        inner {
            #address-cells = <1>;
            #size-cells = <1>;
            ranges;
            wdt@7e100000 { compatible = "brcm,bcm2835-pm-wdt"; reg = <0x7e100000 0x28>; };
        };
        i2c {
            #address-cells = <1>;
            #size-cells = <0>;
            clock@68 { compatible = "acme,rtc"; reg = <0x68>; };
        };
        stray@7f000000 { compatible = "acme,stray"; reg = <0x7f000000 0x10>; };
    };
};
"#;

#[test]
fn stdout_alias_is_translated_through_soc_ranges() {
    let blob = dtc(SOC);
    let s = summarize(&Fdt::new(&blob).unwrap()).unwrap();
    let uart = s.stdout.expect("the mini UART");
    assert_eq!(uart.compatible, "brcm,bcm2835-aux-uart");
    assert_eq!(uart.reg, MemRange::new(0x3f21_5040, 0x40));
}

#[test]
fn identity_ranges_pass_through_and_every_compatible_string_counts() {
    let blob = dtc(SOC);
    let fdt = Fdt::new(&blob).unwrap();
    let wdt = device_at(&fdt, "/soc/inner/wdt@7e100000").unwrap().expect("the watchdog");
    assert_eq!(wdt.reg.base, 0x3f10_0000);
    let pl011 = device_at(&fdt, "/soc/serial@7e201000").unwrap().unwrap();
    assert!(pl011.is_compatible("arm,primecell") && pl011.is_compatible("arm,pl011"));
    assert!(!pl011.is_compatible("arm,pl01"));
}

#[test]
fn unreachable_and_disabled_nodes_are_no_devices() {
    let blob = dtc(SOC);
    let fdt = Fdt::new(&blob).unwrap();
    // No `ranges` on the i2c bus: its children are not memory-mapped.
    assert_eq!(device_at(&fdt, "/soc/i2c/clock@68").unwrap(), None);
    // Outside every window of `/soc`'s `ranges`.
    assert_eq!(device_at(&fdt, "/soc/stray@7f000000").unwrap(), None);
    assert_eq!(device_at(&fdt, "/soc/off@7e100000").unwrap(), None);
    assert_eq!(device_at(&fdt, "/soc/absent").unwrap(), None);
    assert_eq!(device_at(&fdt, "soc").unwrap(), None, "not an absolute path");
}

#[test]
fn first_device_is_in_blob_order_and_skips_disabled_nodes() {
    let blob = dtc(SOC);
    let fdt = Fdt::new(&blob).unwrap();
    let any = |list: &'static [&'static str]| {
        move |d: &image_formats::fdt::Device| list.iter().any(|c| d.is_compatible(c))
    };
    let first = first_device(&fdt, any(&["brcm,bcm2835-aux-uart", "arm,pl011"])).unwrap();
    assert_eq!(first.map(|d| d.reg.base), Some(0x3f20_1000));
    let nested = first_device(&fdt, any(&["brcm,bcm2835-pm-wdt"])).unwrap();
    assert_eq!(nested.map(|d| d.reg.base), Some(0x3f10_0000));
    assert_eq!(first_device(&fdt, any(&["acme,uart", "acme,rtc"])).unwrap(), None);
    let past = first_device(&fdt, |d| d.reg.base > 0x3f20_1000).unwrap();
    assert_eq!(past.map(|d| d.compatible), Some("brcm,bcm2835-aux-uart"));
}

#[test]
fn ranges_with_a_partial_entry_are_refused() {
    let blob = dtc(&SOC.replace("<0x40000000 0x40000000 0x1000>", "<0x40000000 0x40000000>"));
    let err = summarize(&Fdt::new(&blob).unwrap()).unwrap_err();
    assert!(matches!(err.kind, FdtErrorKind::BadPropertyLength { len: 20 }), "{err:?}");
}
