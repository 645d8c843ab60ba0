//! From the rounds to verdicts: per series, one run estimate per round and side, paired by
//! round, judged by `perfkit::compare::judge` with the paired design (a t-test on the
//! per-round log-ratios) and the false discovery rate controlled across series.

use std::collections::BTreeSet;

use perfkit::compare::{Judgement, NoisePrior, RunEstimate, Sides, VerdictRule, judge};
use perfkit::sides::Judged;
use perfkit_store::SeriesKey;

use super::rounds::Recorded;

/// One series' run estimates, round by round, on both sides.
#[derive(Debug, Clone, PartialEq)]
pub struct PairedSeries {
    /// The series.
    pub key: SeriesKey,
    /// Per round where both sides have a usable run of it: base's estimate (every round's,
    /// when the head never measured it).
    pub base: Vec<RunEstimate>,
    /// The head's estimates of the same rounds, in the same order (every round's, when the
    /// base never measured it).
    pub head: Vec<RunEstimate>,
    /// Whether base measured it in any round (`false`: the series is new).
    pub in_base: bool,
    /// Whether head measured it in any round (`false`: the series is missing).
    pub in_head: bool,
}

/// Every series either side measured, by name then size, with the rounds paired. A side's
/// run in a round is all its processes' samples of the series in that round.
pub fn pair(rounds: &[[Recorded; 2]]) -> Vec<PairedSeries> {
    let keys: BTreeSet<&SeriesKey> = rounds
        .iter()
        .flat_map(|r| r[0].keys().chain(r[1].keys()))
        .collect();
    let estimate = |recorded: &Recorded, key: &SeriesKey| -> Option<RunEstimate> {
        let samples: Vec<f64> = recorded
            .get(key)?
            .iter()
            .flat_map(|p| p.record.samples.iter().copied())
            .collect();
        RunEstimate::from_samples(&samples)
    };
    keys.into_iter()
        .map(|key| {
            let mut series = PairedSeries {
                key: key.clone(),
                base: Vec::new(),
                head: Vec::new(),
                in_base: rounds.iter().any(|r| r[0].contains_key(key)),
                in_head: rounds.iter().any(|r| r[1].contains_key(key)),
            };
            for round in rounds {
                let (b, h) = (estimate(&round[0], key), estimate(&round[1], key));
                // Only one side has the series: its runs, unpaired, make it new or missing.
                match (b, h, series.in_base, series.in_head) {
                    (Some(b), Some(h), _, _) => {
                        series.base.push(b);
                        series.head.push(h);
                    }
                    (Some(b), None, _, false) => series.base.push(b),
                    (None, Some(h), false, _) => series.head.push(h),
                    _ => {}
                }
            }
            series
        })
        .collect()
}

/// Judges every series: a change on the paired rounds, new or missing when one side never
/// measured it, insufficient when both did but never in the same round. With `fdr`, verdicts
/// are on Benjamini–Hochberg q-values; without, on each series' own p-value.
pub fn judge_paired(series: &[PairedSeries], rule: &VerdictRule, fdr: bool) -> Vec<Judgement> {
    let sides: Vec<Sides> = series
        .iter()
        .map(|s| Sides::paired(s.base.clone(), s.head.clone()))
        .collect();
    let mut judged = judge(&sides, rule, &NoisePrior::default());
    for (j, s) in judged.iter_mut().zip(series) {
        if s.in_base && s.in_head && s.base.is_empty() {
            *j = Judgement::Insufficient {
                reason: "no round measured it on both sides",
            };
        }
        if let (Judgement::Change(c), false) = (&mut *j, fdr) {
            c.q = None;
            c.verdict = rule.decide(c.ratio, c.p);
        }
    }
    judged
}

