//! The baseline comparison of a perf test: select the baseline and the series' history (the
//! store's one rule), judge each size with the one judge ([`crate::sides::judge_runs`]),
//! confirm a gated regression by measuring again, then record.
//!
//! The series of one test are its sizes: they are judged together, with the false discovery
//! rate controlled across them, exactly as `cargo perfkit check` judges them with the rest.

use std::fmt::Write as _;

use perfkit_store::{CommitRuns, SeriesKey, SeriesRuns, Timestamp};

use super::settings::Settings;
use super::{Measurement, Outcome, Routine, history, measure};
use crate::compare::{Change, Judgement, NoisePrior, Verdict, VerdictRule, noise_prior};
use crate::measure::Plan;
use crate::sides::{Fdr, Judged, judge_runs};
use crate::spec::Spec;

/// Compares `outcome`'s measurements with the baseline, prints the verdicts, and records them.
/// When the test is gated (`regression = ".."`, `PERFKIT_GATE=1`, `fail_on_regression`) and a
/// regression is found, measures once more and fails only if the judge, given both runs as
/// the head, still finds it. A baseline that cannot be read (a bad `PERFKIT_BASELINE`) fails
/// the test after its result is recorded.
pub(super) fn judge(
    spec: &Spec,
    routine: Routine<'_>,
    settings: &Settings,
    plan: Plan,
    outcome: &mut Outcome,
) -> Result<(), String> {
    let series = history::Series::of(spec);
    let Some(mut history) = history::open(&settings.history, series)? else {
        return Ok(());
    };
    outcome.text.push_str(&history.notes);
    // Each metric is its own series with its own baseline: judged, confirmed and recorded apart.
    let mut metrics: Vec<&'static str> = Vec::new();
    for m in &outcome.measurements {
        if !metrics.contains(&m.metric) {
            metrics.push(m.metric);
        }
    }
    let mut kept = Vec::with_capacity(outcome.measurements.len());
    let mut failures = Vec::new();
    for metric in metrics {
        let mut measurements: Vec<Measurement> = outcome
            .measurements
            .iter()
            .filter(|m| m.metric == metric)
            .cloned()
            .collect();
        let judged = judge_metric(
            spec,
            routine,
            settings,
            plan,
            (&mut history, series.of_metric(metric)),
            &mut measurements,
            &mut outcome.text,
        );
        if let Err(e) = judged {
            failures.push(e);
        }
        kept.extend(measurements);
    }
    outcome.measurements = kept;
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

/// [`judge`] for the measurements of one metric.
fn judge_metric(
    spec: &Spec,
    routine: Routine<'_>,
    settings: &Settings,
    plan: Plan,
    (history, series): (&mut history::Opened, history::Series<'_>),
    measurements: &mut Vec<Measurement>,
    text: &mut String,
) -> Result<(), String> {
    let metric = series.metric;
    // Built-in metrics describe themselves; a user's metric is described where its code
    // declares it.
    let info = super::custom::info(metric);
    let mut rule = settings.rule_for(&info);
    rule.alpha = spec.alpha.unwrap_or(rule.alpha);
    rule.threshold = spec.regression.unwrap_or(rule.threshold);
    let prior = noise_prior(metric);
    let gate = spec.regression.is_some() || settings.gate;
    let none = vec![None; measurements.len()];
    let label = if metric == perfkit_store::DEFAULT_METRIC {
        String::new()
    } else {
        format!("{metric}: ")
    };

    let (baseline, earlier) = match history.baseline(series) {
        Ok(Some(found)) => found,
        Ok(None) => {
            let _ = writeln!(text, "{label}no baseline yet");
            return history.record(series, measurements, &none);
        }
        Err(e) => {
            // Record first: the measurement is good whatever the baseline's trouble.
            history.record(series, measurements, &none)?;
            return Err(e);
        }
    };
    let _ = writeln!(
        text,
        "{label}baseline: {}",
        baseline.describe(Timestamp::now())
    );
    let heads = |runs: &[&[Measurement]]| head_runs(spec, runs);
    let first = measurements.clone();
    let judge = |head: &[SeriesRuns], m: &[Measurement], text: &mut String| {
        judge_all(head, &baseline, &earlier, m, &rule, &prior, text)
    };
    let mut changes = judge(&heads(&[&first]), &first, text);

    let mut failure = None;
    if gate && regressed(&changes).next().is_some() {
        let _ = writeln!(
            text,
            "{label}regression against the baseline: measuring again to confirm"
        );
        let again: Vec<Measurement> = measure(spec, routine, settings.mode, plan)?
            .into_iter()
            .filter(|m| m.metric == metric)
            .collect();
        let both = judge(&heads(&[&first, &again]), &again, text);
        let confirmed: Vec<usize> = regressed(&both).collect();
        if confirmed.is_empty() {
            let _ = writeln!(
                text,
                "{label}confirmation: not confirmed with the second run; not failing"
            );
        } else {
            let _ = writeln!(text, "{label}confirmation: the second run confirms it");
            failure = Some(regression_failure(
                spec, &baseline, &again, &both, &confirmed, &rule,
            ));
        }
        // The fresh samples are the answer the test gives, so they are what history keeps.
        *measurements = again;
        changes = both;
    }
    history.record(series, measurements, &changes)?;
    failure.map_or(Ok(()), Err)
}

fn regressed(changes: &[Option<Change>]) -> impl Iterator<Item = usize> + '_ {
    changes
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c, Some(c) if c.verdict == Verdict::Regression))
        .map(|(i, _)| i)
}

