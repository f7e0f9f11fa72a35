//! Powering off: through PSCI when the DTB has `/psci`, else through the power-management
//! watchdog of a BCM2835-family SoC (Raspberry Pi 3, which has no PSCI firmware), else by
//! waiting for an interrupt forever. Decided once the DTB is read; before that, PSCI over
//! `smc`, which every EL3 firmware springboard follows serves.

use crate::arch::{self, Conduit};
use core::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use image_formats::fdt::{self, Fdt, FdtError};
use safe_mmio::fields::WriteOnly;
use safe_mmio::{field, UniqueMmioPointer};

/// How the machine is powered off: 0 PSCI `smc`, 1 PSCI `hvc`, 2 the BCM2835 watchdog at
/// [`WATCHDOG`], 3 nothing known.
static WAY: AtomicU8 = AtomicU8::new(0);
static WATCHDOG: AtomicU64 = AtomicU64::new(0);

/// The `compatible` of the BCM2835 PM block, whose watchdog powers the board off.
pub const WATCHDOG_COMPATIBLE: &str = "brcm,bcm2835-pm-wdt";

/// How a machine is powered off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Way {
    /// PSCI `SYSTEM_OFF` through this conduit.
    Psci(Conduit),
    /// The BCM2835 power-management watchdog with its registers at this address.
    Bcm2835Watchdog(u64),
    /// The DTB names no way: springboard waits for an interrupt forever.
    None,
}

impl Way {
    /// The way the DTB describes: `/psci/method`, else a BCM2835 PM block.
    pub fn of(psci_method: Option<&str>, fdt: &Fdt) -> Result<Way, FdtError> {
        if let Some(conduit) = psci_method.and_then(Conduit::from_method) {
            return Ok(Way::Psci(conduit));
        }
        let pm = fdt::first_device(fdt, |d| d.is_compatible(WATCHDOG_COMPATIBLE))?;
        Ok(pm.map_or(Way::None, |d| Way::Bcm2835Watchdog(d.reg.base)))
    }

    /// Says how later power-offs (and [`crate::fail`]) happen.
    pub fn adopt(self) {
        let (way, base) = match self {
            Way::Psci(Conduit::Smc) => (0, 0),
            Way::Psci(Conduit::Hvc) => (1, 0),
            Way::Bcm2835Watchdog(base) => (2, base),
            Way::None => (3, 0),
        };
        WATCHDOG.store(base, Ordering::Relaxed);
        WAY.store(way, Ordering::Relaxed);
    }

    /// The way adopted last.
    pub fn current() -> Way {
        match WAY.load(Ordering::Relaxed) {
            0 => Way::Psci(Conduit::Smc),
            1 => Way::Psci(Conduit::Hvc),
            2 => Way::Bcm2835Watchdog(WATCHDOG.load(Ordering::Relaxed)),
            _ => Way::None,
        }
    }

    /// How the console names it.
    pub fn name(self) -> &'static str {
        match self {
            Way::Psci(Conduit::Smc) => "PSCI over smc",
            Way::Psci(Conduit::Hvc) => "PSCI over hvc",
            Way::Bcm2835Watchdog(_) => "the BCM2835 PM watchdog",
            Way::None => "none (the DTB has no /psci and no known power controller)",
        }
    }
}

/// The BCM2835 PM block's reset registers (BCM2835 ARM Peripherals has no chapter on it;
/// Linux's `drivers/watchdog/bcm2835_wdt.c` is the reference): `PM_RSTC` at 0x1c, `PM_RSTS` at
/// 0x20; every write carries the password 0x5a in bits 31..24.
#[repr(C)]
struct PmRegisters {
    _before: [u32; 7],
    rstc: WriteOnly<u32>,
    rsts: WriteOnly<u32>,
}

const PM_PASSWORD: u32 = 0x5a00_0000;
/// `PM_RSTS`: boot partition 63, which the firmware (and QEMU) takes as "halt".
const PM_RSTS_PARTITION_HALT: u32 = 0x555;
/// `PM_RSTC`: a full reset now.
const PM_RSTC_FULL_RESET: u32 = 0x20;

/// Powers the machine off the adopted way; never returns.
pub fn off() -> ! {
    match Way::current() {
        Way::Psci(conduit) => arch::system_off(conduit),
        Way::Bcm2835Watchdog(base) => {
            if let Some(ptr) = core::ptr::NonNull::new(base as *mut PmRegisters) {
                // SAFETY: the DTB's `brcm,bcm2835-pm-wdt` block, which only springboard drives
                // while it runs; it is about to stop the machine.
                let mut pm = unsafe { UniqueMmioPointer::new(ptr) };
                field!(pm, rsts).write(PM_PASSWORD | PM_RSTS_PARTITION_HALT);
                field!(pm, rstc).write(PM_PASSWORD | PM_RSTC_FULL_RESET);
            }
            wait_forever()
        }
        Way::None => wait_forever(),
    }
}

/// Waits for an interrupt forever (interrupts are masked: for good).
fn wait_forever() -> ! {
    loop {
        // SAFETY: waiting for an event has no effect on memory.
        unsafe { core::arch::asm!("wfe", options(nomem, nostack)) };
    }
}
