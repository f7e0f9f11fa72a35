//! The QEMU machine of `cargo xtask bench` (`demo` takes its board from
//! `springboard_host::boards`): springboard_host's `virt` with EL2, 1 GiB, one CPU, no NIC,
//! the console on stdio and an exit instead of a reboot, with a non-VHE `cortex-a57`.

use springboard_host::Machine;

/// The CPU: a non-VHE core, so the kernels run their EL2 code through springboard's stub.
pub const CPU: &str = "cortex-a57";

/// The machine, before what it loads.
pub fn virt() -> Machine {
    Machine::virt(CPU)
}
