//! `springboard swap`: several kernels in one QEMU run, each tested by the guest agent, each
//! kexec'ing the bare springboard image (no initrd) back into the next entry of the bundle
//! springboard kept resident. The results are read back from `--json` and `--junit`.

use qemu_tests::Assets;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A kernel command line whose init does not exist: the kernel panics (`panic=-1` resets).
const NO_INIT: &str = "rdinit=/nonexistent init=/nonexistent";
/// A kernel command line that hangs: a shell on a console nobody types into.
const HANG: &str = "rdinit=/bin/sh";
/// Makes the test script below fail with exit status 7.
const SCRIPT_FAILS: &str = "swaptest.fail=1";

/// What one `springboard swap` run left.
struct Swap {
    ok: bool,
    stdout: String,
    console: String,
    rows: Vec<Value>,
    junit: String,
}

impl Swap {
    /// Panics with everything the run printed.
    fn fail(&self, why: &str) -> ! {
        panic!("{why}\n--- springboard swap stdout ---\n{}", self.stdout);
    }

    /// Row `i`'s `field` as text.
    fn field(&self, i: usize, field: &str) -> String {
        match &self.rows[i][field] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }

    /// Asserts each row's result and release, and that every row that passed started at EL2.
    fn assert_rows(&self, expected: &[(&str, &str)]) {
        self.assert_rows_at(expected, "2");
    }

    /// Asserts each row's result and release, and that every row that passed started at `el`.
    fn assert_rows_at(&self, expected: &[(&str, &str)], el: &str) {
        if self.rows.len() != expected.len() {
            self.fail(&format!("{} rows, expected {}", self.rows.len(), expected.len()));
        }
        for (i, (result, release)) in expected.iter().enumerate() {
            if self.field(i, "result") != *result || self.field(i, "release") != *release {
                self.fail(&format!("row {i}: {}, expected {result} {release}", self.rows[i]));
            }
            if *result == "pass" && self.field(i, "el") != el {
                self.fail(&format!("row {i} did not start at EL{el}: {}", self.rows[i]));
            }
        }
    }
}

/// A test script that passes only under the kernels the manifest lists, and fails with exit
/// status 7 when the kernel command line says `swaptest.fail=1`.
fn script(assets: &Assets, name: &str) -> PathBuf {
    let releases: Vec<&str> = assets.kernels.iter().map(|k| k.release.as_str()).collect();
    let text = format!(
        "grep -q {SCRIPT_FAILS} /proc/cmdline && exit 7\n\
         case \"$(uname -r)\" in\n{}) echo \"test: uname -r is $(uname -r)\"; exit 0 ;;\nesac\n\
         echo \"test: unexpected release $(uname -r)\"\nexit 1\n",
        releases.join("|")
    );
    let path = assets.work_file(&format!("{name}-test.sh"));
    std::fs::write(&path, text).expect("writing the test script");
    path
}

/// Runs `springboard swap` with `kernels` (each with extra command-line words) and `extra`
/// options, and reads back its JSON and JUnit files.
fn swap(name: &str, kernels: &[(&Path, &str)], extra: &[&str]) -> Swap {
    let assets = Assets::get();
    let dir = std::env::var_os("SPRINGBOARD_ASSETS").expect("SPRINGBOARD_ASSETS is set");
    let (json, junit) =
        (assets.work_file(&format!("{name}.json")), assets.work_file(&format!("{name}.xml")));
    let console = assets.work_file(&format!("{name}.console.txt"));
    let mut cmd = Command::new(&assets.cli);
    cmd.arg("swap").arg("--assets").arg(&dir).arg("--firmware").arg(&assets.springboard);
    cmd.arg("--test").arg(script(&assets, name));
    cmd.arg("--json").arg(&json).arg("--junit").arg(&junit).arg("--console").arg(&console);
    cmd.arg("--work").arg(assets.work_file(&format!("{name}-work")));
    for (kernel, cmdline) in kernels {
        cmd.arg("--kernel").arg(kernel);
        if !cmdline.is_empty() {
            cmd.arg("--cmdline").arg(cmdline);
        }
    }
    let output = cmd.args(extra).output().expect("running springboard swap");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    let read = |p: &Path| {
        std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}\n{stdout}", p.display()))
    };
    let rows = match serde_json::from_str(&read(&json)) {
        Ok(Value::Array(rows)) => rows,
        other => panic!("{}: not a JSON array: {other:?}", json.display()),
    };
    Swap { ok: output.status.success(), console: read(&console), junit: read(&junit), rows, stdout }
}

