//! The hand-off: write the kernel's DTB, install the resident stub, clean everything the
//! kernel and the stub read to the point of coherency ([`crate::poc`]), turn the MMU and
//! caches off and enter the kernel at EL2 through the stub's `HVC_SOFT_RESTART`
//! ([`arch::soft_restart`]).

use crate::arch;
use crate::console::Size;
use crate::error::{BootError, StubProblem};
use crate::poc::NextStage;
use crate::{mem, say, stack, stub_psci};
use image_formats::boot::{self, Conduit, Enter, EntryPlan};
use image_formats::bundle::Payload;
use image_formats::cmdline::{self, COMMAND_LINE_SIZE};
use image_formats::fdt::{self, Edits, Fdt, NewNode, Reservation};
use image_formats::seeds::Seeds;
use image_formats::MemRange;
use stub::abi;

/// The kernel's command line, NUL-terminated as a DTB string property.
pub struct Cmdline {
    buf: [u8; COMMAND_LINE_SIZE],
    len: usize,
}

impl Cmdline {
    /// The bundle entry's own command line without springboard's words.
    pub fn from_payload(payload: Payload<'static>) -> Result<Self, BootError> {
        Self::from_bootargs(entry_text(payload))
    }

    /// The incoming `/chosen/bootargs` without springboard's own words.
    pub fn from_bootargs(bootargs: &str) -> Result<Self, BootError> {
        let mut buf = [0u8; COMMAND_LINE_SIZE];
        let len = cmdline::kernel_words(bootargs, &mut buf[..COMMAND_LINE_SIZE - 1])
            .map_err(BootError::Cmdline)?
            .len();
        Ok(Self { buf, len })
    }

    /// The text, without the NUL.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }

    /// The property value: the text and its NUL.
    pub fn property(&self) -> &[u8] {
        &self.buf[..=self.len]
    }
}

/// The text of an entry's command-line payload, trailing NULs and newlines dropped.
pub fn entry_text(payload: Payload<'static>) -> &'static str {
    let text = core::str::from_utf8(payload.data).unwrap_or("");
    text.trim_end_matches(['\0', '\n', '\r'])
}

/// Everything the hand-off writes into the kernel's DTB.
pub struct Handoff<'a> {
    /// The DTB to patch (the firmware's, or the entry's own).
    pub dtb: Fdt<'a>,
    /// The kernel command line.
    pub cmdline: &'a Cmdline,
    /// The initrd handed over (in place inside the bundle, or its copy).
    pub initrd: Option<MemRange>,
    /// The resident stub region, where the stub is installed.
    pub resident: MemRange,
    /// The kernel DTB's `/reserved-memory` children (`boot::View::reservations`).
    pub reserve: &'a [Reservation<'a>],
    /// How the kernel is entered.
    pub enter: Enter,
    /// What the kernel's `/psci/method` becomes, `None` to leave it as the DTB says.
    pub psci: Option<Conduit>,
    /// The stub serves PSCI itself (`boot::View::stub_psci`): the DTB gets [`STUB_PSCI_NODE`]
    /// and `enable-method = "psci"` for every CPU, and the stub the facts it needs.
    pub stub_psci: bool,
    /// Fresh `/chosen/rng-seed` and `kaslr-seed`.
    pub seeds: Seeds,
    /// The firmware DTB's Kexec HandOver ranges (`linux,kho-fdt`, `linux,kho-scratch`), to
    /// write into an entry's own DTB so the kernel revives what the previous one preserved.
    pub carry_kho: Option<[MemRange; 2]>,
}

/// `/chosen` property naming the Kexec HandOver FDT (Linux 6.16 `drivers/of/fdt.c`).
const KHO_FDT: &str = "linux,kho-fdt";
/// `/chosen` property naming the KHO scratch array.
const KHO_SCRATCH: &str = "linux,kho-scratch";

/// The `/psci` node of a stub that serves PSCI itself (Linux 6.1
/// `Documentation/devicetree/bindings/arm/psci.yaml`: PSCI 1.0 needs no function IDs).
const STUB_PSCI_NODE: NewNode =
    ("psci", &[("compatible", b"arm,psci-1.0\0"), ("method", b"hvc\0")]);
