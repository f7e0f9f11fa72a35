//! A wake-up interrupt for the suspend checks: the EL1 virtual timer, fired at once and enabled
//! at QEMU `virt`'s GIC, so that the CPU has an IRQ pending (`ISR_EL1.I`) while `DAIF.I` keeps
//! it from being taken. A PSCI implementation then either does not suspend at all (TF-A
//! abandons a power-down when `ISR_EL1` is non-zero) or wakes at once (QEMU's `WFI`).

use core::arch::asm;

/// QEMU 7.2 `hw/arm/virt.c`, `base_memmap`: `VIRT_GIC_DIST`, `VIRT_GIC_CPU` (GICv2 CPU
/// interface), `VIRT_GIC_REDIST` (GICv3 redistributors, CPU 0's first).
const GICD: usize = 0x0800_0000;
const GICC: usize = 0x0801_0000;
const GICR: usize = 0x080a_0000;
/// The EL1 virtual timer's PPI (QEMU `virt` `ARCH_TIMER_VIRT_IRQ` = PPI 11), as an INTID.
const VTIMER: u32 = 16 + 11;
/// A priority every priority mask below lets through (after the GICv2 non-secure shift too).
const PRIORITY: u32 = 0xa0;

/// Distributor (GICv2) / SGI-frame (GICv3) register offsets (GIC architecture spec 12.9, 12.11).
const CTLR: usize = 0x000;
const IGROUPR0: usize = 0x080;
const ISENABLER0: usize = 0x100;
const ICENABLER0: usize = 0x180;
const IPRIORITYR: usize = 0x400;
/// GICv2 CPU interface: `GICC_CTLR` (enable both groups), `GICC_PMR`.
const GICC_PMR: usize = 0x004;
/// GICv3: `GICR_WAKER` in the RD frame (ProcessorSleep is bit 1), the SGI frame 64 KiB on.
const GICR_WAKER: usize = 0x014;
const GICR_SGI: usize = 0x1_0000;

/// `ISR_EL1`'s I and F bits (Arm ARM D23.2.83).
const ISR_I_F: u64 = 0b11 << 6;
/// `CNTV_CTL_EL0`: ENABLE (bit 0), ISTATUS (bit 2).
const CNTV_ENABLE: u64 = 1;

fn read(address: usize) -> u32 {
    // SAFETY: `address` is a 4-byte aligned GIC register on QEMU `virt` (the constants above);
    // the payload is the only software at EL1 and runs on one CPU.
    unsafe { core::ptr::read_volatile(address as *const u32) }
}

fn write(address: usize, value: u32) {
    // SAFETY: as in `read`, for a write to a register the GIC architecture lets non-secure EL1
    // write.
    unsafe { core::ptr::write_volatile(address as *mut u32, value) }
}

/// Sets INTID [`VTIMER`]'s priority byte in a 32-bit `IPRIORITYR` word.
fn set_priority(block: usize) {
    let word = block + IPRIORITYR + (VTIMER as usize & !3);
    let shift = (VTIMER % 4) * 8;
    write(word, read(word) & !(0xff << shift) | PRIORITY << shift);
}

/// Whether the GICv3 system-register CPU interface is in use (`ID_AA64PFR0_EL1.GIC`).
fn gicv3() -> bool {
    (crate::calls::id_aa64pfr0() >> 24) & 0xf != 0
}

/// What [`arm`] found after firing the timer.
pub struct Armed {
    /// `ISR_EL1` (I and F bits) once the timer fired.
    pub isr: u64,
    /// `CNTV_CTL_EL0` (ISTATUS, bit 2, says the timer condition is met).
    pub cntv_ctl: u64,
}

impl Armed {
    /// Whether an interrupt is pending at the CPU.
    pub fn pending(&self) -> bool {
        self.isr & ISR_I_F != 0
    }
}

/// Fires the EL1 virtual timer (compare value 0: already past) and enables its PPI at the GIC
/// as a non-secure group 1 interrupt; returns what the CPU then sees.
pub fn arm() -> Armed {
    if gicv3() {
        write(GICD + CTLR, read(GICD + CTLR) | 0b11 | 1 << 4); // EnableGrp0/1, ARE
        write(GICR + GICR_WAKER, read(GICR + GICR_WAKER) & !0b10);
        let sgi = GICR + GICR_SGI;
        write(sgi + IGROUPR0, read(sgi + IGROUPR0) | 1 << VTIMER);
        set_priority(sgi);
        write(sgi + ISENABLER0, 1 << VTIMER);
        // SAFETY: ICC_SRE_EL1.SRE (the stub set ICC_SRE_EL2.Enable), ICC_PMR_EL1 and
        // ICC_IGRPEN1_EL1 only change which interrupts reach this CPU; DAIF stays masked.
        unsafe {
            asm!(
                "mrs {t}, s3_0_c12_c12_5", "orr {t}, {t}, #1", "msr s3_0_c12_c12_5, {t}", "isb",
                "mov {t}, #0xff", "msr s3_0_c4_c6_0, {t}",
                "mov {t}, #1", "msr s3_0_c12_c12_7, {t}", "isb",
                t = out(reg) _, options(nostack),
            );
        }
    } else {
        // GICv2: with the security extensions (TF-A) the non-secure views enable group 1 in
        // bit 0; without them bits 0 and 1 enable groups 0 and 1. Either way, set both.
        write(GICD + CTLR, read(GICD + CTLR) | 0b11);
        set_priority(GICD);
        write(GICD + ISENABLER0, 1 << VTIMER);
        write(GICC + GICC_PMR, 0xff);
        write(GICC + CTLR, read(GICC + CTLR) | 0b11);
    }
    // SAFETY: the EL1 virtual timer is the payload's own (CNTHCTL_EL2 and CNTVOFF_EL2 set by
    // the stub); its interrupt stays masked by DAIF.I.
    unsafe {
        asm!("msr cntv_cval_el0, xzr", "msr cntv_ctl_el0, {on}", "isb",
             on = in(reg) CNTV_ENABLE, options(nostack));
    }
    let (mut isr, mut cntv_ctl) = (0, 0);
    for _ in 0..1000 {
        // SAFETY: reading ISR_EL1 and CNTV_CTL_EL0 has no side effects.
        unsafe {
            asm!("mrs {}, isr_el1", "mrs {}, cntv_ctl_el0", out(reg) isr, out(reg) cntv_ctl,
                 options(nomem, nostack));
        }
        if isr & ISR_I_F != 0 {
            break;
        }
    }
    Armed { isr, cntv_ctl }
}

/// Stops the timer and disables its PPI again.
pub fn disarm() {
    // SAFETY: as in `arm`.
    unsafe { asm!("msr cntv_ctl_el0, xzr", "isb", options(nostack)) };
    if gicv3() {
        write(GICR + GICR_SGI + ICENABLER0, 1 << VTIMER);
    } else {
        write(GICD + ICENABLER0, 1 << VTIMER);
    }
}
