//! The benchmark's result: each scenario's runs, their spread, the ratios between scenarios,
//! printed as a table and written as JSON.

use super::measure::Measurement;
use std::fmt::Write;

/// One scenario's runs.
pub struct Row {
    /// Short name (`springboard-swap`, …).
    pub name: &'static str,
    /// What the scenario measures, in one line.
    pub what: &'static str,
    /// One measurement per run, in run order.
    pub runs: Vec<Measurement>,
}

impl Row {
    /// The mean of the runs' ticks.
    pub fn ticks(&self) -> f64 {
        self.runs.iter().map(|m| m.ticks as f64).sum::<f64>() / self.runs.len().max(1) as f64
    }

    /// Largest minus smallest run, in ticks (0: the runs repeat exactly).
    pub fn spread(&self) -> u64 {
        let ticks = self.runs.iter().map(|m| m.ticks);
        ticks.clone().max().unwrap_or(0) - ticks.min().unwrap_or(0)
    }

    /// Guest instructions equivalent to the mean ticks: at `-icount shift=0` one instruction
    /// is one virtual nanosecond, so ticks × 10⁹ / counter frequency.
    pub fn instructions(&self) -> f64 {
        let frequency = self.runs.first().map_or(1, |m| m.frequency) as f64;
        self.ticks() * 1e9 / frequency
    }
}

/// A ratio the benchmark reports: numerator's ticks over denominator's.
pub struct Ratio {
    /// Key in the JSON (`swap_over_plain_kexec`, …).
    pub key: &'static str,
    /// Numerator scenario.
    pub over: &'static str,
    /// Denominator scenario.
    pub under: &'static str,
}

/// The whole result.
pub struct Report {
    /// `qemu-system-aarch64 --version`.
    pub qemu: String,
    /// The QEMU options every run shared.
    pub options: String,
    /// Kernel A's and B's releases.
    pub kernels: (String, String),
    /// The scenarios.
    pub rows: Vec<Row>,
    /// The ratios to report.
    pub ratios: &'static [Ratio],
}

impl Report {
    fn row(&self, name: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.name == name)
    }

    /// Each ratio's value, when both scenarios ran.
    pub fn ratio_values(&self) -> Vec<(&Ratio, f64)> {
        let value = |r: &Ratio| Some(self.row(r.over)?.ticks() / self.row(r.under)?.ticks());
        self.ratios.iter().filter_map(|r| value(r).map(|v| (r, v))).collect()
    }

    /// The table printed at the end of `cargo xtask bench`.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}; A = {}, B = {}", self.qemu, self.kernels.0, self.kernels.1);
        let _ = writeln!(
            out,
            "{:<18} {:>26} {:>7} {:>11} {:>13} {:>8}",
            "scenario", "ticks (each run)", "spread", "M instr.", "kexec -l", "host s"
        );
        for row in &self.rows {
            let each: Vec<String> = row.runs.iter().map(|m| m.ticks.to_string()).collect();
            let load = row.runs[0].load_ticks.map_or("-".into(), |t| t.to_string());
            let host =
                row.runs.iter().map(|m| m.host.as_secs_f64()).sum::<f64>() / row.runs.len() as f64;
            let _ = writeln!(
                out,
                "{:<18} {:>26} {:>7} {:>11.1} {:>13} {:>8.2}",
                row.name,
                each.join(" "),
                row.spread(),
                row.instructions() / 1e6,
                load,
                host
            );
        }
        for (ratio, value) in self.ratio_values() {
            let _ = writeln!(out, "{:<40} {value:.3}", format!("{} / {}", ratio.over, ratio.under));
        }
        out
    }

    /// The JSON written to `target/bench/swap.json`.
    pub fn json(&self) -> String {
        let mut out = String::from("{\n");
        let _ = writeln!(out, "  \"qemu\": {},", quote(&self.qemu));
        let _ = writeln!(out, "  \"qemu_options\": {},", quote(&self.options));
        let _ = writeln!(out, "  \"kernel_a\": {},", quote(&self.kernels.0));
        let _ = writeln!(out, "  \"kernel_b\": {},", quote(&self.kernels.1));
        out.push_str("  \"scenarios\": [\n");
        for (i, row) in self.rows.iter().enumerate() {
            let runs: Vec<String> = row.runs.iter().map(run_json).collect();
            let _ = write!(
                out,
                "    {{\"name\": {}, \"what\": {}, \"mean_ticks\": {:.1}, \"spread_ticks\": {}, \
                 \"repeatable\": {}, \"instructions\": {:.0}, \"runs\": [{}]}}",
                quote(row.name),
                quote(row.what),
                row.ticks(),
                row.spread(),
                row.spread() == 0,
                row.instructions(),
                runs.join(", ")
            );
            out.push_str(if i + 1 < self.rows.len() { ",\n" } else { "\n" });
        }
        out.push_str("  ],\n  \"ratios\": {");
        let ratios: Vec<String> =
            self.ratio_values().iter().map(|(r, v)| format!("{}: {v:.4}", quote(r.key))).collect();
        let _ = writeln!(out, "{}}}\n}}", ratios.join(", "));
        out
    }
}

fn run_json(m: &Measurement) -> String {
    let load = m.load_ticks.map_or("null".to_string(), |t| t.to_string());
    format!(
        "{{\"ticks\": {}, \"load_ticks\": {load}, \"counter_hz\": {}, \"host_seconds\": {:.3}}}",
        m.ticks,
        m.frequency,
        m.host.as_secs_f64()
    )
}

/// A JSON string literal.
fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn run(ticks: u64) -> Measurement {
        Measurement { ticks, load_ticks: None, frequency: 62_500_000, host: Duration::ZERO }
    }

    const RATIOS: &[Ratio] = &[Ratio { key: "x_over_y", over: "x", under: "y" }];

    fn report() -> Report {
        Report {
            qemu: "QEMU \"7.2\"".into(),
            options: "-icount shift=0".into(),
            kernels: ("a".into(), "b".into()),
            rows: vec![
                Row { name: "x", what: "X", runs: vec![run(300), run(300)] },
                Row { name: "y", what: "Y", runs: vec![run(100), run(110)] },
            ],
            ratios: RATIOS,
        }
    }

    #[test]
    fn ratios_use_the_mean_ticks_and_spread_is_max_minus_min() {
        let report = report();
        let values = report.ratio_values();
        assert_eq!(values.len(), 1);
        assert!((values[0].1 - 300.0 / 105.0).abs() < 1e-9);
        assert_eq!((report.rows[0].spread(), report.rows[1].spread()), (0, 10));
        assert_eq!(report.rows[0].instructions(), 300.0 * 16.0);
    }

    #[test]
    fn json_quotes_strings_and_marks_exact_repeats() {
        let json = report().json();
        assert!(json.contains("\"qemu\": \"QEMU \\\"7.2\\\"\","), "{json}");
        assert!(json.contains("\"spread_ticks\": 0, \"repeatable\": true"), "{json}");
        assert!(json.contains("\"spread_ticks\": 10, \"repeatable\": false"), "{json}");
        assert!(json.contains("\"ratios\": {\"x_over_y\": 2.8571}"), "{json}");
        assert_eq!(json.matches('{').count(), json.matches('}').count());
    }

    #[test]
    fn table_lists_every_run_and_the_ratio() {
        let table = report().table();
        assert!(table.contains("300 300"), "{table}");
        assert!(table.contains("100 110"), "{table}");
        assert!(table.contains("x / y") && table.contains("2.857"), "{table}");
    }
}
