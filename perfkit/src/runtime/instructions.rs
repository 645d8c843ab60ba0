//! A perf test in instructions mode (`PERFKIT=instructions`): the parent side runs the test's
//! own binary under callgrind once per replicate and size and turns the counts into one
//! [`Measurement`] per metric and size; the child side runs the routine inside the counted
//! function. The protocol is [`crate::measure::callgrind`]'s.
//!
//! Each of the [`CHILD_RUNS`] child processes gives one sample of each metric, so a result of
//! one run holds that many samples, and the judge (which works on runs: a run's level and its
//! within-run variance) sees the process-to-process spread of the counts as the within-run
//! spread. Time budgets are not checked in this mode (nothing is timed); `max_instructions` is
//! checked against the median instructions per iteration.

use std::fmt::Write as _;

use super::{Measurement, Outcome, Routine, call, misuse};
use crate::compare::{BudgetCheck, Limit};
use crate::measure::callgrind::{self, CHILD_RUNS, CallgrindError, Counts, ITERATIONS, METRICS};
use crate::measure::{Bencher, Mode, Plan, Samples};
use crate::report::format_count_si;
use crate::spec::Spec;
use crate::stats::Summary;

/// In a child process under callgrind: runs the routine at `size` once, with the counted
/// iterations inside the toggled function; prints nothing, records nothing, takes no lock (the
/// parent holds it).
pub(super) fn child(spec: &Spec, routine: Routine<'_>, size: Option<usize>) -> Outcome {
    let mut b = Bencher::new(Plan::DEFAULT, Mode::Instructions);
    call(routine, &mut b, size);
    let failure = match b.iter_calls() {
        1 => None,
        calls => Some(misuse(spec.benchmark_name(), calls)),
    };
    Outcome {
        failure,
        ..Outcome::default()
    }
}

/// Counts every size of the routine: [`CHILD_RUNS`] runs under callgrind each, one
/// measurement per metric and size (sizes outer, metrics in [`METRICS`] order).
pub(super) fn measure(spec: &Spec, routine: Routine<'_>) -> Result<Vec<Measurement>, String> {
    let name = spec.benchmark_name();
    let fail = |e: &dyn std::fmt::Display| format!("perf test `{name}`: {e}");
    if super::variants::threads_of(spec) > 1 {
        return Err(fail(
            &"its thread counts above 1 cannot be counted: callgrind runs one thread at a time, \
              so there is no contention to count; measure time instead (unset PERFKIT)",
        ));
    }
    callgrind::check_supported().map_err(|e| fail(&e))?;
    let test = callgrind::test_name(spec.path);
    let sizes: Vec<Option<usize>> = match routine {
        Routine::Sized(_) => spec.sizes.iter().copied().map(Some).collect(),
        _ => vec![None],
    };
    let mut out = Vec::with_capacity(sizes.len() * METRICS.len());
    for size in sizes {
        let counted = measurements(size, spec.max_instructions, || {
            callgrind::count(test, name, size)
        });
        out.extend(counted.map_err(|e| fail(&e))?);
    }
    Ok(out)
}

/// One size's counts as measurements: `count` runs one child process under callgrind and is
/// called [`CHILD_RUNS`] times; one [`Measurement`] per metric, in [`METRICS`] order, each of
/// [`CHILD_RUNS`] samples. `max_instructions` is checked against the median instructions per
/// iteration. An error says what failed, for the caller to prefix with what was counted.
pub(crate) fn measurements(
    size: Option<usize>,
    max_instructions: Option<u64>,
    mut count: impl FnMut() -> Result<Counts, CallgrindError>,
) -> Result<Vec<Measurement>, String> {
    let mut values: [Vec<f64>; 4] = Default::default();
    for _ in 0..CHILD_RUNS {
        let counts = count().map_err(|e| e.to_string())?;
        for (i, (_, v)) in counts.per_iteration(ITERATIONS).into_iter().enumerate() {
            values[i].push(v);
        }
    }
    let mut out = Vec::with_capacity(METRICS.len());
    for (metric, values) in METRICS.into_iter().zip(values) {
        let summary =
            Summary::new(&values).map_err(|e| format!("its {metric} counts are unusable: {e}"))?;
        let checks = match (metric, max_instructions) {
            ("instructions", Some(max)) => vec![BudgetCheck {
                limit: Limit::Instructions,
                max: max as f64,
                estimate: summary.median,
            }],
            _ => Vec::new(),
        };
        out.push(Measurement {
            metric,
            size,
            samples: Samples {
                times_ns: values,
                iters_per_sample: ITERATIONS,
                allocations: None,
            },
            summary,
            checks,
        });
    }
    Ok(out)
}

/// One line per metric: `name (n = 1000)  instructions  1.204M per iteration  (3 runs:
/// 1.204M..1.204M)`, then its budget.
pub(super) fn block(name: &str, m: &Measurement) -> String {
    let size = m.size.map(|n| format!(" (n = {n})")).unwrap_or_default();
    let s = &m.summary;
    let mut text = format!(
        "{name}{size}  {:<16} {} per iteration  ({} runs: {}..{})\n",
        m.metric,
        format_count_si(s.median),
        s.n,
        format_count_si(s.min),
        format_count_si(s.max)
    );
    for c in &m.checks {
        let verdict = if c.passed() { "ok" } else { "FAIL" };
        let _ = writeln!(
            text,
            "  budget  {} {} <= {}  {verdict}  ({:.0}% of budget)",
            c.limit,
            format_count_si(c.estimate),
            format_count_si(c.max),
            c.usage() * 100.0
        );
    }
    text
}
