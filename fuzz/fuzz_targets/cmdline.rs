//! `cmdline::kernel_words` and `cmdline::option` on arbitrary text, judged by how Linux reads a
//! command line (`lib/cmdline.c`/`kernel/params.c` `next_arg`: parameters are separated by
//! white space outside double quotes). What the kernel reads from the output is what it
//! would read from the input without springboard's parameters, in order; the output fits the
//! buffer; `option` finds exactly the last `springboard.<key>` parameter.
#![no_main]

use image_formats::cmdline::{kernel_words, option, TooLong, PREFIX};
use libfuzzer_sys::fuzz_target;

/// The kernel's `isspace` on ASCII (`lib/ctype.c`): space, \t, \n, \v, \f, \r. (It also
/// takes 0xa0, Latin-1's no-break space, which in UTF-8 text is a continuation byte; neither
/// springboard nor this model splits there.)
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The parameters as `next_arg` delimits them, each as its raw text.
fn kernel_params(line: &str) -> Vec<&str> {
    let bytes = line.as_bytes();
    let mut params = Vec::new();
    let mut at = 0;
    loop {
        while at < bytes.len() && is_space(bytes[at]) {
            at += 1;
        }
        if at == bytes.len() {
            return params;
        }
        let start = at;
        let mut in_quote = false;
        while at < bytes.len() && !(is_space(bytes[at]) && !in_quote) {
            if bytes[at] == b'"' {
                in_quote = !in_quote;
            }
            at += 1;
        }
        // Both ends are at ASCII bytes or the ends of the text, so this is a char boundary.
        params.push(&line[start..at]);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&cap, text)) = data.split_first() else {
        return;
    };
    // `/chosen/bootargs` is a NUL-terminated string: it holds no NUL.
    let Ok(bootargs) = core::str::from_utf8(text) else {
        return;
    };
    if bootargs.contains('\0') {
        return;
    }
    let capacity = usize::from(cap) * 4;
    let mut out = vec![0u8; capacity];
    let expected: Vec<&str> =
        kernel_params(bootargs).into_iter().filter(|p| !p.starts_with(PREFIX)).collect();
    let joined = expected.join(" ").len();
    match kernel_words(bootargs, &mut out) {
        Ok(line) => {
            assert!(line.len() <= capacity);
            assert_eq!(kernel_params(line), expected, "the kernel reads other parameters");
        }
        Err(TooLong { needed, capacity: reported }) => {
            assert_eq!(reported, capacity);
            assert!(needed > capacity, "needed {needed} fits {capacity}");
            assert!(joined > capacity, "the words ({joined} bytes) fit {capacity}");
        }
    }

    let keys: Vec<&str> = kernel_params(bootargs)
        .into_iter()
        .filter_map(|p| p.strip_prefix(PREFIX))
        .map(|o| o.split_once('=').map_or(o, |(k, _)| k))
        .collect();
    for key in keys.iter().copied().chain(["entry", "result", ""]) {
        let last = kernel_params(bootargs)
            .into_iter()
            .filter_map(|p| p.strip_prefix(PREFIX))
            .map(|o| o.split_once('=').unwrap_or((o, "")))
            .filter(|(k, _)| *k == key)
            .last()
            .map(|(_, v)| v);
        assert_eq!(option(bootargs, key), last, "option {key:?}");
    }
});