/// The two 6.1 kernels pass with the `machine` options (`--cpu`, `--smp`, `--machine`), each
/// kexec'ing springboard bare.
fn two_kernels_pass(name: &str, machine: &[&str], kvm: &str) -> Swap {
    let assets = Assets::get();
    let (a, b) = (assets.kernel("6.1-generic"), assets.kernel("6.1-cloud"));
    let run = swap(name, &[(&a.path, ""), (&b.path, "")], machine);
    if !run.ok {
        run.fail("springboard swap failed");
    }
    run.assert_rows(&[("pass", &a.release), ("pass", &b.release)]);
    let kept = run.console.matches("kept resident by an earlier run").count();
    assert_eq!(kept, 2, "both kexecs of the bare image found the resident bundle");
    assert_eq!(run.console.matches(kvm).count(), 2, "KVM in both kernels");
    assert_eq!(run.console.matches("springboard.sequence").count(), 0, "not passed on");
    assert!(run.console.contains("springboard: sequence: finished, 0 of 2 entries did not pass"));
    assert!(!run.console.contains("failed to reserve memory"), "the kept bundle is reserved");
    for table_row in [&a.release, &b.release] {
        let line =
            run.stdout.lines().find(|l| l.contains(table_row.as_str()) && l.contains(" pass "));
        assert!(
            line.is_some_and(|l| l.contains("EL2")),
            "table row for {table_row}:\n{}",
            run.stdout
        );
    }
    run
}

#[test]
fn swap_runs_two_kernels_non_vhe_and_both_pass_at_el2() {
    let machine = ["--cpu", "cortex-a57", "--smp", "1"];
    let run = two_kernels_pass("swap-nvhe", &machine, "kvm [1]: Hyp mode initialized");
    let doc = roxmltree::Document::parse(&run.junit).expect("well-formed JUnit XML");
    let cases: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testcase")).collect();
    assert_eq!(cases.len(), 2);
    assert!(doc.descendants().all(|n| !n.has_tag_name("failure")), "{}", run.junit);
}

#[test]
fn swap_runs_two_kernels_vhe_and_both_pass_at_el2() {
    let machine = ["--cpu", "max,pauth-impdef=on", "--smp", "1"];
    two_kernels_pass("swap-vhe", &machine, "kvm [1]: VHE mode initialized");
}

#[test]
fn swap_with_two_cpus_kexecs_without_stuck_cpus() {
    let machine = ["--cpu", "cortex-a57", "--smp", "2"];
    let run = two_kernels_pass("swap-smp2", &machine, "kvm [1]: Hyp mode initialized");
    assert_eq!(run.console.matches("SMP: Total of 2 processors activated").count(), 2);
    assert!(!run.console.contains("CPUs are stuck in the kernel"), "{}", run.stdout);
}

#[test]
fn swap_on_versal_kexecs_with_both_a72s_through_qemus_psci() {
    // xlnx-versal-virt: QEMU's DTB, the PL011 at 0xff000000, DRAM at 0, PSCI over smc; Linux
    // runs on the two A72s and takes the second offline through PSCI CPU_OFF before each kexec.
    let run =
        two_kernels_pass("swap-versal", &["--machine", "versal"], "kvm [1]: Hyp mode initialized");
    assert!(run.stdout.contains("2 kernels on versal"), "{}", run.stdout);
    assert!(run.stdout.contains("-M xlnx-versal-virt -m 2G -smp 4 "), "{}", run.stdout);
    let console = "springboard: console: PL011 at 0xff000000";
    assert_eq!(run.console.matches(console).count(), 3, "QEMU's start and two kexecs");
    assert_eq!(run.console.matches("springboard: memory: 0x0..0x80000000").count(), 3);
    assert_eq!(run.console.matches("smp: Brought up 1 node, 2 CPUs").count(), 2);
    assert_eq!(run.console.matches("psci: CPU1 killed").count(), 2, "offlined for kexec");
    assert!(!run.console.contains("CPUs are stuck in the kernel"), "{}", run.stdout);
}

#[test]
fn swap_with_handoff_el1_enters_both_kernels_at_el1_and_kexecs_through_the_stubs_psci() {
    // `--handoff el1` puts springboard.handoff=el1 on each entry's command line; springboard
    // takes it off the kernel's and enters it at EL1, its stub relaying PSCI at EL2. Each bare
    // springboard kexec'd from EL1 climbs back to EL2 through the stub.
    let assets = Assets::get();
    let (a, b) = (assets.kernel("6.1-generic"), assets.kernel("6.1-cloud"));
    let run =
        swap("swap-el1", &[(&a.path, ""), (&b.path, "")], &["--handoff", "el1", "--smp", "2"]);
    if !run.ok {
        run.fail("springboard swap --handoff el1 failed");
    }
    run.assert_rows_at(&[("pass", &a.release), ("pass", &b.release)], "1");
    assert_eq!(run.console.matches("CPU: All CPU(s) started at EL1").count(), 2);
    assert_eq!(run.console.matches("at EL1, x0 = dtb").count(), 2, "both handed off at EL1");
    assert_eq!(run.console.matches("psci: CPU1 killed").count(), 2, "offlined for kexec");
    assert_eq!(run.console.matches("re-entering springboard at EL2").count(), 2);
    let cmdline = "SPRINGBOARD-CMDLINE console=ttyAMA0 panic=-1 sbtest.swap=1 sbtest.test-timeout";
    assert_eq!(run.console.matches(cmdline).count(), 2, "springboard.handoff=el1 taken off");
    assert!(run.console.contains("springboard: sequence: finished, 0 of 2 entries did not pass"));
}

