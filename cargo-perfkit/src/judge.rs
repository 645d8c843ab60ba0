//! Judging one side against another: per series, statistics of both, the log-scale Welch
//! comparison, and the verdict, with the false discovery rate controlled across series.
//!
//! Pure: pooled samples in, rows out. `run`, `compare` and `check` share it, so the three
//! always agree on a verdict.

use perfkit::Summary;
use perfkit::compare::{LegacyComparison as Comparison, Verdict, VerdictRule, control_fdr};
use perfkit::stats::Interval;

use crate::pool::{Pooled, SeriesKey, Side};

/// The statistics of one side of one series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// Median per-iteration time, ns.
    pub median: f64,
    /// Its 95% confidence interval.
    pub median_ci: Interval,
    /// 95th percentile, ns.
    pub p95: f64,
    /// 99th percentile, ns.
    pub p99: f64,
    /// Samples pooled.
    pub n: usize,
    /// Runs pooled.
    pub runs: usize,
}

impl Stats {
    /// The statistics of pooled samples; `None` when there are none usable.
    pub fn of(pooled: &Pooled) -> Option<Stats> {
        let s = Summary::new(&pooled.samples).ok()?;
        Some(Stats {
            median: s.median,
            median_ci: s.median_ci,
            p95: s.p95,
            p99: s.p99,
            n: s.n,
            runs: pooled.runs,
        })
    }
}

/// One series judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The series.
    pub key: SeriesKey,
    /// The base side's statistics (`None`: the base lacks it).
    pub base: Option<Stats>,
    /// The head side's statistics (`None`: the head lacks it).
    pub head: Option<Stats>,
    /// The comparison, when both sides have samples enough.
    pub comparison: Option<Comparison>,
    /// The verdict.
    pub verdict: Verdict,
    /// Why there is no comparison although both sides have the series.
    pub note: Option<String>,
}

/// How many rows got each verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Significant slow-downs.
    pub regression: usize,
    /// Significant speed-ups.
    pub improvement: usize,
    /// Neither.
    pub unchanged: usize,
    /// Only in the head.
    pub new: usize,
    /// Only in the base.
    pub missing: usize,
}

impl Counts {
    /// Counts the verdicts of `rows`.
    pub fn of(rows: &[Row]) -> Counts {
        let mut c = Counts::default();
        for row in rows {
            match row.verdict {
                Verdict::Regression => c.regression += 1,
                Verdict::Improvement => c.improvement += 1,
                Verdict::Unchanged => c.unchanged += 1,
                Verdict::New => c.new += 1,
                Verdict::Missing => c.missing += 1,
            }
        }
        c
    }
}

/// Judges every series of `head` (and, with `missing`, every series only `base` has) against
/// `base` by `rule`; with `fdr`, verdicts are on Benjamini-Hochberg q-values across the series
/// compared.
pub fn judge(
    base: Option<&Side>,
    head: &Side,
    rule: &VerdictRule,
    fdr: bool,
    missing: bool,
) -> Vec<Row> {
    let mut rows = Vec::new();
    for (key, pooled) in &head.series {
        let theirs = base.and_then(|b| b.series.get(key));
        let mut row = Row {
            key: key.clone(),
            base: theirs.and_then(Stats::of),
            head: Stats::of(pooled),
            comparison: None,
            verdict: Verdict::New,
            note: None,
        };
        if let Some(theirs) = theirs {
            match Comparison::new(&theirs.samples, &pooled.samples, rule) {
                Ok(c) => {
                    row.verdict = c.verdict;
                    row.comparison = Some(c);
                }
                Err(e) => {
                    row.verdict = Verdict::Unchanged;
                    row.note = Some(format!("cannot compare: {e}"));
                }
            }
        }
        rows.push(row);
    }
    if let (Some(base), true) = (base, missing) {
        for (key, pooled) in &base.series {
            if !head.series.contains_key(key) {
                rows.push(Row {
                    key: key.clone(),
                    base: Stats::of(pooled),
                    head: None,
                    comparison: None,
                    verdict: Verdict::Missing,
                    note: None,
                });
            }
        }
        rows.sort_by(|a, b| a.key.cmp(&b.key));
    }
    if fdr {
        let mut compared: Vec<Comparison> = rows.iter().filter_map(|r| r.comparison).collect();
        control_fdr(&mut compared, rule);
        let mut adjusted = compared.into_iter();
        for row in rows.iter_mut().filter(|r| r.comparison.is_some()) {
            let c = adjusted
                .next()
                .expect("one adjusted comparison per comparison");
            row.verdict = c.verdict;
            row.comparison = Some(c);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use perfkit_store::Timestamp;

    use super::*;

    fn side(series: &[(&str, f64)]) -> Side {
        let series: BTreeMap<SeriesKey, Pooled> = series
            .iter()
            .map(|(name, factor)| {
                let key = SeriesKey {
                    benchmark: (*name).to_owned(),
                    size: None,
                };
                let samples = (0..30)
                    .map(|i| factor * (1000.0 + f64::from((i * 37) % 41)))
                    .collect();
                let pooled = Pooled {
                    runs: 1,
                    samples,
                    newest: None,
                };
                (key, pooled)
            })
            .collect();
        Side {
            commit: None,
            runs: 1,
            dirty: false,
            newest_run: Timestamp::from_unix_ms(0),
            series,
        }
    }

    #[test]
    fn verdicts_for_every_kind_of_row() {
        let base = side(&[("fast", 1.0), ("gone", 1.0), ("slow", 1.0)]);
        let head = side(&[("fast", 1.0), ("added", 1.0), ("slow", 3.0)]);
        let rows = judge(Some(&base), &head, &VerdictRule::default(), true, true);
        let got: Vec<(String, Verdict)> = rows
            .iter()
            .map(|r| (r.key.benchmark.clone(), r.verdict))
            .collect();
        assert_eq!(
            got,
            vec![
                ("added".into(), Verdict::New),
                ("fast".into(), Verdict::Unchanged),
                ("gone".into(), Verdict::Missing),
                ("slow".into(), Verdict::Regression),
            ]
        );
        let slow = &rows[3];
        assert!(slow.comparison.unwrap().q.is_some());
        assert_eq!(Counts::of(&rows).regression, 1);
        let without_missing = judge(Some(&base), &head, &VerdictRule::default(), false, false);
        assert_eq!(without_missing.len(), 3);
        assert!(
            without_missing
                .iter()
                .all(|r| r.comparison.is_none_or(|c| c.q.is_none()))
        );
    }

    #[test]
    fn no_base_makes_everything_new() {
        let head = side(&[("a", 1.0)]);
        let rows = judge(None, &head, &VerdictRule::default(), true, true);
        assert_eq!(rows[0].verdict, Verdict::New);
        assert_eq!(rows[0].base, None);
    }
}
