//! From stored runs to [`Sides`], and through the one judge: the layer between
//! `perfkit-store` (which selects the baseline and groups results into runs) and
//! [`compare::judge`](crate::compare::judge) (which decides).
//!
//! The perf-test runtime and every `cargo perfkit` command that judges (`run`, `compare`,
//! `check`, `history`) go through [`judge_runs`], so a test's own line and the commands can
//! only disagree if they were given different runs.
//!
//! ```
//! use perfkit::compare::{NoisePrior, Verdict, VerdictRule};
//! use perfkit::sides::{Fdr, judge_runs};
//! use perfkit_store::{SeriesKey, SeriesRuns};
//!
//! let run = |ns: f64| (0..50).map(|i| ns * (1.0 + f64::from(i % 7) / 1000.0)).collect::<Vec<_>>();
//! let key = SeriesKey::new("parse", None);
//! let head = [SeriesRuns { key: key.clone(), runs: vec![run(3000.0)] }];
//! let base = [SeriesRuns { key, runs: vec![run(1000.0)] }];
//! let rule = VerdictRule::default();
//! let prior = NoisePrior::default();
//! let judged = judge_runs(&head, Some(&base[..]), &[], false, &rule, &prior, Fdr::Bh);
//! assert_eq!(judged[0].judgement.verdict(), Verdict::Regression);
//! ```

use std::collections::BTreeMap;

use perfkit_store::{CommitRuns, SeriesKey, SeriesRuns};

use crate::compare::{Judgement, NoisePrior, RunEstimate, Sides, VerdictRule, judge, mean_level};

/// How many earlier commits a series' history reaches back for its noise floor (when no
/// commit has replicate runs): enough changes for a robust scale, recent enough that the
/// machine and the code are still much the same.
pub const HISTORY_COMMITS: usize = 20;

/// Whether verdicts are decided on Benjamini–Hochberg q-values across the series judged
/// together, or on each series' own p-value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fdr {
    /// On q-values (the default of `check`, `compare`, `run`).
    #[default]
    Bh,
    /// On p-values, each series on its own.
    None,
}

/// One series judged, with the size of each side.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    /// The series.
    pub key: SeriesKey,
    /// What the judge decided.
    pub judgement: Judgement,
    /// Usable runs on the base side (0: none).
    pub base_runs: usize,
    /// Usable runs on the head side.
    pub head_runs: usize,
    /// The base's judged level in the samples' unit (ns for time), when it has usable runs.
    pub base_level: Option<f64>,
    /// The head's judged level, when it has usable runs.
    pub head_level: Option<f64>,
}

/// Each run's estimate; runs with fewer than 2 usable samples are left out.
pub fn estimates(runs: &[Vec<f64>]) -> Vec<RunEstimate> {
    runs.iter()
        .filter_map(|r| RunEstimate::from_samples(r))
        .collect()
}