#[test]
fn swap_on_raspi3b_with_handoff_el1_kexecs_with_four_cpus_through_the_stubs_psci() {
    // raspi3b has no PSCI firmware and its secondaries wait on a spin table, where a kernel at
    // EL2 refuses to kexec. With `--handoff el1` springboard's stub serves PSCI: each kernel
    // brings up all four CPUs with CPU_ON, parks the three secondaries with CPU_OFF before
    // its kexec, and the next springboard finds them parked. Debian's cloud kernel lacks the
    // board's drivers, so both entries are the generic kernel.
    let assets = Assets::get();
    let a = assets.kernel("6.1-generic");
    let machine = ["--machine", "raspi3b", "--handoff", "el1", "--timeout", "150"];
    let run = swap("swap-raspi3b-el1", &[(&a.path, ""), (&a.path, "")], &machine);
    if !run.ok {
        run.fail("springboard swap --machine raspi3b --handoff el1 failed");
    }
    run.assert_rows_at(&[("pass", &a.release), ("pass", &a.release)], "1");
    assert!(run.stdout.contains("-M raspi3b -accel tcg,thread=single -m 1G -smp 4 "));
    let console = "springboard: console: BCM2835 mini UART at 0x3f215040";
    assert_eq!(run.console.matches(console).count(), 5, "QEMU's start, two kexecs, two climbs");
    assert_eq!(run.console.matches("smp: Brought up 1 node, 4 CPUs").count(), 2);
    assert_eq!(run.console.matches("CPU: All CPU(s) started at EL1").count(), 2);
    assert_eq!(run.console.matches("psci: CPU3 killed").count(), 2, "offlined for kexec");
    let stub = "springboard: stub: PSCI 1.0 served by the stub: 4 CPUs";
    assert_eq!(run.console.matches(stub).count(), 2, "one per kernel");
    assert_eq!(run.console.matches("3 parked by an earlier stub").count(), 1, "the second");
    let cmdline = "SPRINGBOARD-CMDLINE console=ttyS1,115200 panic=-1 sbtest.swap=1";
    assert_eq!(run.console.matches(cmdline).count(), 2, "the board's console=");
    assert!(!run.console.contains("CPUs are stuck in the kernel"), "{}", run.stdout);
}

#[test]
fn swap_reports_a_panicking_middle_kernel_failed_and_goes_on() {
    let assets = Assets::get();
    let (a, c) = (assets.kernel("6.1-generic"), assets.kernel("6.1-cloud"));
    let run = swap("swap-panic", &[(&a.path, ""), (&a.path, NO_INIT), (&c.path, "")], &[]);
    assert!(!run.ok, "a failed row makes the exit status non-zero");
    run.assert_rows(&[("pass", &a.release), ("fail", &a.release), ("pass", &c.release)]);
    let reason = run.field(1, "reason");
    assert!(reason.starts_with("kernel panic"), "row 1 reason: {reason}");
    assert!(run.console.contains("springboard: state: boot 2: entry 1 did not report"));
    let doc = roxmltree::Document::parse(&run.junit).expect("well-formed JUnit XML");
    let suite = doc.descendants().find(|n| n.has_tag_name("testsuite")).expect("a testsuite");
    assert_eq!((suite.attribute("tests"), suite.attribute("failures")), (Some("3"), Some("1")));
    let cases: Vec<_> = suite.children().filter(|n| n.has_tag_name("testcase")).collect();
    let failed: Vec<bool> =
        cases.iter().map(|c| c.children().any(|n| n.has_tag_name("failure"))).collect();
    assert_eq!(failed, [false, true, false]);
    let failure = cases[1].children().find(|n| n.has_tag_name("failure")).unwrap();
    assert_eq!(failure.attribute("type"), Some("panic"));
    assert!(failure.text().is_some_and(|t| t.contains("Kernel panic")), "console tail kept");
}

#[test]
fn swap_resets_a_hung_kernel_and_reports_a_failing_test() {
    let assets = Assets::get();
    let (a, c) = (assets.kernel("6.1-generic"), assets.kernel("6.1-cloud"));
    let kernels: [(&Path, &str); 3] = [(&c.path, HANG), (&c.path, SCRIPT_FAILS), (&a.path, "")];
    let run = swap("swap-hang", &kernels, &["--timeout", "12"]);
    assert!(!run.ok, "failed rows make the exit status non-zero");
    run.assert_rows(&[("fail", &c.release), ("fail", &c.release), ("pass", &a.release)]);
    assert_eq!(run.field(0, "reason"), "timed out after 12 s: machine reset");
    assert_eq!(run.field(1, "reason"), "test failed (exit status 7)");
    assert!(run.stdout.contains("timed out after 12 s"), "progress line:\n{}", run.stdout);
}
