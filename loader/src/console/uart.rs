//! The UARTs springboard drives, chosen by a DTB node's `compatible`, and one byte-writer for
//! each. The PL011 goes through `arm-pl011-uart`; the BCM2835 mini UART and the Cadence UART have
//! no maintained `no_std` crate (the 16550 crates access bytes and check CTS, which the mini
//! UART, 32-bit registers on a 16550-like map, does not serve), so they are the few register
//! accesses below, through `safe-mmio`.

use arm_pl011_uart::{PL011Registers, Uart as Pl011};
use core::fmt::Write;
use core::ptr::NonNull;
use image_formats::fdt::Device;
use image_formats::MemRange;
use safe_mmio::fields::{ReadPure, ReadWrite, WriteOnly};
use safe_mmio::{field, UniqueMmioPointer};

/// A kind of UART.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Arm PL011 (`arm,pl011`) or the SBSA generic UART (`arm,sbsa-uart`), its subset.
    Pl011,
    /// The BCM2835 auxiliary mini UART (`brcm,bcm2835-aux-uart`; Raspberry Pi 3).
    MiniUart,
    /// The Cadence UART (`cdns,uart-r1p12`, `xlnx,xuartps`; Zynq and ZynqMP).
    Cadence,
}

/// Each kind's `compatible` strings.
const KINDS: [(Kind, &[&str]); 3] = [
    (Kind::Pl011, &["arm,pl011", "arm,sbsa-uart"]),
    (Kind::MiniUart, &["brcm,bcm2835-aux-uart"]),
    (Kind::Cadence, &["cdns,uart-r1p12", "xlnx,xuartps"]),
];

impl Kind {
    /// The kind a device is compatible with, if springboard drives it.
    pub fn of(device: &Device) -> Option<Kind> {
        KINDS.iter().find(|(_, names)| names.iter().any(|n| device.is_compatible(n))).map(|k| k.0)
    }

    /// The offset of a register whose read has no side effect: the flag or status register.
    pub fn status_offset(self) -> u64 {
        match self {
            Kind::Pl011 => 0x18,
            Kind::MiniUart => 0x14,
            Kind::Cadence => 0x2c,
        }
    }

    /// How the console line names it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Pl011 => "PL011",
            Kind::MiniUart => "BCM2835 mini UART",
            Kind::Cadence => "Cadence UART",
        }
    }
}

/// A UART: its kind and registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Uart {
    /// What it is.
    pub kind: Kind,
    /// Its register block as the CPU sees it.
    pub reg: MemRange,
}

/// BCM2835 ARM Peripherals, 2.2.2: the mini UART's registers from `AUX_MU_IO_REG`.
#[repr(C)]
struct MiniUartRegisters {
    io: WriteOnly<u32>,
    _ier_iir_lcr_mcr: [u32; 4],
    lsr: ReadPure<u32>,
}

/// `AUX_MU_LSR_REG` bit 5: the transmit FIFO can take at least one byte.
const MINI_LSR_TX_EMPTY: u32 = 1 << 5;

/// Zynq UltraScale+ TRM (UG1085), UART registers: control, status and the FIFO.
#[repr(C)]
struct CadenceRegisters {
    cr: ReadWrite<u32>,
    _mr_to_rxwm: [u32; 10],
    sr: ReadPure<u32>,
    fifo: WriteOnly<u32>,
}

/// `CR.TXEN` and `CR.TXDIS`.
const CADENCE_CR_TXEN: u32 = 1 << 4;
const CADENCE_CR_TXDIS: u32 = 1 << 5;
/// `SR.TXFULL`.
const CADENCE_SR_TXFULL: u32 = 1 << 4;

impl Uart {
    /// Makes the UART ready to transmit: the Cadence UART comes out of reset with its
    /// transmitter disabled (QEMU's does; firmware usually enables it).
    ///
    /// # Safety
    /// `reg` must be this kind of UART's register block, which nothing else drives.
    pub unsafe fn enable(&self) {
        if self.kind == Kind::Cadence {
            // SAFETY: the caller's promise.
            let mut regs = unsafe { self.regs::<CadenceRegisters>() };
            let cr = field!(regs, cr).read();
            if cr & CADENCE_CR_TXEN == 0 || cr & CADENCE_CR_TXDIS != 0 {
                field!(regs, cr).write((cr & !CADENCE_CR_TXDIS) | CADENCE_CR_TXEN);
            }
        }
    }

    /// Writes `text`, waiting for room in the transmit FIFO before each byte.
    ///
    /// # Safety
    /// As for [`Uart::enable`]; no other writer for the same block exists at the same time.
    pub unsafe fn write(&self, text: &str) {
        match self.kind {
            Kind::Pl011 => {
                // SAFETY: the caller's promise.
                let _ = Pl011::new(unsafe { self.regs::<PL011Registers>() }).write_str(text);
            }
            Kind::MiniUart => {
                // SAFETY: the caller's promise.
                let mut regs = unsafe { self.regs::<MiniUartRegisters>() };
                for byte in text.bytes() {
                    while field!(regs, lsr).read() & MINI_LSR_TX_EMPTY == 0 {}
                    field!(regs, io).write(u32::from(byte));
                }
            }
            Kind::Cadence => {
                // SAFETY: the caller's promise.
                let mut regs = unsafe { self.regs::<CadenceRegisters>() };
                for byte in text.bytes() {
                    while field!(regs, sr).read() & CADENCE_SR_TXFULL != 0 {}
                    field!(regs, fifo).write(u32::from(byte));
                }
            }
        }
    }

    /// The register block as `T`.
    ///
    /// # Safety
    /// As for [`Uart::enable`]; `T` describes this kind's registers.
    unsafe fn regs<T>(&self) -> UniqueMmioPointer<'static, T> {
        let ptr = NonNull::new(self.reg.base as *mut T)
            .expect("console_pick refuses a UART at address 0");
        // SAFETY: the caller's promise: a register block only springboard drives, mapped as
        // device memory (or the MMU is off), valid for as long as springboard runs.
        unsafe { UniqueMmioPointer::new(ptr) }
    }
}
