//! A load test at run time (`fn(load: &mut perfkit::Load)`): run the load, turn its report
//! into the `latency`, `throughput` and `error_rate` measurements, check the load budgets,
//! print the block, then judge and record each metric as any perf test's.

use std::fmt::Write as _;

use super::{Measurement, Outcome, Routine, verdicts};
use crate::compare::{BudgetCheck, Limit};
use crate::load::{Arrival, Load, LoadPlan, LoadReport, tally::QUANTILES};
use crate::measure::{MeasureLock, Mode, Plan, Samples};
use crate::report::{budget_failure, format_count_si, format_ns, format_percent};
use crate::spec::{LoadSpec, Spec, Stat};
use crate::stats::Summary;

use super::settings::Settings;

/// The metric of successful requests' latency, in ns.
pub const LATENCY: &str = "latency";
/// The metric of successful requests per second.
pub const THROUGHPUT: &str = "throughput";
/// The metric of the share of failed requests.
pub const ERROR_RATE: &str = "error_rate";

/// Runs the load test `f` under `settings`, as [`super::execute`] runs the other forms.
pub(super) fn execute(spec: &Spec, f: fn(&mut Load), settings: &Settings) -> Outcome {
    let name = spec.benchmark_name();
    let load_spec = spec.load.unwrap_or(LoadSpec::DEFAULT);
    let mut outcome = Outcome::default();
    match settings.mode {
        Mode::Smoke => {
            let plan = LoadPlan::smoke(LoadPlan::new(&load_spec, None, Mode::Full).timeout);
            if let Err(e) = run(name, f, plan) {
                outcome.failure = Some(e);
            }
            outcome.text = format!("perfkit: {}\n", settings.smoke_reason);
            return outcome;
        }
        Mode::Instructions | Mode::Profile => {
            outcome.text = format!(
                "perfkit: load test `{name}` skipped: counting instructions and profiling follow \
                 one routine's calls, and a load test runs many at once on many workers; run it \
                 without PERFKIT=instructions or `cargo perfkit profile`\n"
            );
            return outcome;
        }
        Mode::Full | Mode::Quick => {}
    }
    let lock = MeasureLock::acquire(&settings.lock_path);
    if let Some(note) = &lock.note {
        let _ = writeln!(outcome.text, "perfkit: {note}");
    }
    let plan = LoadPlan::new(&load_spec, spec.warmup_ns, settings.mode);
    let (measurements, report) = match measure_plan(spec, f, plan) {
        Ok(found) => found,
        Err(e) => {
            outcome.failure = Some(e);
            return outcome;
        }
    };
    outcome
        .text
        .push_str(&block(name, &plan, &report, &measurements));
    let mut failures = Vec::new();
    if report.successes() == 0 {
        failures.push(all_failed(name, &report));
    }
    let failed: Vec<&BudgetCheck> = measurements
        .iter()
        .flat_map(|m| &m.checks)
        .filter(|c| !c.passed())
        .collect();
    if !failed.is_empty() {
        failures.push(budget_failure(name, None, &failed));
    }
    outcome.measurements = measurements;
    if let Err(e) = verdicts::judge(
        spec,
        Routine::Load(f),
        settings,
        Plan::DEFAULT,
        &mut outcome,
    ) {
        failures.push(e);
    }
    drop(lock);
    if !failures.is_empty() {
        outcome.failure = Some(failures.join("\n"));
    }
    outcome
}

/// Measures the load test again (a gated regression's confirmation).
pub(super) fn measure(
    spec: &Spec,
    f: fn(&mut Load),
    mode: Mode,
) -> Result<Vec<Measurement>, String> {
    let plan = LoadPlan::new(
        &spec.load.unwrap_or(LoadSpec::DEFAULT),
        spec.warmup_ns,
        mode,
    );
    measure_plan(spec, f, plan).map(|(measurements, _)| measurements)
}

fn measure_plan(
    spec: &Spec,
    f: fn(&mut Load),
    plan: LoadPlan,
) -> Result<(Vec<Measurement>, LoadReport), String> {
    let report = run(spec.benchmark_name(), f, plan)?;
    Ok((measurements(spec, &report), report))
}

