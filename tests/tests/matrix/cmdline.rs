//! Hostile command lines (`-append`, which QEMU writes to `/chosen/bootargs`): springboard's
//! own options with values it does not know, an entry that does not exist, a kernel command
//! line longer than the kernel accepts, and quoted arguments that must reach the kernel as its
//! parser reads them. The bundles here carry no command line, so the kernel gets `bootargs`
//! minus springboard's words.

use crate::common::{boots, line_says, refuses, tiny_bundle_file, two_entry_bundle, virt};

/// The kernel's `COMMAND_LINE_SIZE` on arm64 (Linux 6.1 `arch/arm64/include/uapi/asm/setup.h`).
const COMMAND_LINE_SIZE: usize = 2048;
/// What the test initramfs prints before `/proc/cmdline` (the guest protocol's).
const CMDLINE_MARKER: &str = qemu_tests::protocol::CMDLINE;

/// springboard with the tiny bundle and `append`, refused with `code` saying `words`.
fn refuses_append(name: &str, append: &str, code: &str, words: &[&str]) {
    let qemu = virt(name).initrd(tiny_bundle_file()).arg(["-append", append]);
    let run = refuses(qemu, code);
    line_says(&run, &format!("springboard: error: {code}:"), words);
}

#[test]
fn unknown_handoff_level_is_refused() {
    let append = "console=ttyAMA0 springboard.handoff=el3";
    refuses_append("cmdline-handoff-el3", append, "option", &["springboard.handoff=el3"]);
}

#[test]
fn unknown_result_report_is_refused() {
    let append = "console=ttyAMA0 springboard.result=maybe";
    refuses_append("cmdline-result-maybe", append, "option", &["springboard.result=maybe"]);
}

#[test]
fn entry_that_the_bundle_does_not_have_is_refused() {
    let append = "console=ttyAMA0 springboard.entry=nosuch";
    refuses_append("cmdline-no-entry", append, "no-entry", &["springboard.entry=nosuch"]);
}

#[test]
fn kernel_command_line_longer_than_the_kernel_accepts_is_refused() {
    let pad = "x".repeat(COMMAND_LINE_SIZE + 64);
    let append = format!("console=ttyAMA0 sbtest.pad={pad}");
    // The kernel's buffer holds 2047 characters and the NUL.
    let needs = format!("needs {} bytes, at most {}", append.len(), COMMAND_LINE_SIZE - 1);
    refuses_append("cmdline-too-long", &append, "cmdline", &[&needs]);
}

/// Boots the two-entry bundle with `append` and returns what the kernel's `/proc/cmdline`
/// held.
fn kernel_cmdline(name: &str, append: &str) -> String {
    let qemu = virt(name).initrd(two_entry_bundle()).arg(["-append", append]);
    let run = boots(qemu, &["springboard: entry: 0 \"first\""]);
    let line = run.assert_has(CMDLINE_MARKER);
    qemu_tests::protocol::after(line, CMDLINE_MARKER).expect("marker").to_string()
}

#[test]
fn quoted_argument_with_two_spaces_reaches_the_kernel_intact() {
    // Linux's `next_arg` keeps everything between the quotes, spaces included.
    let quoted = "sbtest.quoted=\"one  two   three\"";
    let seen =
        kernel_cmdline("cmdline-quoted-spaces", &format!("console=ttyAMA0 panic=-1 {quoted}"));
    assert!(seen.contains(quoted), "the kernel saw `{seen}`, not `{quoted}`");
}

#[test]
fn springboard_word_inside_quotes_belongs_to_the_kernel() {
    // Inside quotes, `springboard.entry=nosuch` is part of the kernel's argument: springboard
    // must neither take it as its option (there is no entry `nosuch`) nor cut it out.
    let quoted = "sbtest.quoted=\"keep springboard.entry=nosuch here\"";
    let append = format!("console=ttyAMA0 panic=-1 {quoted} springboard.entry=first");
    let seen = kernel_cmdline("cmdline-quoted-option", &append);
    assert!(seen.contains(quoted), "the kernel saw `{seen}`, not `{quoted}`");
    assert!(
        !seen.contains("springboard.entry=first"),
        "springboard's own word reached the kernel: `{seen}`"
    );
}
