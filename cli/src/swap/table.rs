//! The final table on the terminal: kernel, release, EL, result, seconds.

use std::fmt::Write as _;
use std::path::Path;

use super::rows::Row;

/// The table of `rows`, one line each, columns padded to their widest cell.
pub fn render(rows: &[Row]) -> String {
    let header = ["#", "kernel", "release", "EL", "result", "seconds"].map(String::from);
    let mut cells = vec![header];
    for (i, row) in rows.iter().enumerate() {
        let file = Path::new(&row.kernel).file_name().map(|f| f.to_string_lossy().into_owned());
        cells.push([
            (i + 1).to_string(),
            file.unwrap_or_else(|| row.kernel.clone()),
            row.release.clone().unwrap_or_else(|| "?".into()),
            row.el.map_or("?".into(), |el| format!("EL{el}")),
            (if row.passed() { "pass" } else { "FAIL" }).to_string(),
            format!("{:.1}", row.seconds),
        ]);
    }
    let widths: Vec<usize> =
        (0..6).map(|c| cells.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for (n, line) in cells.iter().enumerate() {
        let mut text = String::new();
        for (c, cell) in line.iter().enumerate() {
            let _ = write!(text, "{cell:<width$}  ", width = widths[c]);
        }
        out += text.trim_end();
        if let Some(reason) = n.checked_sub(1).and_then(|i| rows[i].reason.as_ref()) {
            if !rows[n - 1].passed() {
                out += "  (";
                out += &reason.to_string();
                out += ")";
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::swap::reason::Reason;
    use crate::swap::rows::Verdict;

    #[test]
    fn lines_up_columns_and_names_the_failure() {
        let mut a = Row::new("k/vmlinuz-a".into(), "1-vmlinuz-a".into());
        (a.release, a.el, a.verdict, a.seconds) =
            (Some("6.1.0-56-arm64".into()), Some(2), Some(Verdict::Pass), 4.25);
        let mut b = Row::new("vmlinuz-bb".into(), "2-vmlinuz-bb".into());
        (b.verdict, b.reason) = (Some(Verdict::Fail), Some(Reason::Panic("x".into())));
        let text = render(&[a, b]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "#  kernel      release         EL   result  seconds");
        assert_eq!(lines[1], "1  vmlinuz-a   6.1.0-56-arm64  EL2  pass    4.2");
        assert_eq!(lines[2], "2  vmlinuz-bb  ?               ?    FAIL    0.0  (kernel panic: x)");
    }
}