/// Judges every series of `head` against `base` (the baseline's series; `None`: no baseline,
/// every series is new), with `history` (earlier commits' runs, nearest first, as
/// [`Store::history_before`](perfkit_store::Store::history_before) returns them) as the noise
/// source when no commit has replicates. Each series takes the entries that hold it, in their
/// order, so histories read per benchmark may be concatenated. With `missing`, series only the
/// base has are judged too (as missing). Output ordered by series.
///
/// `prior` is the metric's noise prior ([`noise_prior`](crate::compare::noise_prior)): the
/// series judged together are of one metric.
///
/// A series both sides measured, but one of them without a usable run (fewer than 2 usable
/// samples each), is [`Judgement::Insufficient`], never new or missing.
pub fn judge_runs(
    head: &[SeriesRuns],
    base: Option<&[SeriesRuns]>,
    history: &[CommitRuns],
    missing: bool,
    rule: &VerdictRule,
    prior: &NoisePrior,
    fdr: Fdr,
) -> Vec<Judged> {
    let mut keys: BTreeMap<&SeriesKey, (Option<&SeriesRuns>, Option<&SeriesRuns>)> =
        BTreeMap::new();
    for s in head {
        keys.entry(&s.key).or_default().1 = Some(s);
    }
    for s in base.unwrap_or_default() {
        if missing || keys.contains_key(&s.key) {
            keys.entry(&s.key).or_default().0 = Some(s);
        }
    }
    let mut unusable = Vec::new();
    let sides: Vec<Sides> = keys
        .iter()
        .map(|(key, (b, h))| {
            let b = b.map_or_else(Vec::new, |s| estimates(&s.runs));
            let h = h.map_or_else(Vec::new, |s| estimates(&s.runs));
            let (stored_base, stored_head) = keys[key];
            unusable.push(
                stored_base.is_some() && stored_head.is_some() && (b.is_empty() || h.is_empty()),
            );
            // The store lists history nearest first; the judge wants it oldest first.
            let earlier = history
                .iter()
                .rev()
                .filter_map(|c| c.series(key))
                .map(|s| estimates(&s.runs))
                .filter(|e| !e.is_empty())
                .collect();
            Sides::independent(b, h).with_history(earlier)
        })
        .collect();
    let judgements = judge(&sides, rule, prior);
    keys.keys()
        .zip(sides)
        .zip(judgements)
        .zip(unusable)
        .map(|(((key, sides), mut judgement), unusable)| {
            if unusable {
                judgement = Judgement::Insufficient {
                    reason: "a side has fewer than 2 usable samples per run",
                };
            }
            if let (Judgement::Change(c), Fdr::None) = (&mut judgement, fdr) {
                c.q = None;
                c.verdict = rule.decide(c.ratio, c.p);
            }
            let level = |runs: &[RunEstimate]| (!runs.is_empty()).then(|| mean_level(runs).exp());
            Judged {
                key: (*key).clone(),
                judgement,
                base_runs: sides.base.len(),
                head_runs: sides.head.len(),
                base_level: level(&sides.base),
                head_level: level(&sides.head),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use perfkit_store::{Commit, Timestamp};

    use super::*;
    use crate::compare::{Noise, Verdict};

    /// 40 samples around `ns`, a fixed ±2% pattern.
    fn run(ns: f64) -> Vec<f64> {
        (0..40)
            .map(|i| ns * (1.0 + (f64::from((i * 37) % 41) - 20.0) / 1000.0))
            .collect()
    }

    fn series(name: &str, runs: &[f64]) -> SeriesRuns {
        SeriesRuns {
            key: SeriesKey::new(name, None),
            runs: runs.iter().map(|&ns| run(ns)).collect(),
        }
    }

    fn commit(i: u8, series: Vec<SeriesRuns>) -> CommitRuns {
        CommitRuns {
            commit: Commit {
                sha: format!("{i:040}"),
                parents: vec![],
                author_time: 0,
                summary: String::new(),
            },
            dirty: false,
            runs: 1,
            newest_run: Timestamp::from_unix_ms(0),
            series,
        }
    }

    #[test]
    fn every_kind_of_series_in_key_order() {
        let base = [
            series("fast", &[1000.0]),
            series("gone", &[1000.0]),
            series("slow", &[1000.0]),
        ];
        let head = [
            series("slow", &[3000.0]),
            series("fast", &[1000.0]),
            series("added", &[1000.0]),
            SeriesRuns {
                key: SeriesKey::new("tiny", None),
                runs: vec![vec![5.0]],
            },
        ];
        let rule = VerdictRule::default();
        let judged = judge_runs(
            &head,
            Some(&base),
            &[],
            true,
            &rule,
            &NoisePrior::default(),
            Fdr::Bh,
        );
        let got: Vec<(&str, Verdict)> = judged
            .iter()
            .map(|j| (j.key.benchmark.as_str(), j.judgement.verdict()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("added", Verdict::New),
                ("fast", Verdict::Unchanged),
                ("gone", Verdict::Missing),
                ("slow", Verdict::Regression),
                ("tiny", Verdict::New),
            ]
        );
        let slow = judged[3].judgement.change().unwrap();
        assert!(slow.q.is_some());
        assert_eq!(slow.noise, Noise::Prior);
        assert!((judged[3].head_level.unwrap() / judged[3].base_level.unwrap() - 3.0).abs() < 1e-9);
        assert_eq!(
            judged[0].head_level,
            Some(RunEstimate::from_samples(&run(1000.0)).unwrap().value())
        );
        let without_missing = judge_runs(
            &head,
            Some(&base),
            &[],
            false,
            &rule,
            &NoisePrior::default(),
            Fdr::None,
        );
        assert_eq!(without_missing.len(), 4);
        assert!(
            without_missing
                .iter()
                .all(|j| j.judgement.change().is_none_or(|c| c.q.is_none()))
        );
    }

    #[test]
    fn a_measured_series_without_usable_samples_is_insufficient_not_new() {
        let bad = SeriesRuns {
            key: SeriesKey::new("a", None),
            runs: vec![vec![1.0]],
        };
        let judged = judge_runs(
            &[bad],
            Some(&[series("a", &[1000.0])]),
            &[],
            false,
            &VerdictRule::default(),
            &NoisePrior::default(),
            Fdr::Bh,
        );
        assert!(matches!(
            judged[0].judgement,
            Judgement::Insufficient { .. }
        ));
    }

    #[test]
    fn history_sets_the_noise_floor_oldest_first() {
        // Ten earlier commits, nearest first as the store returns them, one run each.
        let history: Vec<CommitRuns> = (0..10)
            .map(|i| {
                commit(
                    i,
                    vec![series("a", &[1000.0 * (1.0 + 0.01 * f64::from(i % 3))])],
                )
            })
            .collect();
        let judged = judge_runs(
            &[series("a", &[1010.0])],
            Some(&[series("a", &[1000.0])]),
            &history,
            false,
            &VerdictRule::default(),
            &NoisePrior::default(),
            Fdr::Bh,
        );
        let change = judged[0].judgement.change().unwrap();
        assert_eq!(change.noise, Noise::History { commits: 11 });
    }
}