fn key(spec: &Spec, m: &Measurement) -> SeriesKey {
    SeriesKey::new(spec.benchmark_name(), m.size.map(|n| n as u64))
}

/// The head's runs of each size: one per measurement pass (the confirmation adds one).
fn head_runs(spec: &Spec, passes: &[&[Measurement]]) -> Vec<SeriesRuns> {
    passes[0]
        .iter()
        .enumerate()
        .map(|(i, m)| SeriesRuns {
            key: key(spec, m),
            runs: passes
                .iter()
                .filter_map(|p| p.get(i))
                .map(|m| m.samples.times_ns.clone())
                .collect(),
        })
        .collect()
}

/// Judges every size; one change per measurement (`None`: new, or too little to judge), each
/// printed as `  vs baseline (n = 1000): +7.2% [+4.1%, +10.4%]  p=0.0003  regression  (noise:
/// prior)`.
fn judge_all(
    head: &[SeriesRuns],
    baseline: &CommitRuns,
    earlier: &[CommitRuns],
    measurements: &[Measurement],
    rule: &VerdictRule,
    prior: &NoisePrior,
    text: &mut String,
) -> Vec<Option<Change>> {
    let judged = judge_runs(
        head,
        Some(&baseline.series),
        earlier,
        false,
        rule,
        prior,
        Fdr::Bh,
    );
    head.iter()
        .zip(measurements)
        .map(|(series, m)| {
            let mut label = m.size.map(|n| format!(" (n = {n})")).unwrap_or_default();
            if m.metric != perfkit_store::DEFAULT_METRIC {
                label = format!("{label} [{}]", m.metric);
            }
            let found: Option<&Judged> = judged.iter().find(|j| j.key == series.key);
            match found.map(|j| &j.judgement) {
                Some(Judgement::Change(c)) => {
                    let _ = writeln!(text, "  vs baseline{label}: {c}  (noise: {})", c.noise);
                    Some(*c)
                }
                Some(Judgement::Insufficient { reason }) => {
                    let _ = writeln!(text, "  vs baseline{label}: cannot compare ({reason})");
                    None
                }
                _ => {
                    let _ = writeln!(text, "  vs baseline{label}: {}", Verdict::New);
                    None
                }
            }
        })
        .collect()
}

fn regression_failure(
    spec: &Spec,
    baseline: &CommitRuns,
    measurements: &[Measurement],
    changes: &[Option<Change>],
    confirmed: &[usize],
    rule: &VerdictRule,
) -> String {
    let metric = measurements.first().map_or("time", |m| m.metric);
    let mut msg = format!(
        "perf test `{}` is significantly {} than its baseline {} (threshold {:.1}%, alpha \
         {}), confirmed by a second measurement:",
        spec.benchmark_name(),
        if metric == perfkit_store::DEFAULT_METRIC {
            "slower".to_owned()
        } else {
            format!("worse in {metric}")
        },
        baseline.commit.short_sha(),
        rule.threshold * 100.0,
        rule.alpha
    );
    for &i in confirmed {
        if let Some(c) = &changes[i] {
            let label = measurements[i]
                .size
                .map(|n| format!(" (n = {n})"))
                .unwrap_or_default();
            let _ = write!(msg, "\n  {}{label}: {c}", spec.benchmark_name());
        }
    }
    msg
}
