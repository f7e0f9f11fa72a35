//! Boot counting with a fallback, without firmware: an entry whose kernel panics (`panic=-1`
//! resets the machine; QEMU's reset keeps RAM, so springboard's state page survives) is marked
//! failed, and springboard boots its fallback.

use qemu_tests::{pack_broken_then_good, Assets, Qemu, USERSPACE};

#[test]
fn a_panicking_entry_is_marked_failed_and_its_fallback_boots() {
    let assets = Assets::get();
    let kernel = assets.kernel("6.1-generic").clone();
    let bundle = assets.work_file("fallback.bundle");
    pack_broken_then_good(&assets, None, &bundle);
    let run = Qemu::virt("fallback", "cortex-a57")
        .kernel(&assets.springboard)
        .initrd(&bundle)
        .expect_panic_and_reset()
        .allow_banners(2)
        .expect(
            &[
                "springboard: entry: 0 \"broken\" of 2 (boot 1)",
                "Kernel panic - not syncing",
                "springboard: state: boot 1: entry 0 did not report (reset, panic or hang): failed",
                "springboard: entry: 1 \"good\" of 2 (boot 2)",
                "CPU: All CPU(s) started at EL2",
                &format!("{USERSPACE}{}", kernel.release),
            ],
            &assets.work,
        );
    assert_eq!(run.count("Kernel panic - not syncing"), 1, "only the broken entry panics");
}
