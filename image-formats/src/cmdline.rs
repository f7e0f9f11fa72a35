//! springboard's own options on the kernel command line.
//!
//! Words of `/chosen/bootargs` that start with `springboard.` are springboard's (for example
//! `springboard.entry=rescue`); they are taken out of the command line the kernel sees.

/// The prefix that marks a word as springboard's.
pub const PREFIX: &str = "springboard.";

/// Size of the arm64 kernel's command line buffer, its terminating NUL included: Linux's
/// `COMMAND_LINE_SIZE` (`arch/arm64/include/uapi/asm/setup.h`, 2048 since Linux 3.7 and still
/// in 6.12). The kernel truncates a longer `/chosen/bootargs`, so springboard refuses one whose
/// kernel words (with their NUL) need more, and `pack` refuses such a `--cmdline`.
pub const COMMAND_LINE_SIZE: usize = 2048;

/// Whether Linux's `isspace` (`lib/ctype.c`) calls the ASCII character `c` a space: space,
/// `\t`, `\n`, `\v`, `\f`, `\r` (`char::is_ascii_whitespace` leaves out `\v`).
const fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// The words of a command line as Linux's parser (`next_arg` in `lib/cmdline.c`) splits them:
/// [`is_space`] characters separate words except inside double quotes, so
/// `dyndbg="file a.c +p"` is one word, quotes and inner spaces kept as written.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    core::iter::from_fn(move || {
        rest = rest.trim_start_matches(is_space);
        if rest.is_empty() {
            return None;
        }
        let mut in_quote = false;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                in_quote ^= c == '"';
                is_space(c) && !in_quote
            })
            .map_or(rest.len(), |(i, _)| i);
        let (word, tail) = rest.split_at(end);
        rest = tail;
        Some(word)
    })
}

/// springboard's options in `bootargs`, as `(key, value)` with the prefix removed; a word
/// without `=` has the value `""`.
pub fn options(bootargs: &str) -> impl Iterator<Item = (&str, &str)> {
    words(bootargs).filter_map(|word| {
        let option = word.strip_prefix(PREFIX)?;
        Some(option.split_once('=').unwrap_or((option, "")))
    })
}

/// The value of springboard option `key` (the last one wins, like the kernel's parameters).
pub fn option<'a>(bootargs: &'a str, key: &str) -> Option<&'a str> {
    options(bootargs).filter(|(k, _)| *k == key).map(|(_, v)| v).last()
}

/// Error: the kernel's words do not fit the output buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLong {
    /// Bytes the kernel command line needs.
    pub needed: usize,
    /// Bytes available.
    pub capacity: usize,
}

/// Writes the words of `bootargs` that are not springboard's, separated by single spaces,
/// into `out`; returns the text written.
pub fn kernel_words<'o>(bootargs: &str, out: &'o mut [u8]) -> Result<&'o str, TooLong> {
    let mut len = 0;
    for word in words(bootargs).filter(|w| !w.starts_with(PREFIX)) {
        let sep = usize::from(len > 0);
        let needed = len + sep + word.len();
        if needed > out.len() {
            return Err(TooLong { needed, capacity: out.len() });
        }
        if sep == 1 {
            out[len] = b' ';
        }
        out[len + sep..needed].copy_from_slice(word.as_bytes());
        len = needed;
    }
    // Only whole UTF-8 words and ASCII spaces were copied.
    Ok(core::str::from_utf8(&out[..len]).unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_options_and_the_last_value_wins() {
        let args =
            "console=ttyAMA0 springboard.entry=a quiet springboard.entry=b springboard.debug";
        assert_eq!(option(args, "entry"), Some("b"));
        assert_eq!(option(args, "debug"), Some(""));
        assert_eq!(option(args, "handoff"), None);
    }

    #[test]
    fn removes_springboard_words_from_the_kernel_command_line() {
        let mut buf = [0u8; 64];
        let args = "  springboard.entry=x console=ttyAMA0   panic=-1 springboard.handoff=el1 ";
        assert_eq!(kernel_words(args, &mut buf), Ok("console=ttyAMA0 panic=-1"));
    }

    #[test]
    fn keeps_quoted_arguments_whole_as_linux_splits_them() {
        let mut buf = [0u8; 128];
        let args = r#"dyndbg="file  a.c +p" springboard.entry=x "quoted=a b" init=/bin/sh"#;
        let words: [&str; 4] =
            [r#"dyndbg="file  a.c +p""#, "springboard.entry=x", r#""quoted=a b""#, "init=/bin/sh"];
        assert!(super::words(args).eq(words));
        assert_eq!(
            kernel_words(args, &mut buf),
            Ok(r#"dyndbg="file  a.c +p" "quoted=a b" init=/bin/sh"#)
        );
        // An option inside quotes is the kernel's, not springboard's.
        assert_eq!(option(r#"x="springboard.entry=y z""#, "entry"), None);
    }

    #[test]
    fn rejects_a_command_line_longer_than_the_buffer() {
        let mut buf = [0u8; 8];
        assert_eq!(
            kernel_words("console=ttyAMA0", &mut buf),
            Err(TooLong { needed: 15, capacity: 8 })
        );
    }
}
