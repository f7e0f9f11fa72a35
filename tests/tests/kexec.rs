//! A running Linux kexecs back into springboard: kernel A (6.1 generic) boots through
//! springboard at EL2; its initramfs runs `kexec -l springboard.bin --initrd next.bundle` and
//! `kexec -e`; springboard starts a second time, resets EL2 and boots kernel B (6.1 cloud),
//! which again starts at EL2 with KVM. Once from a non-VHE kernel (Linux's stub issues
//! `HVC_SOFT_RESTART`) and once from a VHE kernel (which branches at EL2 with E2H/TGE set).

use qemu_tests::guest::{kexec_initramfs, pack_entries, EntryFiles};
use qemu_tests::protocol::{KEXEC_FAILED, KEXEC_SWITCH};
use qemu_tests::{pack, protocol, Assets, Qemu, BANNER, CMDLINE, MMU_OFF, MMU_ON, USERSPACE};
use std::time::Duration;

/// The guest's `/init` prints this line (then ` --initrd …`) just before `kexec -e`.
fn kexec_line() -> String {
    format!("{} /{}", protocol::KEXEC, protocol::GUEST_SPRINGBOARD)
}
const EL2: &str = "CPU: All CPU(s) started at EL2";

/// Boots A under `cpu`, kexecs springboard with B's bundle, and checks both boots.
fn kexec_back_into_springboard(name: &str, cpu: &str, kvm: &str) {
    let assets = Assets::get();
    let (a, b) = (assets.kernel("6.1-generic").clone(), assets.kernel("6.1-cloud").clone());
    let next = assets.work_file(&format!("{name}-next.bundle"));
    pack(&assets, &b.path, CMDLINE, &next);
    let guest = assets.work_file(&format!("{name}-guest.cpio"));
    kexec_initramfs(&assets, &next, &guest);
    let first = assets.work_file(&format!("{name}.bundle"));
    let cmdline = format!("{CMDLINE} {KEXEC_SWITCH}");
    let entry = EntryFiles { name: "kexec", kernel: &a.path, initrd: &guest, cmdline: &cmdline };
    pack_entries(&assets, &[entry], &first);

    let (user_a, user_b) =
        (format!("{USERSPACE}{}", a.release), format!("{USERSPACE}{}", b.release));
    let run = Qemu::virt(name, cpu)
        .kernel(&assets.springboard)
        .initrd(&first)
        .allow_banners(2)
        .forbid(&[KEXEC_FAILED, "KASLR disabled"])
        .timeout(Duration::from_secs(240))
        .expect(
            &[
                BANNER,
                MMU_ON,
                MMU_OFF,
                "springboard: handoff: HVC_SOFT_RESTART to",
                EL2,
                kvm,
                &user_a,
                &kexec_line(),
                BANNER,
                MMU_ON,
                MMU_OFF,
                "springboard: handoff: HVC_SOFT_RESTART to",
                &format!("Linux version {}", b.release),
                EL2,
                // springboard wrote fresh seeds into the DTB that kexec passed on.
                "KASLR enabled",
                kvm,
                &user_b,
            ],
            &assets.work,
        );
    assert_eq!(run.count(BANNER), 2, "springboard must start once from QEMU, once from kexec");
    let banners: Vec<&String> = run.lines.iter().filter(|l| l.contains(BANNER)).collect();
    assert!(banners[1].contains("entered at EL2"), "kexec entered springboard: {}", banners[1]);
    assert_eq!(run.count(kvm), 2, "KVM must work in both kernels");
    let last_cmdline =
        run.lines.iter().rev().find(|l| l.starts_with(&format!("{} ", protocol::CMDLINE)));
    let last_cmdline = last_cmdline.expect("B printed its command line");
    assert!(!last_cmdline.contains(KEXEC_SWITCH), "B booted A's command line: {last_cmdline}");
}

#[test]
fn non_vhe_kernel_kexecs_springboard_which_boots_the_next_kernel_at_el2() {
    kexec_back_into_springboard(
        "kexec-nvhe",
        "cortex-a57",
        "kvm [1]: Hyp mode initialized successfully",
    );
}

#[test]
fn vhe_kernel_kexecs_springboard_which_boots_the_next_kernel_at_el2() {
    kexec_back_into_springboard(
        "kexec-vhe",
        "max,pauth-impdef=on",
        "kvm [1]: VHE mode initialized successfully",
    );
}

#[test]
fn el1_kernel_kexecs_springboard_which_climbs_back_to_el2_for_the_next_kernel() {
    let assets = Assets::get();
    let (a, b) = (assets.kernel("6.1-generic").clone(), assets.kernel("6.1-cloud").clone());
    let next = assets.work_file("kexec-el1-next.bundle");
    pack(&assets, &b.path, CMDLINE, &next);
    let guest = assets.work_file("kexec-el1-guest.cpio");
    kexec_initramfs(&assets, &next, &guest);
    let first = assets.work_file("kexec-el1.bundle");
    let cmdline = format!("{CMDLINE} {KEXEC_SWITCH}");
    let entry = EntryFiles { name: "kexec", kernel: &a.path, initrd: &guest, cmdline: &cmdline };
    pack_entries(&assets, &[entry], &first);

    let (user_a, user_b) =
        (format!("{USERSPACE}{}", a.release), format!("{USERSPACE}{}", b.release));
    // Banners: QEMU starts springboard at EL2; kernel A (at EL1) kexecs it at EL1; it finds its
    // stub at EL2 and re-enters itself there.
    let run = Qemu::virt("kexec-el1", "cortex-a57")
        .smp(2)
        .kernel(&assets.springboard)
        .initrd(&first)
        .arg(["-append", "springboard.handoff=el1"])
        .allow_banners(3)
        .forbid(&[KEXEC_FAILED, "CPUs are stuck in the kernel"])
        .timeout(Duration::from_secs(240))
        .expect(
            &[
                MMU_ON,
                MMU_OFF,
                "springboard: handoff: HVC_SOFT_RESTART to the stub's EL1 launch",
                "CPU: All CPU(s) started at EL1",
                &user_a,
                &kexec_line(),
                "springboard: springboard 0.1.0 entered at EL1",
                concat!(
                    "springboard: stub: a springboard stub is resident at EL2: ",
                    "re-entering springboard at EL2"
                ),
                "springboard: springboard 0.1.0 entered at EL2",
                MMU_ON,
                MMU_OFF,
                "springboard: handoff: HVC_SOFT_RESTART to",
                &format!("Linux version {}", b.release),
                EL2,
                "kvm [1]: Hyp mode initialized successfully",
                &user_b,
            ],
            &assets.work,
        );
    assert_eq!(run.count(BANNER), 3, "EL2 start, EL1 kexec entry, EL2 re-entry");
    // The EL1 entry climbs to EL2 before its MMU goes on: it restarts springboard with the
    // caches off, as it was first started.
    assert_eq!(run.count(MMU_ON), 2, "the MMU goes on at the two EL2 starts only");
}
