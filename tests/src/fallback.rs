//! The fallback and boot-limit runs: a bundle of two entries of the generic kernel, "broken"
//! (no init, so its kernel panics; `panic=-1` resets the machine and QEMU's reset keeps RAM,
//! so springboard's state page survives) and its fallback "good", booted in `virt` without
//! firmware until the good entry's userspace runs.

use std::path::Path;
use std::time::Duration;

use springboard_host::{Entry, Pack};

use crate::{Assets, Qemu, Run, CMDLINE, MMU_OFF, MMU_ON, USERSPACE};

/// How long each boot of the run may take.
const PER_BOOT: Duration = Duration::from_secs(100);

/// Writes `out`: the two entries, "broken" with `bootlimit` attempts and the fallback "good".
fn pack_broken_then_good(assets: &Assets, bootlimit: Option<u32>, out: &Path) {
    let kernel = &assets.kernel("6.1-generic").path;
    let no_init = format!("{CMDLINE} rdinit=/nonexistent init=/nonexistent");
    let mut broken = Entry::kernel(kernel).name("broken");
    if let Some(attempts) = bootlimit {
        broken = broken.bootlimit(attempts);
    }
    let broken = broken.initrd(&assets.initramfs).cmdline(&no_init).fallback("good");
    let good = Entry::kernel(kernel).name("good").initrd(&assets.initramfs).cmdline(CMDLINE);
    assets.pack(Pack::new().entry(broken).entry(good), out);
}

/// Packs `<name>.bundle` with `bootlimit` for the broken entry and boots it. Expects, for each
/// of `verdicts`, one boot of the broken entry, its panic and springboard's state line
/// `boot <n>: entry 0 did not report (reset, panic or hang): <verdict>`; then the good entry
/// at EL2 up to userspace, and exactly `verdicts.len()` panics in all.
pub fn boot_broken_then_good(name: &str, bootlimit: Option<u32>, verdicts: &[&str]) -> Run {
    let assets = Assets::get();
    let release = &assets.kernel("6.1-generic").release;
    let bundle = assets.work_file(&format!("{name}.bundle"));
    pack_broken_then_good(&assets, bootlimit, &bundle);
    let mut milestones = Vec::new();
    for (boot, verdict) in (1..).zip(verdicts) {
        milestones.push(format!("springboard: entry: 0 \"broken\" of 2 (boot {boot})"));
        milestones.push("Kernel panic - not syncing".to_string());
        milestones.push(format!(
            "springboard: state: boot {boot}: entry 0 did not report (reset, panic or hang): \
             {verdict}"
        ));
    }
    let boots = verdicts.len() + 1;
    milestones.push(format!("springboard: entry: 1 \"good\" of 2 (boot {boots})"));
    milestones.push(MMU_OFF.to_string());
    milestones.push("CPU: All CPU(s) started at EL2".to_string());
    milestones.push(format!("{USERSPACE}{release}"));
    let milestones: Vec<&str> = milestones.iter().map(String::as_str).collect();
    let run = Qemu::virt(name, "cortex-a57")
        .kernel(&assets.springboard)
        .initrd(&bundle)
        .expect_panic_and_reset()
        .allow_banners(boots)
        .timeout(PER_BOOT * boots as u32)
        .expect(&milestones, &assets.work);
    let panics = run.count("Kernel panic - not syncing");
    assert_eq!(panics, verdicts.len(), "the broken entry panics once a boot, the good one never");
    // Every start turns the MMU on once, and off once at its hand-off.
    assert_eq!((run.count(MMU_ON), run.count(MMU_OFF)), (boots, boots), "mmu lines per start");
    run
}
