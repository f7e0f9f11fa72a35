//! Inputs the `cmdline` fuzz target (fuzz/fuzz_targets/cmdline.rs) found, kept as regression
//! tests. The judge is Linux's `next_arg` (`lib/cmdline.c`): parameters are separated by
//! `isspace` characters (space, \t, \n, \v, \f, \r) outside double quotes.

use image_formats::cmdline::{kernel_words, option};

/// Found by the fuzzer (NULs replaced by letters): a vertical tab separates two parameters for
/// the kernel, but springboard read one word starting with `springboard.` and dropped both.
const VTAB_AFTER_OPTION: &str = "springboard.ena!spid.oajnrg\u{1}\u{b}rd.x=1\"";

#[test]
fn a_vertical_tab_separates_parameters_as_in_linux() {
    let mut buf = [0u8; 64];
    assert_eq!(kernel_words(VTAB_AFTER_OPTION, &mut buf), Ok("rd.x=1\""));
    let mut buf = [0u8; 64];
    assert_eq!(kernel_words("quiet\u{b}springboard.entry=x", &mut buf), Ok("quiet"));
    assert_eq!(option("quiet\u{b}springboard.entry=x", "entry"), Some("x"));
}

#[test]
fn quoted_spaces_and_options_inside_quotes_reach_the_kernel_unchanged() {
    let mut buf = [0u8; 64];
    let line = "a=\"x  springboard.entry=y\" springboard.entry=z b";
    assert_eq!(kernel_words(line, &mut buf), Ok("a=\"x  springboard.entry=y\" b"));
    assert_eq!(option(line, "entry"), Some("z"));
}
