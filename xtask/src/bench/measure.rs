//! From a run's console to one measurement: the clock's `SBBENCH-CLOCK` lines, checked to be
//! the ones the scenario must print, in order, with kernel B (and springboard, or not) booting
//! between them.

use super::qemu::Line;
use anyhow::{bail, ensure, Context, Result};
use std::time::Duration;

/// What the clock prints before its label (`bench/clock/src/main.rs`).
const CLOCK: &str = "SBBENCH-CLOCK ";
/// The line springboard prints when it hands over to a kernel.
pub const SPRINGBOARD_HANDOFF: &str = "springboard: handoff: HVC_SOFT_RESTART";

/// One reading of the counter by the bench clock.
#[derive(Debug, PartialEq)]
pub struct Stamp {
    /// The clock's label (`a-start`, `a-loaded`, `init`).
    pub label: String,
    /// `CNTVCT_EL0`.
    pub count: u64,
    /// `CNTFRQ_EL0` in Hz.
    pub frequency: u64,
    /// Console line index.
    pub line: usize,
    /// Host time the line arrived.
    pub at: Duration,
}

/// Parses `SBBENCH-CLOCK <label> cntvct=<n> cntfrq=<n>` (decimal, or hex after `0x`) anywhere
/// in `text` (a kernel message may share the console line); `None` when the line holds no
/// clock reading.
pub fn parse(text: &str) -> Option<Result<(String, u64, u64)>> {
    let rest = &text[text.find(CLOCK)? + CLOCK.len()..];
    Some(fields(rest).with_context(|| format!("bad clock line `{text}`")))
}

/// `<label> cntvct=<n> cntfrq=<n>`.
fn fields(rest: &str) -> Result<(String, u64, u64)> {
    let mut words = rest.split_whitespace();
    let label = words.next().context("no label")?.to_string();
    let mut field = |name: &str| -> Result<u64> {
        let word = words.next().with_context(|| format!("no {name}="))?;
        let value = word.strip_prefix(name).and_then(|w| w.strip_prefix('='));
        let value = value.with_context(|| format!("`{word}` is not {name}=<n>"))?;
        let parsed = match value.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16),
            None => value.parse(),
        };
        parsed.with_context(|| format!("{name}={value} is not a number"))
    };
    Ok((label, field("cntvct")?, field("cntfrq")?))
}

/// Every clock reading on the console, in order.
pub fn stamps(lines: &[Line]) -> Result<Vec<Stamp>> {
    let mut out = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if let Some(parsed) = parse(&line.text) {
            let (label, count, frequency) = parsed?;
            out.push(Stamp { label, count, frequency, line: index, at: line.at });
        }
    }
    Ok(out)
}

/// What one run measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurement {
    /// Counter ticks from the starting point to kernel B's first userspace instruction.
    pub ticks: u64,
    /// Of those, the ticks `kexec -l` took in kernel A (swap scenarios only).
    pub load_ticks: Option<u64>,
    /// The counter's frequency.
    pub frequency: u64,
    /// Host time over the same stretch (not repeatable; for orientation only).
    pub host: Duration,
}

/// How a scenario's console must look.
pub struct Expect<'a> {
    /// The clock's readings, in order. With more than one, the cost counts from the first
    /// (kernel A's `a-start`); with one, from QEMU's start (the counter starts at 0). A third
    /// reading in the middle (`a-loaded`) splits off what `kexec -l` took.
    pub labels: &'a [&'a str],
    /// springboard must hand over before the last reading (or must not appear at all).
    pub through_springboard: bool,
    /// A line that must appear before the last reading (`Linux version <B>`), if any.
    pub boots: Option<&'a str>,
}