/// What every `/cpus/cpu@N` `enable-method` becomes when the stub serves PSCI.
const ENABLE_METHOD_PSCI: (&str, &str, &[u8]) = ("cpus/cpu", "enable-method", b"psci\0");

/// `<address size>` as two 64-bit cells each: the layout of the KHO properties with arm64's
/// `#address-cells = #size-cells = 2` at the root.
fn cell_pair(range: MemRange) -> [u8; 16] {
    let mut out = [0; 16];
    out[..8].copy_from_slice(&fdt::u64_cells(range.base));
    out[8..].copy_from_slice(&fdt::u64_cells(range.size));
    out
}

impl Handoff<'_> {
    fn with_edits<R>(&self, f: impl FnOnce(&Edits) -> R) -> R {
        let kaslr = fdt::u64_cells(self.seeds.kaslr);
        let [start, end] = match self.initrd {
            Some(initrd) => [fdt::u64_cells(initrd.base), fdt::u64_cells(initrd.end())],
            None => [[0; 8]; 2],
        };
        let [kho_fdt, kho_scratch] = self.carry_kho.map_or([[0; 16]; 2], |k| k.map(cell_pair));
        let mut set = [("", &[][..]); 7];
        let mut len = 0;
        let mut push = |name, value| {
            set[len] = (name, value);
            len += 1;
        };
        push("bootargs", self.cmdline.property());
        push("rng-seed", &self.seeds.rng[..]);
        push("kaslr-seed", &kaslr[..]);
        let chosen_remove: &[&str] = match self.initrd {
            Some(_) => {
                push("linux,initrd-start", &start[..]);
                push("linux,initrd-end", &end[..]);
                &[]
            }
            None => &["linux,initrd-start", "linux,initrd-end"],
        };
        if self.carry_kho.is_some() {
            push(KHO_FDT, &kho_fdt[..]);
            push(KHO_SCRATCH, &kho_scratch[..]);
        }
        let chosen_set = &set[..len];
        let reserve = self.reserve;
        let method: &[u8] = match self.psci {
            Some(Conduit::Hvc) => b"hvc\0",
            Some(Conduit::Smc) | None => b"smc\0",
        };
        let replace = [("psci", "method", method), ENABLE_METHOD_PSCI];
        let replace = match (self.psci.is_some(), self.stub_psci) {
            (_, true) => &replace[..],
            (true, false) => &replace[..1],
            (false, false) => &[],
        };
        let add = if self.stub_psci { &[STUB_PSCI_NODE][..] } else { &[] };
        // Reservations an earlier hand-off wrote (a bundle kept then, and maybe not now) go;
        // the current ones are written anew.
        let drop_reserved = &[boot::STUB_NODE, boot::BUNDLE_NODE];
        f(&Edits { chosen_set, chosen_remove, reserve, drop_reserved, replace, add })
    }

    /// An upper bound of the patched DTB's size, for the placement plan.
    pub fn dtb_size_bound(&self) -> usize {
        self.with_edits(|edits| fdt::patched_size_bound(&self.dtb, edits))
    }

    /// Writes the DTB at `plan.dtb`, installs the stub, cleans caches and enters the kernel.
    pub fn go(&self, plan: &EntryPlan) -> Result<core::convert::Infallible, BootError> {
        let (kernel, dtb) = (plan.kernel, plan.dtb);
        if (self.dtb_size_bound() as u64) > dtb.size {
            return Err(BootError::DtbOutgrewPlan { bound: dtb.size });
        }
        // SAFETY: the plan gave `dtb` to the kernel's DTB (`EntryPlan::writes`); it overlaps
        // nothing that must survive and no other slice covers it.
        let out = unsafe { mem::bytes_mut(dtb.base, dtb.size) };
        let written =
            self.with_edits(|edits| fdt::patch(&self.dtb, edits, out)).map_err(BootError::Patch)?;
        say!(
            "fdt: wrote {} at {:#x}: bootargs \"{}\"",
            Size(written as u64),
            dtb.base,
            self.cmdline.as_str()
        );
        match self.initrd {
            Some(initrd) => {
                say!("fdt: initrd {:#x}..{:#x} ({})", initrd.base, initrd.end(), Size(initrd.size))
            }
            None => say!("fdt: no initrd"),
        }
        let used = stack::used().map_err(|size| BootError::StackOverflow { size })?;
        say!("stack: {} of {} used", Size(used as u64), Size(stack::size() as u64));
        if self.enter != Enter::El1Direct {
            let (cpus, watchdog) = match self.stub_psci {
                true => (
                    Some(boot::cpus(&self.dtb).map_err(BootError::Dtb)?),
                    stub_psci::watchdog(&self.dtb).map_err(BootError::Dtb)?,
                ),
                false => (None, 0),
            };
            install_stub(self.resident)?;
            stub_psci::write(self.resident, cpus.as_ref(), stub_psci::mpidr(), watchdog);
        }
        // Last: after this nothing the next stage reads is written.
        let written = MemRange { base: dtb.base, size: written as u64 };
        let next = NextStage { kernel, dtb: written, initrd: self.initrd, resident: self.resident };
        next.clean();
        let entry = kernel.base;
        match self.enter {
            Enter::El1Direct => {
                say!(
                    "handoff: entered at EL1, no EL2 to keep: entering the kernel at EL1 at \
                    {entry:#x}"
                );
                // SAFETY: the kernel was verified and copied per the plan, the DTB written and
                // both cleaned to the point of coherency; `jump` turns the MMU and caches off.
                unsafe { arch::jump(entry, dtb.base) }
            }
            Enter::El1AboveStub => {
                let launch = self.resident.base + stub::el1_launch_offset();
                say!(
                    "handoff: HVC_SOFT_RESTART to the stub's EL1 launch at {launch:#x}: kernel \
                    {entry:#x} at EL1, x0 = dtb {:#x}, PSCI through the stub",
                    dtb.base
                );
                // SAFETY: as above; `stub_el1_launch` prepares EL2 for EL1 and enters the
                // kernel at EL1 with x0 = the DTB.
                unsafe { arch::soft_restart(launch, entry, dtb.base) }
            }
            Enter::El2 => {
                say!("handoff: HVC_SOFT_RESTART to {entry:#x} at EL2, x0 = dtb {:#x}", dtb.base);
                // SAFETY: as above; the stub is installed and serves HVC_SOFT_RESTART.
                unsafe { arch::soft_restart(entry, dtb.base, 0) }
            }
        }
    }
}

