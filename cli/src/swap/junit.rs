//! `--junit FILE`: the results as JUnit XML, the format CI systems (GitLab, Jenkins, GitHub
//! test reporters) read: one `<testsuite>` named `springboard swap`, one `<testcase>` per
//! kernel, and a `<failure>` holding the reason and the kernel's last console lines.
//!
//! Text is escaped for XML 1.0: `&`, `<`, `>`, `"` and `'` become entities, and characters
//! XML 1.0 cannot carry at all (control characters such as a console's ESC) become U+FFFD.

use std::fmt::Write as _;

use super::rows::Row;

/// The JUnit XML text of `rows`.
pub fn render(rows: &[Row]) -> String {
    let failures = rows.iter().filter(|r| !r.passed()).count();
    let total: f64 = rows.iter().map(|r| r.seconds).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!("tests=\"{}\" failures=\"{failures}\" errors=\"0\"", rows.len());
    let _ = writeln!(out, "<testsuites name=\"springboard swap\" {counts} time=\"{total:.1}\">");
    let _ = writeln!(
        out,
        "  <testsuite name=\"springboard swap\" {counts} skipped=\"0\" time=\"{total:.1}\">"
    );
    for row in rows {
        let release = row.release.as_deref().unwrap_or("?");
        let el = row.el.map_or("?".to_string(), |el| format!("EL{el}"));
        let _ = write!(
            out,
            "    <testcase classname=\"springboard.swap\" name=\"{}\" time=\"{:.1}\">\n      \
             <properties><property name=\"kernel\" value=\"{}\"/><property name=\"release\" \
             value=\"{}\"/><property name=\"el\" value=\"{el}\"/></properties>\n",
            escape(&row.name),
            row.seconds,
            escape(&row.kernel),
            escape(release),
        );
        if !row.passed() {
            let (message, kind) = match &row.reason {
                Some(reason) => (reason.to_string(), reason.kind()),
                None => ("failed".to_string(), "boot"),
            };
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                escape(&message),
                kind,
                escape(&row.tail.join("\n"))
            );
        }
        let _ = writeln!(out, "      <system-out>release {} at {el}</system-out>", escape(release));
        out += "    </testcase>\n";
    }
    out += "  </testsuite>\n</testsuites>\n";
    out
}

/// `text` as XML 1.0 character data or attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out += "&amp;",
            '<' => out += "&lt;",
            '>' => out += "&gt;",
            '"' => out += "&quot;",
            '\'' => out += "&apos;",
            // XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-].
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::swap::reason::Reason;
    use crate::swap::rows::Verdict;

    fn rows() -> Vec<Row> {
        let mut a = Row::new("k/<a>&'b'".into(), "1-<a>&\"b\"".into());
        (a.release, a.el, a.verdict, a.seconds) =
            (Some("6.1.0-56-arm64".into()), Some(2), Some(Verdict::Pass), 4.0);
        let mut b = Row::new("vmlinuz-b".into(), "2-vmlinuz-b".into());
        (b.verdict, b.reason) = (Some(Verdict::Fail), Some(Reason::Panic("<init> & co".into())));
        b.tail = vec!["\u{1b}[0mKernel panic - not syncing: x\u{7}".into(), "]]> end".into()];
        vec![a, b]
    }

    #[test]
    fn escapes_markup_and_replaces_characters_xml_cannot_hold() {
        assert_eq!(escape("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
        assert_eq!(escape("\u{1b}[0m\tx\n"), "\u{fffd}[0m\tx\n");
    }

    #[test]
    fn writes_well_formed_xml_with_one_testcase_per_row() {
        let text = render(&rows());
        let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
        let suite = doc.descendants().find(|n| n.has_tag_name("testsuite")).unwrap();
        assert_eq!(suite.attribute("tests"), Some("2"));
        assert_eq!(suite.attribute("failures"), Some("1"));
        let cases: Vec<_> = suite.children().filter(|n| n.has_tag_name("testcase")).collect();
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].attribute("name"), Some("1-<a>&\"b\""));
        assert!(!cases[0].children().any(|n| n.has_tag_name("failure")));
        let failure = cases[1].children().find(|n| n.has_tag_name("failure")).unwrap();
        assert_eq!(failure.attribute("message"), Some("kernel panic: <init> & co"));
        assert_eq!(failure.attribute("type"), Some("panic"));
        assert_eq!(
            failure.text(),
            Some("\u{fffd}[0mKernel panic - not syncing: x\u{fffd}\n]]> end")
        );
    }
}