/// The rows the comparison view shows: each judgement with the levels it compared (for a
/// series only one side has, that side's mean level over its rounds).
pub fn rows(series: &[PairedSeries], judged: &[Judgement]) -> Vec<Judged> {
    let level = |runs: &[RunEstimate]| {
        (!runs.is_empty())
            .then(|| (runs.iter().map(|r| r.log_location).sum::<f64>() / runs.len() as f64).exp())
    };
    series
        .iter()
        .zip(judged)
        .map(|(s, j)| Judged {
            key: s.key.clone(),
            judgement: *j,
            base_runs: s.base.len(),
            head_runs: s.head.len(),
            base_level: j.change().map(|c| c.base_level).or_else(|| level(&s.base)),
            head_level: j.change().map(|c| c.head_level).or_else(|| level(&s.head)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use perfkit::compare::{Noise, Verdict};
    use perfkit_store::{HistoryPoint, Record, ResultId, RunId, StoredSummary, Timestamp};

    use super::*;

    fn key(name: &str) -> SeriesKey {
        SeriesKey::new(name, None)
    }

    /// 40 samples around `ns` with a fixed ±2% pattern.
    fn point(name: &str, ns: f64) -> HistoryPoint {
        let samples: Vec<f64> = (0..40)
            .map(|i| ns * (1.0 + (f64::from((i * 37) % 41) - 20.0) / 1000.0))
            .collect();
        let summary = StoredSummary {
            n: 40,
            mean: ns,
            sd: 0.0,
            min: ns,
            max: ns,
            median: ns,
            p90: ns,
            p95: ns,
            p99: ns,
            mad: 0.0,
            mean_ci_lower: ns,
            mean_ci_upper: ns,
            median_ci_lower: ns,
            median_ci_upper: ns,
            outliers: 0,
        };
        HistoryPoint {
            commit: None,
            run: RunId::from_raw(1),
            started_at: Timestamp::from_unix_ms(0),
            dirty: false,
            branch: None,
            result: ResultId::from_raw(1),
            record: Record::new(name, summary, 1, samples),
        }
    }

    /// A side's round: each benchmark at `ns`, drifting by `drift` (the whole machine).
    fn side(benchmarks: &[(&str, f64)], drift: f64) -> Recorded {
        benchmarks
            .iter()
            .map(|(name, ns)| (key(name), vec![point(name, ns * drift)]))
            .collect::<BTreeMap<_, _>>()
    }

    #[test]
    fn paired_rounds_cancel_drift_and_name_only_the_slowdown() {
        // The machine drifts by ±15% from round to round; both sides of a round share it.
        let drifts = [1.0, 1.15, 0.9, 1.1, 0.85, 1.05];
        let rounds: Vec<[Recorded; 2]> = drifts
            .iter()
            .map(|&d| {
                [
                    side(
                        &[("gone", 500.0), ("slowed", 1000.0), ("steady", 1000.0)],
                        d,
                    ),
                    side(
                        &[("added", 100.0), ("slowed", 3000.0), ("steady", 1000.0)],
                        d,
                    ),
                ]
            })
            .collect();
        let series = pair(&rounds);
        let names: Vec<&str> = series.iter().map(|s| s.key.benchmark.as_str()).collect();
        assert_eq!(names, ["added", "gone", "slowed", "steady"]);
        assert_eq!(series[2].base.len(), drifts.len());
        let judged = judge_paired(&series, &VerdictRule::default(), true);
        let verdicts: Vec<Verdict> = judged.iter().map(Judgement::verdict).collect();
        assert_eq!(
            verdicts,
            [
                Verdict::New,
                Verdict::Missing,
                Verdict::Regression,
                Verdict::Unchanged
            ]
        );
        let slowed = judged[2].change().unwrap();
        assert!((slowed.ratio - 3.0).abs() < 1e-9, "{slowed}");
        assert_eq!(slowed.noise, Noise::Paired { rounds: 6 });
        assert!(slowed.q.is_some());
        let on_p = judge_paired(&series, &VerdictRule::default(), false);
        assert_eq!(on_p[2].change().unwrap().q, None);
    }

    #[test]
    fn a_series_never_measured_by_both_sides_in_one_round_is_insufficient() {
        let rounds = vec![
            [side(&[("x", 1000.0)], 1.0), side(&[], 1.0)],
            [side(&[], 1.0), side(&[("x", 1000.0)], 1.0)],
        ];
        let series = pair(&rounds);
        let judged = judge_paired(&series, &VerdictRule::default(), true);
        assert!(
            matches!(judged[0], Judgement::Insufficient { .. }),
            "{judged:?}"
        );
    }
}
