//! `--json FILE`: the results as a JSON array, one object per kernel in boot order.
//!
//! ```text
//! [{"kernel": "vmlinuz-6.1.0-56-arm64", "release": "6.1.0-56-arm64", "el": 2,
//!   "result": "pass", "seconds": 4.2, "reason": null}, …]
//! ```
//! `release` and `el` are `null` when the kernel never said; `result` is `pass` or `fail`.

use serde_json::{json, Value};

use super::rows::Row;

/// The JSON text of `rows`.
pub fn render(rows: &[Row]) -> String {
    let array: Vec<Value> = rows
        .iter()
        .map(|row| {
            let reason =
                if row.passed() { None } else { row.reason.as_ref().map(ToString::to_string) };
            json!({
                "kernel": row.kernel,
                "release": row.release,
                "el": row.el,
                "result": if row.passed() { "pass" } else { "fail" },
                "seconds": (row.seconds * 10.0).round() / 10.0,
                "reason": reason,
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&Value::Array(array)).expect("JSON of strings");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::swap::reason::Reason;
    use crate::swap::rows::Verdict;

    #[test]
    fn writes_one_object_per_row_with_quotes_escaped() {
        let mut a = Row::new("dir/vmlinuz \"a\"\\".into(), "1-a".into());
        (a.release, a.el, a.verdict, a.seconds) =
            (Some("6.1.0-56-arm64".into()), Some(2), Some(Verdict::Pass), 4.26);
        let mut b = Row::new("b".into(), "2-b".into());
        (b.verdict, b.reason) = (Some(Verdict::Fail), Some(Reason::Panic("\u{1b}[0m\n".into())));
        let back: Value = serde_json::from_str(&render(&[a, b])).unwrap();
        assert_eq!(back[0]["kernel"], "dir/vmlinuz \"a\"\\");
        assert_eq!(back[0]["release"], "6.1.0-56-arm64");
        assert_eq!(back[0]["el"], 2);
        assert_eq!(back[0]["result"], "pass");
        assert_eq!(back[0]["seconds"], 4.3);
        assert_eq!(back[0]["reason"], Value::Null);
        assert_eq!(back[1]["release"], Value::Null);
        assert_eq!(back[1]["result"], "fail");
        assert_eq!(back[1]["reason"], "kernel panic: \u{1b}[0m\n");
    }
}
