//! The baseline comparison of a perf test: find the baseline, judge each measurement with
//! Welch's test on log-times, confirm a gated regression by measuring again, then record.

use std::fmt::Write as _;

use perfkit_store::{Baseline, Timestamp};

use super::settings::Settings;
use super::{Measurement, Outcome, Routine, history, measure};
use crate::compare::{LegacyComparison as Comparison, Verdict, VerdictRule};
use crate::measure::Plan;
use crate::spec::Spec;

/// Compares `outcome`'s measurements with the baseline, prints the verdicts, and records them.
/// When the test is gated (`regression = ".."`, `PERFKIT_GATE=1`, `fail_on_regression`) and a
/// regression is found, measures once more and fails only if the fresh samples confirm it.
pub(super) fn judge(
    spec: &Spec,
    routine: Routine,
    settings: &Settings,
    plan: Plan,
    outcome: &mut Outcome,
) -> Result<(), String> {
    let series = history::Series::of(spec);
    let Some(mut history) = history::open(&settings.history, series)? else {
        return Ok(());
    };
    outcome.text.push_str(&history.notes);
    let baseline = history.baseline(series)?;
    let rule = VerdictRule {
        alpha: spec.alpha.unwrap_or(settings.rule.alpha),
        threshold: spec.regression.unwrap_or(settings.rule.threshold),
    };
    let gate = spec.regression.is_some() || settings.gate;

    let Some(baseline) = baseline else {
        outcome.text.push_str("no baseline yet\n");
        let none = vec![None; outcome.measurements.len()];
        return history.record(series, &outcome.measurements, &none);
    };
    let _ = writeln!(
        outcome.text,
        "baseline: {}",
        baseline.describe(Timestamp::now())
    );
    let mut comparisons = compare_all(
        spec,
        &baseline,
        &outcome.measurements,
        &rule,
        &mut outcome.text,
    );

    let mut failure = None;
    if gate && regressed(&comparisons).next().is_some() {
        outcome
            .text
            .push_str("regression against the baseline: measuring again to confirm\n");
        let again = measure(spec, routine, settings.mode, plan)?;
        let second = compare_all(spec, &baseline, &again, &rule, &mut outcome.text);
        let confirmed: Vec<usize> = regressed(&comparisons)
            .filter(|&i| matches!(&second[i], Some(c) if c.verdict == Verdict::Regression))
            .collect();
        if confirmed.is_empty() {
            outcome
                .text
                .push_str("confirmation: not confirmed by the fresh samples; not failing\n");
        } else {
            let _ = writeln!(outcome.text, "confirmation: the fresh samples confirm it");
            failure = Some(regression_failure(
                spec, &baseline, &again, &second, &confirmed, &rule,
            ));
        }
        // The fresh samples are the answer the test gives, so they are what history keeps.
        outcome.measurements = again;
        comparisons = second;
    }
    history.record(series, &outcome.measurements, &comparisons)?;
    failure.map_or(Ok(()), Err)
}

fn regressed(comparisons: &[Option<Comparison>]) -> impl Iterator<Item = usize> + '_ {
    comparisons
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c, Some(c) if c.verdict == Verdict::Regression))
        .map(|(i, _)| i)
}

/// One comparison per measurement (`None`: the baseline lacks that series), each printed as
/// `  vs baseline (n = 1000): +7.2% [+4.1%, +10.4%]  p=0.0003  regression`.
fn compare_all(
    spec: &Spec,
    baseline: &Baseline,
    measurements: &[Measurement],
    rule: &VerdictRule,
    text: &mut String,
) -> Vec<Option<Comparison>> {
    measurements
        .iter()
        .map(|m| {
            let label = m.size.map(|n| format!(" (n = {n})")).unwrap_or_default();
            let series = baseline.series(spec.benchmark_name(), m.size.map(|n| n as u64));
            let Some(series) = series else {
                let _ = writeln!(text, "  vs baseline{label}: {}", Verdict::New);
                return None;
            };
            match Comparison::new(&series.samples, &m.samples.times_ns, rule) {
                Ok(c) => {
                    let _ = writeln!(text, "  vs baseline{label}: {c}");
                    Some(c)
                }
                Err(e) => {
                    let _ = writeln!(text, "  vs baseline{label}: cannot compare ({e})");
                    None
                }
            }
        })
        .collect()
}

fn regression_failure(
    spec: &Spec,
    baseline: &Baseline,
    measurements: &[Measurement],
    comparisons: &[Option<Comparison>],
    confirmed: &[usize],
    rule: &VerdictRule,
) -> String {
    let mut msg = format!(
        "perf test `{}` is significantly slower than its baseline {} (threshold {:.1}%, alpha \
         {}), confirmed by a second measurement:",
        spec.benchmark_name(),
        baseline.commit.short_sha(),
        rule.threshold * 100.0,
        rule.alpha
    );
    for &i in confirmed {
        if let Some(c) = &comparisons[i] {
            let label = measurements[i]
                .size
                .map(|n| format!(" (n = {n})"))
                .unwrap_or_default();
            let _ = write!(msg, "\n  {}{label}: {c}", spec.benchmark_name());
        }
    }
    msg
}