/// Calls the test's function with a [`Load`] handle; the report, or the failure message.
fn run(name: &str, f: fn(&mut Load), plan: LoadPlan) -> Result<LoadReport, String> {
    let mut load = Load::new(plan);
    f(&mut load);
    match (load.calls(), load.take_result()) {
        (1, Some(Ok(report))) => Ok(report),
        (1, Some(Err(panic))) => Err(format!("load test `{name}`: {panic}")),
        (0, _) => Err(format!(
            "load test `{name}` never called `load.run(...)` (or `run_async`): call it once \
             with one request, like `load.run(|| client.get(&url))`"
        )),
        (calls, _) => Err(format!(
            "load test `{name}` called `load.run*` {calls} times: call it once (each call \
             runs the whole load); split it into separate load tests"
        )),
    }
}

/// The three metrics of a report, each with its budgets: `latency` only when a request
/// succeeded (there is no latency of nothing).
pub(super) fn measurements(spec: &Spec, report: &LoadReport) -> Vec<Measurement> {
    let load = spec.load.unwrap_or(LoadSpec::DEFAULT);
    let mut out = Vec::with_capacity(3);
    let latencies = report.latency_samples();
    if let Ok(summary) = Summary::new(&latencies) {
        let checks = spec
            .budgets
            .iter()
            .filter_map(|b| {
                Some(BudgetCheck {
                    limit: Limit::Time(b.stat),
                    max: b.limit_ns as f64,
                    estimate: latency_stat(report, b.stat)?,
                })
            })
            .collect();
        out.push(measurement(LATENCY, latencies, summary, checks));
    }
    let metrics = [
        (
            THROUGHPUT,
            report.throughput_windows(),
            load.min_throughput.map(|min| BudgetCheck {
                limit: Limit::MinThroughput,
                max: min,
                estimate: report.throughput(),
            }),
        ),
        (
            ERROR_RATE,
            report.error_rate_windows(),
            load.max_error_rate.map(|max| BudgetCheck {
                limit: Limit::ErrorRate,
                max,
                estimate: report.error_rate(),
            }),
        ),
    ];
    for (metric, windows, check) in metrics {
        if let Ok(summary) = Summary::new(&windows) {
            out.push(measurement(
                metric,
                windows,
                summary,
                check.into_iter().collect(),
            ));
        } else if let Some(check) = check {
            // No window to summarise (nothing completed): the budget is still checked, on the
            // whole run's figure, under the metric it names.
            let summary = Summary::new(&[check.estimate]).expect("a finite figure");
            out.push(measurement(
                metric,
                vec![check.estimate],
                summary,
                vec![check],
            ));
        }
    }
    out
}

fn measurement(
    metric: &'static str,
    values: Vec<f64>,
    summary: Summary,
    checks: Vec<BudgetCheck>,
) -> Measurement {
    Measurement {
        metric,
        size: None,
        samples: Samples {
            times_ns: values,
            iters_per_sample: 1,
            allocations: None,
        },
        summary,
        checks,
    }
}

/// A latency budget's statistic read from the histogram, as the block shows it.
fn latency_stat(report: &LoadReport, stat: Stat) -> Option<f64> {
    match stat {
        Stat::Median | Stat::P50 => report.latency_ns(0.5),
        Stat::P90 => report.latency_ns(0.9),
        Stat::P95 => report.latency_ns(0.95),
        Stat::P99 => report.latency_ns(0.99),
        Stat::Max => report.max_latency_ns(),
        Stat::Mean => report.mean_latency_ns(),
    }
}

/// The failure of a run where nothing succeeded: usually the service is not there.
fn all_failed(name: &str, report: &LoadReport) -> String {
    let mut msg = format!(
        "load test `{name}`: every request failed ({} of {}, error rate 100%)",
        report.errors(),
        report.requests()
    );
    if report.requests() == 0 {
        msg = format!(
            "load test `{name}`: no request completed: the run ended before the first one \
             (raise `duration` or `requests`)"
        );
    }
    let (errors, _) = report.distinct_errors();
    if let Some((first, _)) = errors.first() {
        let _ = write!(
            msg,
            "; the first error: {first:?}. Is the service up, and is its address right?"
        );
    }
    msg
}