/// Copies the stub into the resident region and points `VBAR_EL2` at it (`HVC_SET_VECTORS`,
/// served by the copy still inside springboard's image).
fn install_stub(resident: MemRange) -> Result<(), BootError> {
    let code = stub::code();
    let base = resident.base;
    let room = resident.size.min(abi::STUB_BUDGET as u64);
    if code.len() as u64 > room {
        return Err(BootError::Stub { base, why: StubProblem::TooBig { len: code.len(), room } });
    }
    if base % abi::VECTORS_SIZE as u64 != 0 {
        return Err(BootError::Stub { base, why: StubProblem::Misaligned });
    }
    // SAFETY: the resident region is reserved for the stub: it overlaps nothing that was
    // checked (boot.rs) and the kernel is told it is `no-map`.
    let dest = unsafe { mem::bytes_mut(resident.base, code.len() as u64) };
    dest.copy_from_slice(code);
    arch::sync_icache(resident.base, code.len() as u64);
    let status = arch::hvc(abi::HVC_SET_VECTORS, resident.base);
    if status != 0 {
        return Err(BootError::Stub { base, why: StubProblem::Refused(status) });
    }
    say!(
        "stub: resident at {:#x}, {} of {} bytes, VBAR_EL2 set",
        resident.base,
        code.len(),
        abi::STUB_BUDGET
    );
    Ok(())
}
