//! From the rounds to verdicts: per series, one run estimate per round and side, paired by
//! round, judged together with the false discovery rate controlled across series.

use std::collections::BTreeSet;

use perfkit::compare::{Comparison, Verdict, VerdictRule, control_fdr};

use super::rounds::Recorded;
use crate::judge::{Row, Stats};
use crate::pool::{SeriesKey, Side};

/// One series' samples, round by round, on both sides.
#[derive(Debug, Clone, PartialEq)]
pub struct PairedSeries {
    /// The series.
    pub key: SeriesKey,
    /// Per round where both sides measured it: base's samples (pooled over its processes).
    pub base: Vec<Vec<f64>>,
    /// The head's samples of the same rounds, in the same order.
    pub head: Vec<Vec<f64>>,
    /// Whether base measured it in any round (`false`: the series is new).
    pub in_base: bool,
    /// Whether head measured it in any round (`false`: the series is missing).
    pub in_head: bool,
}

/// Every series either side measured, by name then size, with the rounds paired.
pub fn pair(rounds: &[[Recorded; 2]]) -> Vec<PairedSeries> {
    let keys: BTreeSet<&SeriesKey> = rounds
        .iter()
        .flat_map(|r| r[0].keys().chain(r[1].keys()))
        .collect();
    let samples = |recorded: &Recorded, key: &SeriesKey| -> Option<Vec<f64>> {
        let points = recorded.get(key)?;
        let all: Vec<f64> = points
            .iter()
            .flat_map(|p| p.record.samples.iter().copied())
            .collect();
        (!all.is_empty()).then_some(all)
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
                if let (Some(b), Some(h)) = (samples(&round[0], key), samples(&round[1], key)) {
                    series.base.push(b);
                    series.head.push(h);
                }
            }
            series
        })
        .collect()
}

/// Judges every series: `regression`/`improvement`/`unchanged` on the paired rounds, `new` or
/// `missing` when one side never measured it. `base` and `head` (all rounds pooled) give the
/// table's columns.
pub fn judge(
    series: &[PairedSeries],
    base: &Side,
    head: &Side,
    rule: &VerdictRule,
    fdr: bool,
) -> Vec<Row> {
    let stats = |side: &Side, key: &SeriesKey| side.series.get(key).and_then(Stats::of);
    let mut rows: Vec<Row> = series
        .iter()
        .map(|s| {
            let mut row = Row {
                key: s.key.clone(),
                base: stats(base, &s.key),
                head: stats(head, &s.key),
                comparison: None,
                verdict: Verdict::Unchanged,
                note: None,
            };
            if !s.in_base {
                row.verdict = Verdict::New;
            } else if !s.in_head {
                row.verdict = Verdict::Missing;
            } else {
                match compare_rounds(s, rule) {
                    Some(c) => {
                        row.verdict = c.verdict;
                        row.comparison = Some(c);
                    }
                    None => {
                        row.note = Some(format!(
                            "{} paired round{}: too few to judge",
                            s.base.len(),
                            if s.base.len() == 1 { "" } else { "s" }
                        ));
                    }
                }
            }
            row
        })
        .collect();
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

/// The change of one series over its paired rounds.
///
/// Stand-in until `perfkit::compare::judge` with `Design::Paired` lands: each round is
/// reduced to one estimate per side (its median) and the two sets of round estimates are
/// compared, so the unit of noise is the round, not the sample.
fn compare_rounds(s: &PairedSeries, rule: &VerdictRule) -> Option<Comparison> {
    let estimate = |rounds: &[Vec<f64>]| -> Vec<f64> {
        rounds
            .iter()
            .map(|samples| {
                let mut sorted = samples.clone();
                sorted.sort_by(f64::total_cmp);
                perfkit::stats::median(&sorted)
            })
            .collect()
    };
    if s.base.len() < 2 {
        return None;
    }
    Comparison::new(&estimate(&s.base), &estimate(&s.head), rule).ok()
}