/// The block a load test prints.
pub(super) fn block(
    name: &str,
    plan: &LoadPlan,
    report: &LoadReport,
    measurements: &[Measurement],
) -> String {
    let mut text = format!("load {name}  {}\n", plan.describe());
    if report.successes() > 0 {
        let mut line = "  latency ".to_owned();
        for (label, q) in QUANTILES {
            if let Some(v) = report.latency_ns(q) {
                let _ = write!(line, "  {label} {}", format_ns(v));
            }
        }
        if let Some(max) = report.max_latency_ns() {
            let _ = write!(line, "  max {}", format_ns(max));
        }
        let _ = writeln!(text, "{line}");
    }
    let _ = writeln!(
        text,
        "  requests  {} in {:.2} s: {} ok, {} failed ({})   throughput {}/s",
        report.requests(),
        report.elapsed.as_secs_f64(),
        report.successes(),
        report.errors(),
        format_percent(report.error_rate()),
        format_count_si(report.throughput())
    );
    let (errors, others) = report.distinct_errors();
    for (message, count) in errors.iter().take(3) {
        let _ = writeln!(text, "  error     {message:?} x{count}");
    }
    let unshown: u64 = errors.iter().skip(3).map(|(_, n)| n).sum::<u64>() + others;
    if unshown > 0 {
        let _ = writeln!(text, "  error     ... and {unshown} with other messages");
    }
    match plan.arrival {
        Arrival::Closed => text.push_str(
            "  note      closed loop: latency runs from each send, so a stall counts once, not \
             against the requests it held back (coordinated omission is not corrected); \
             `rate = \"...\"` runs an open loop that counts it\n",
        ),
        Arrival::Open { .. } if report.late() > 0 => {
            let _ = writeln!(
                text,
                "  note      {} requests were sent more than the timeout after they were due: \
                 the {} workers could not keep up with the rate; their latency counts the \
                 wait (raise `concurrency` if the service, not the workers, should be the limit)",
                report.late(),
                plan.concurrency
            );
        }
        Arrival::Open { .. } => {}
    }
    for c in measurements.iter().flat_map(|m| &m.checks) {
        let verdict = if c.passed() { "ok" } else { "FAIL" };
        let (estimate, limit) = match c.limit {
            Limit::ErrorRate => (format_percent(c.estimate), format_percent(c.max)),
            Limit::MinThroughput => (
                format!("{}/s", format_count_si(c.estimate)),
                format!("{}/s", format_count_si(c.max)),
            ),
            _ => (format_ns(c.estimate), format_ns(c.max)),
        };
        let relation = if c.limit.is_minimum() { ">=" } else { "<=" };
        let _ = writeln!(
            text,
            "  budget    {} {estimate} {relation} {limit}  {verdict}",
            c.limit
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use perfkit_store::{MetricInfo, SeriesKey, SeriesRuns};

    use super::*;
    use crate::compare::{Verdict, default_rule, noise_prior};
    use crate::load::{Outcome as Request, Tally};
    use crate::sides::{Fdr, judge_runs};

    /// A phase of one second with `per_window` successes in each tenth, with ±2% jitter.
    fn windows(per_window: u64, seed: u64) -> Vec<f64> {
        let mut tally = Tally::new();
        for w in 0..10u64 {
            let jitter = (w * 7 + seed) % 5;
            let n = per_window * (98 + jitter) / 100;
            for i in 0..n {
                let at = Duration::from_millis(w * 100) + Duration::from_micros(i * 90_000 / n);
                tally.record(at, Duration::from_millis(1), Request::Ok);
            }
        }
        tally
            .into_report(Duration::from_secs(1))
            .throughput_windows()
    }

    fn verdict(base: u64, head: u64) -> Verdict {
        let key = SeriesKey::new("load", None);
        let run = |n: u64, seed: u64| SeriesRuns {
            key: key.clone(),
            runs: vec![windows(n, seed)],
        };
        let info = MetricInfo::builtin(THROUGHPUT).expect("a built-in metric");
        let judged = judge_runs(
            &[run(head, 1)],
            Some(&[run(base, 2)]),
            &[],
            false,
            &default_rule(&info),
            &noise_prior(THROUGHPUT),
            Fdr::Bh,
        );
        judged[0].judgement.verdict()
    }

    /// Throughput is higher-is-better: the one judge calls a fall a regression.
    #[test]
    fn throughput_windows_are_judged_with_the_run_level_verdict() {
        assert_eq!(verdict(1_000, 500), Verdict::Regression);
        assert_eq!(verdict(1_000, 2_000), Verdict::Improvement);
        assert_eq!(verdict(1_000, 1_000), Verdict::Unchanged);
    }
}