/// Checks the console against `expect` and measures the run.
pub fn measure(lines: &[Line], expect: &Expect) -> Result<Measurement> {
    let stamps = stamps(lines)?;
    let labels: Vec<&str> = stamps.iter().map(|s| s.label.as_str()).collect();
    ensure!(labels == expect.labels, "the clock printed {labels:?}, want {:?}", expect.labels);
    let (first, end) = (&stamps[0], &stamps[stamps.len() - 1]);
    ensure!(
        stamps.iter().all(|s| s.frequency == end.frequency && s.frequency > 0),
        "the counter frequency changed or is zero: {:?}",
        stamps.iter().map(|s| s.frequency).collect::<Vec<_>>()
    );
    let from_a = stamps.len() > 1;
    let between = if from_a { &lines[first.line + 1..end.line] } else { &lines[..end.line] };
    let find = |needle: &str| between.iter().position(|l| l.text.contains(needle));
    let boot = match expect.boots {
        Some(line) => Some(find(line).with_context(|| format!("no `{line}` before the end"))?),
        None => None,
    };
    match (expect.through_springboard, find(SPRINGBOARD_HANDOFF)) {
        (true, Some(handoff)) if boot.is_none_or(|b| handoff < b) => {}
        (true, _) => bail!("no `{SPRINGBOARD_HANDOFF}` before the end"),
        (false, Some(at)) => bail!("springboard ran: `{}`", between[at].text),
        (false, None) => {}
    }
    if !from_a {
        let (ticks, host) = (end.count, end.at);
        return Ok(Measurement { ticks, load_ticks: None, frequency: end.frequency, host });
    }
    let since = |s: &Stamp| {
        s.count.checked_sub(first.count).with_context(|| {
            format!(
                "the counter went back: {} {} after {} {}",
                s.label, s.count, first.label, first.count
            )
        })
    };
    let load_ticks = if stamps.len() > 2 { Some(since(&stamps[1])?) } else { None };
    Ok(Measurement {
        ticks: since(end)?,
        load_ticks,
        frequency: end.frequency,
        host: end.at.saturating_sub(first.at),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn console(texts: &[&str]) -> Vec<Line> {
        let at = |i: usize| Duration::from_millis(100 * i as u64);
        texts.iter().enumerate().map(|(i, t)| Line { at: at(i), text: t.to_string() }).collect()
    }

    const SWAP: &[&str] = &[
        "Linux version 6.1.0-A",
        "SBBENCH-CLOCK a-start cntvct=1000 cntfrq=62500000",
        "SBBENCH-CLOCK a-loaded cntvct=1500 cntfrq=62500000",
        "springboard: handoff: HVC_SOFT_RESTART to 0x40200000",
        "[    0.000000] Linux version 6.1.0-B (debian-kernel@lists.debian.org)",
        "[    0.9] Run /init as init process",
        "SBBENCH-CLOCK init cntvct=9000 cntfrq=62500000",
    ];

    fn expect(from_a: bool, through_springboard: bool) -> Expect<'static> {
        let labels: &[&str] = if from_a { &["a-start", "a-loaded", "init"] } else { &["init"] };
        Expect { labels, through_springboard, boots: Some("Linux version 6.1.0-B") }
    }

    #[test]
    fn parses_a_clock_line_even_after_a_kernel_message() {
        let got = parse("[ 1.0] random: crng SBBENCH-CLOCK init cntvct=42 cntfrq=7").unwrap();
        assert_eq!(got.unwrap(), ("init".to_string(), 42, 7));
        assert!(parse("Run /init as init process").is_none());
        let err = parse("SBBENCH-CLOCK init cntvct=4x2 cntfrq=7").unwrap().unwrap_err();
        assert!(format!("{err:#}").contains("cntvct=4x2 is not a number"), "{err:#}");
    }

    #[test]
    fn a_swap_costs_b_minus_a_start_with_the_load_part() {
        let m = measure(&console(SWAP), &expect(true, true)).unwrap();
        assert_eq!((m.ticks, m.load_ticks, m.frequency), (8000, Some(500), 62_500_000));
        assert_eq!(m.host, Duration::from_millis(500));
    }

    #[test]
    fn rejects_a_plain_kexec_run_where_springboard_appears() {
        let err = measure(&console(SWAP), &expect(true, false)).unwrap_err();
        assert!(err.to_string().contains("springboard ran"), "{err}");
    }

    #[test]
    fn rejects_a_swap_without_springboard_or_without_kernel_b() {
        let mut lines = SWAP.to_vec();
        lines.remove(3);
        let err = measure(&console(&lines), &expect(true, true)).unwrap_err();
        assert!(err.to_string().contains("no `springboard: handoff"), "{err}");
        let wrong_b = Expect { boots: Some("Linux version 6.1.0-C"), ..expect(true, true) };
        let err = measure(&console(SWAP), &wrong_b).unwrap_err();
        assert!(err.to_string().contains("no `Linux version 6.1.0-C`"), "{err}");
    }

    #[test]
    fn a_cold_start_costs_b_s_count_and_needs_exactly_one_reading() {
        let cold = &SWAP[3..];
        let m = measure(&console(cold), &expect(false, true)).unwrap();
        assert_eq!((m.ticks, m.load_ticks), (9000, None));
        let err = measure(&console(SWAP), &expect(false, true)).unwrap_err();
        assert!(err.to_string().contains("want [\"init\"]"), "{err}");
    }

    #[test]
    fn the_kernel_entry_probe_counts_from_qemu_s_start_through_springboard() {
        let lines = [
            "springboard: handoff: HVC_SOFT_RESTART to 0x40400000",
            "SBBENCH-CLOCK kernel-entry cntvct=0x000000000053d889 cntfrq=0x0000000003b9aca0",
        ];
        let probe = Expect { labels: &["kernel-entry"], through_springboard: true, boots: None };
        let m = measure(&console(&lines), &probe).unwrap();
        assert_eq!((m.ticks, m.frequency), (0x53d889, 62_500_000));
        let err = measure(&console(&lines[1..]), &probe).unwrap_err();
        assert!(err.to_string().contains("no `springboard: handoff"), "{err}");
    }
}
