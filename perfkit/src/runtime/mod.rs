//! The runtime behind `#[perf_test]`: plan, measure, summarise, check budgets, print.

mod config;
mod custom;
pub mod file_budgets;
mod history;
pub(crate) mod instructions;
mod load;
mod profiling;
mod registry;
mod sampling;
mod settings;
mod variants;
mod verdicts;

use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

pub use config::SettingsError;
pub(crate) use history::{Series, record_series};
pub use settings::{History, HistoryConfig, Settings};
pub use variants::{Variant, arg_name};

use perfkit_store::MetricInfo;

use crate::alloc;
use crate::compare::{BudgetCheck, check_budgets};
use crate::complexity::{self, Complexity};
use crate::measure::{Bencher, MeasureLock, Mode, Plan, Samples};
use crate::report::{ResultBlock, budget_failure, format_count_si, format_ns};
use crate::spec::{Spec, Stat};
use crate::stats::Summary;

/// The user's function, in one of the three forms `#[perf_test]` accepts, or a closure (a
/// benchmark of [`crate::criterion`], which captures its input).
#[derive(Clone, Copy)]
pub enum Routine<'a> {
    /// `fn()`: the whole body is timed.
    Plain(fn()),
    /// `fn(&mut Bencher)`: only what `b.iter(...)` runs is timed.
    Bencher(fn(&mut Bencher)),
    /// `fn(&mut Bencher, n: usize)`: measured once per size in `sizes`.
    Sized(fn(&mut Bencher, usize)),
    /// `fn(&mut Load)`: a load test, run by [`crate::load`].
    Load(fn(&mut crate::load::Load)),
    /// `async fn()`: each iteration runs the whole future on a current-thread Tokio runtime
    /// (the `tokio` feature).
    Async(fn() -> BoxedFuture),
    /// A closure that, like `fn(&mut Bencher)`, times what its `b.iter(...)` runs. It runs on
    /// the calling thread only (criterion's closures need not be `Send`).
    Closure(&'a dyn Fn(&mut Bencher)),
}

/// The future of an `async fn` perf test, boxed so that every `async fn` has one type.
pub type BoxedFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>;

/// Boxes the future of an `async fn` perf test (the expansion's `|| boxed(f())`).
pub fn boxed(future: impl std::future::Future<Output = ()> + 'static) -> BoxedFuture {
    Box::pin(future)
}

// A routine that panics is never called again (the panic fails the test or benchmark), so no
// broken invariant of a closure's captures can be observed after unwinding: a `Routine` may
// cross `catch_unwind` as the plain `fn` forms always could.
impl std::panic::UnwindSafe for Routine<'_> {}
impl std::panic::RefUnwindSafe for Routine<'_> {}

impl std::fmt::Debug for Routine<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Routine::Plain(_) => "Routine::Plain",
            Routine::Bencher(_) => "Routine::Bencher",
            Routine::Sized(_) => "Routine::Sized",
            Routine::Closure(_) => "Routine::Closure",
            Routine::Load(_) => "Routine::Load",
            Routine::Async(_) => "Routine::Async",
        })
    }
}

/// The `fn` forms of a [`Routine`]: plain function pointers, which other threads may call
/// (`threads = [...]`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum FnRoutine {
    Plain(fn()),
    Bencher(fn(&mut Bencher)),
    Sized(fn(&mut Bencher, usize)),
    Async(fn() -> BoxedFuture),
}

impl Routine<'_> {
    /// This routine for other threads; `None` for a closure, which runs on its own thread.
    pub(crate) fn for_threads(self) -> Option<FnRoutine> {
        match self {
            Routine::Plain(f) => Some(FnRoutine::Plain(f)),
            Routine::Bencher(f) => Some(FnRoutine::Bencher(f)),
            Routine::Sized(f) => Some(FnRoutine::Sized(f)),
            Routine::Async(f) => Some(FnRoutine::Async(f)),
            // A load test runs its own workers; it is never handed to a team.
            Routine::Closure(_) | Routine::Load(_) => None,
        }
    }
}

impl From<FnRoutine> for Routine<'static> {
    fn from(f: FnRoutine) -> Routine<'static> {
        match f {
            FnRoutine::Plain(f) => Routine::Plain(f),
            FnRoutine::Bencher(f) => Routine::Bencher(f),
            FnRoutine::Sized(f) => Routine::Sized(f),
            FnRoutine::Async(f) => Routine::Async(f),
        }
    }
}

/// One measured size (or the only measurement of an unsized test).
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// What the samples measure: `time` (ns per iteration) or, in instructions mode, one of
    /// [`callgrind::METRICS`](crate::measure::callgrind::METRICS) per iteration.
    pub metric: &'static str,
    /// The input size, for sized tests.
    pub size: Option<usize>,
    /// The raw measurement.
    pub samples: Samples,
    /// Its statistics.
    pub summary: Summary,
    /// Every budget checked against it.
    pub checks: Vec<BudgetCheck>,
}

/// What a perf test produced: its measurements and the text it prints.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// One per case (type, argument, thread count), size and metric; empty in a
    /// smoke run.
    pub measurements: Vec<Measurement>,
    /// The report (one block per measurement, plus notes).
    pub text: String,
    /// The failure message when the test failed (broken budget, misuse).
    pub failure: Option<String>,
}

/// Runs one perf test to completion; panics (failing the test) when a budget is broken, when
/// another test in this process has its name, or when the settings cannot be read.
///
/// `#[track_caller]`: the panic points at the user's test (the generated call sits on the
/// `#[perf_test]` line), not at this file. Every panic here must stay in this function's own
/// body or in `#[track_caller]` functions: a closure would lose the caller's location.
#[track_caller]
pub fn run(spec: &Spec, routine: Routine<'_>) {
    run_variants(spec, &[Variant::of(routine)]);
}

/// [`run`] for a test with `types` or `args`: one benchmark per variant (and thread count).
#[track_caller]
pub fn run_variants(spec: &Spec, variants: &[Variant<'_>]) {
    if let Err(e) = registry::register(spec.benchmark_name(), spec.path) {
        panic!("{e}");
    }
    let spec = &Spec {
        manifest_dir: manifest_dir_at_run_time(spec.manifest_dir),
        ..*spec
    };
    let settings = match Settings::from_env(Path::new(spec.manifest_dir)) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let outcome = execute_variants(spec, variants, &settings);
    print!("{}", outcome.text);
    if let Some(failure) = outcome.failure {
        panic!("{failure}");
    }
}

/// The crate directory that decides the workspace, its store and its git repository: cargo's
/// `CARGO_MANIFEST_DIR` of this test process, else `compiled` (the macro's compile-time one).
/// A test binary built for one checkout may be run for another (a shared target directory);
/// the compile-time path would then record into the other checkout's store under its commit.
pub(crate) fn manifest_dir_at_run_time(compiled: &'static str) -> &'static str {
    static AT_RUN_TIME: OnceLock<Option<&'static str>> = OnceLock::new();
    AT_RUN_TIME
        .get_or_init(|| {
            let dir = std::env::var("CARGO_MANIFEST_DIR").ok()?;
            (!dir.is_empty()).then(|| &*Box::leak(dir.into_boxed_str()))
        })
        .unwrap_or(compiled)
}

/// Runs one perf test under `settings` and returns what it found, without printing or panicking
/// on a broken budget (a panic in the routine itself still propagates). With `threads`, each
/// thread count is a benchmark of its own (see [`execute_variants`]).
pub fn execute(spec: &Spec, routine: Routine<'_>, settings: &Settings) -> Outcome {
    execute_variants(spec, &[Variant::of(routine)], settings)
}

/// [`execute`] for every case of a test: each variant (type, argument) at each thread count,
/// each measured, judged and recorded as a benchmark of its own (named as
/// [`Variant`]'s module explains). The outcomes are joined in order: the measurements of every
/// case, its text, and the failures of all cases.
pub fn execute_variants(spec: &Spec, variants: &[Variant<'_>], settings: &Settings) -> Outcome {
    let mut cases = match variants::cases(spec, variants) {
        Ok(cases) => cases,
        Err(e) => {
            return Outcome {
                failure: Some(e.to_string()),
                ..Outcome::default()
            };
        }
    };
    if settings.mode == Mode::Instructions
        && cases.len() > 1
        && let Some(case) = crate::measure::callgrind::child_case()
    {
        // A child under callgrind counts the one case its parent asked for (a test of one
        // case counts it, whatever its name).
        cases.retain(|c| c.spec.benchmark_name() == case);
    }
    let mut joined = Outcome::default();
    let mut failures = Vec::new();
    for case in cases {
        let outcome = execute_case(&case.spec, case.routine, settings);
        joined.measurements.extend(outcome.measurements);
        joined.text.push_str(&outcome.text);
        failures.extend(outcome.failure);
    }
    if !failures.is_empty() {
        joined.failure = Some(failures.join("\n"));
    }
    joined
}

/// [`execute`] for one case.
fn execute_case(spec: &Spec, routine: Routine<'_>, settings: &Settings) -> Outcome {
    let spec = &file_budgets::apply(spec, &settings.budgets);
    if let Routine::Load(f) = routine {
        return load::execute(spec, f, settings);
    }
    if matches!(routine, Routine::Async(_)) && !cfg!(feature = "tokio") {
        return Outcome {
            failure: Some(format!(
                "perf test `{}` is an `async fn`, which runs on Tokio: enable perfkit's `tokio` \
                 feature (`perfkit = {{ ..., features = [\"tokio\"] }}` in Cargo.toml)",
                spec.benchmark_name()
            )),
            ..Outcome::default()
        };
    }
    if settings.mode == Mode::Smoke {
        if let Err(e) = sampling::smoke(routine, spec.sizes, variants::threads_of(spec)) {
            return Outcome {
                failure: Some(format!("perf test `{}`: {e}", spec.benchmark_name())),
                ..Outcome::default()
            };
        }
        static SAID: AtomicBool = AtomicBool::new(false);
        let text = if SAID.swap(true, Ordering::Relaxed) {
            String::new()
        } else {
            format!("perfkit: {}\n", settings.smoke_reason)
        };
        return Outcome {
            text,
            ..Outcome::default()
        };
    }

    if settings.mode == Mode::Instructions
        && let Some(size) = crate::measure::callgrind::child_size()
    {
        return instructions::child(spec, routine, size);
    }

    let name = spec.benchmark_name();
    if (spec.max_allocs.is_some() || spec.max_bytes.is_some()) && !alloc::is_installed() {
        return Outcome {
            failure: Some(format!(
                "perf test `{name}` has an allocation budget, but perfkit's counting allocator \
                 is not installed. Add these two lines to the test crate (e.g. at the top of the \
                 test file):\n\n{}\n",
                alloc::HOW_TO_INSTALL
            )),
            ..Outcome::default()
        };
    }

    let lock = MeasureLock::acquire(&settings.lock_path);
    let mut outcome = Outcome::default();
    if let Some(note) = &lock.note {
        outcome.text.push_str(&format!("perfkit: {note}\n"));
    }
    let plan = plan_for(spec, settings.mode);
    let mut failures = Vec::new();
    let measurements = match measure(spec, routine, settings.mode, plan) {
        Ok(m) => m,
        Err(e) => {
            outcome.failure = Some(e);
            return outcome;
        }
    };
    for m in &measurements {
        if m.metric == perfkit_store::DEFAULT_METRIC {
            let block = ResultBlock {
                name,
                size: m.size,
                summary: &m.summary,
                samples: &m.samples,
                throughput: spec.throughput,
                checks: &m.checks,
            };
            outcome.text.push_str(&block.to_string());
        } else if MetricInfo::is_builtin(m.metric) {
            outcome.text.push_str(&instructions::block(name, m));
        } else {
            outcome.text.push_str(&custom::block(name, m));
        }
        let failed: Vec<&BudgetCheck> = m.checks.iter().filter(|c| !c.passed()).collect();
        if !failed.is_empty() {
            failures.push(budget_failure(name, m.size, &failed));
        }
    }
    if let Some(fitted) = growth(spec, &measurements) {
        match fitted {
            Ok(text) => outcome.text.push_str(&text),
            Err(e) => failures.push(e),
        }
    }
    outcome.measurements = measurements;

    // Profiled after measuring (SIGPROF would disturb the timing) and before judging, so the
    // lock is held throughout; kept after judging, once the result it belongs to is recorded.
    let profiled = settings
        .profile
        .filter(|_| settings.mode != Mode::Instructions)
        .map(|plan| profiling::profile(spec, routine, plan));
    match verdicts::judge(spec, routine, settings, plan, &mut outcome) {
        Ok(()) => {}
        Err(e) => failures.push(e),
    }
    match profiled {
        Some(Ok(profiled)) => {
            if let Err(e) = profiling::keep(spec, settings, &profiled, &mut outcome.text) {
                failures.push(e);
            }
        }
        Some(Err(e)) => failures.push(e),
        None => {}
    }
    drop(lock);
    if !failures.is_empty() {
        outcome.failure = Some(failures.join("\n"));
    }
    outcome
}

/// The sampling plan of a test. A budget on p90, p95, p99 or max turns off the early stop on a
/// precise median: that stop can come after 50 samples, where p99 is simply the slowest sample,
/// so tail budgets sample to the time cap (or the sample limit) instead.
fn plan_for(spec: &Spec, mode: Mode) -> Plan {
    let mut plan = Plan::new(mode, spec.samples, spec.warmup_ns, spec.time_ns);
    let tail = spec
        .budgets
        .iter()
        .any(|b| matches!(b.stat, Stat::P90 | Stat::P95 | Stat::P99 | Stat::Max));
    if tail {
        plan.target_precision = 0.0;
    }
    plan
}

/// Measures every size of the routine (one measurement for unsized tests) and checks budgets.
fn measure(
    spec: &Spec,
    routine: Routine<'_>,
    mode: Mode,
    plan: Plan,
) -> Result<Vec<Measurement>, String> {
    if let Routine::Load(f) = routine {
        return load::measure(spec, f, mode);
    }
    if mode == Mode::Instructions {
        return instructions::measure(spec, routine);
    }
    let name = spec.benchmark_name();
    let sizes: Vec<Option<usize>> = match routine {
        Routine::Sized(_) => spec.sizes.iter().copied().map(Some).collect(),
        _ => vec![None],
    };
    let mut out = Vec::with_capacity(sizes.len());
    for size in sizes {
        let (samples, reported) =
            sampling::sampled(name, routine, plan, mode, size, variants::threads_of(spec))?;
        let summary = Summary::new(&samples.times_ns)
            .map_err(|e| format!("perf test `{name}`: its samples are unusable: {e}"))?;
        let checks = check_budgets(spec, &summary, samples.allocations.as_ref());
        out.push(Measurement {
            metric: perfkit_store::DEFAULT_METRIC,
            size,
            samples,
            summary,
            checks,
        });
        out.extend(custom::measurements(name, reported, size)?);
    }
    Ok(out)
}

/// The growth-class fit of a sized test (three sizes or more, or any declared class), and the
/// check of the declared class: `Ok` with the line to print, `Err` with the failure message.
fn growth(spec: &Spec, measurements: &[Measurement]) -> Option<Result<String, String>> {
    // Time, or instructions in instructions mode: the metric that is the routine's cost.
    let series: Vec<(usize, Summary)> = measurements
        .iter()
        .filter(|m| matches!(m.metric, "time" | "instructions"))
        .filter_map(|m| Some((m.size?, m.summary.clone())))
        .collect();
    if spec.complexity.is_none() && series.len() < 3 {
        return None;
    }
    let name = spec.benchmark_name();
    let fit = match complexity::fit_summaries(&series) {
        Ok(fit) => fit,
        Err(e) => {
            return Some(Err(format!(
                "perf test `{name}` declares a complexity, but its sizes cannot be fitted: {e}"
            )));
        }
    };
    // The fit's own text reads in ns; counts get their class and R² alone.
    let counted = measurements.iter().any(|m| m.metric == "instructions");
    let value = |v: f64| {
        if counted {
            format!("{} instructions", format_count_si(v))
        } else {
            format_ns(v)
        }
    };
    let mut line = if counted {
        format!(
            "  growth  {} in instructions per iteration (R² {:.3})\n",
            fit.best, fit.r_squared
        )
    } else {
        format!("  growth  {fit}\n")
    };
    if fit.r_squared < POOR_FIT {
        // Seen under heavy load: medians that jump between sizes fit no class well, and the
        // simplest class wins by default. Say so rather than let the verdict look certain.
        line.push_str(&format!(
            "  growth  poor fit (R² {:.2} < {POOR_FIT}): the class is uncertain; the machine was \
             probably busy, measure again on a quieter one\n",
            fit.r_squared
        ));
    }
    match spec.complexity {
        Some(declared)
            if !fit.is_within(declared) && log_factor_tolerated(&fit, declared, &series) =>
        {
            Some(Ok(format!(
                "{line}  growth  within tolerance of the declared {declared}: only a log factor \
                 apart, and the cost per unit of {declared} grows less than x{LOG_FACTOR_GROWTH} \
                 across the sizes; caches alone can add that much\n"
            )))
        }
        Some(declared) if !fit.is_within(declared) => {
            let times: Vec<String> = series
                .iter()
                .map(|(n, s)| format!("n = {n}: {}", value(s.median)))
                .collect();
            Some(Err(format!(
                "perf test `{name}` grows faster than declared: declared {declared}, measured \
                 {fit}\n  medians: {}",
                times.join(", ")
            )))
        }
        Some(declared) => Some(Ok(format!(
            "{line}  growth  within the declared {declared}\n"
        ))),
        None => Some(Ok(line)),
    }
}

/// Below this R² the fitted class is reported as uncertain.
const POOR_FIT: f64 = 0.9;

/// How much the cost per unit of the declared class (time / g(n)) may grow across the sizes
/// for a log factor above it to pass.
const LOG_FACTOR_GROWTH: f64 = 2.0;

/// A measured class one log factor above the declared one (O(log n) for O(1), O(n log n) for
/// O(n)) passes when the cost per unit of the declared class at most doubles from its lowest to
/// the largest size: on real machines growing working sets leave the caches, and a loaded
/// machine slows some sizes, which is not the accidental O(n²) this check is for. Real linear
/// hash-set code measured O(n log n) here over 1k..64k elements: 12.8 -> 16.1 ns per element
/// (x1.26) on a quiet machine, x1.51 under load. A true n log n passes over sizes within a
/// factor of 1000 of each other (log factor below 2) and fails over wider ranges. (A 1.5 limit
/// and an R² criterion were tried first; both failed about half the runs under load.)
fn log_factor_tolerated(
    fit: &complexity::Fit,
    declared: Complexity,
    series: &[(usize, Summary)],
) -> bool {
    let adjacent = matches!(
        (declared, fit.best),
        (Complexity::Constant, Complexity::Logarithmic)
            | (Complexity::Linear, Complexity::Linearithmic)
    );
    let unit = |(n, s): &(usize, Summary)| s.median / declared.growth(*n as f64);
    let lowest = series.iter().map(unit).fold(f64::INFINITY, f64::min);
    let largest = series.iter().max_by_key(|(n, _)| *n).map(unit);
    adjacent && lowest > 0.0 && largest.is_some_and(|l| l / lowest <= LOG_FACTOR_GROWTH)
}

fn call(routine: Routine<'_>, b: &mut Bencher, size: Option<usize>) {
    match routine {
        Routine::Plain(f) => b.iter(f),
        Routine::Bencher(f) => f(b),
        Routine::Sized(f) => f(b, size.unwrap_or_default()),
        // `execute` sends load tests to `load` before anything calls this.
        Routine::Load(_) => unreachable!("a load test is not run by a Bencher"),
        Routine::Async(f) => block_on_each(b, f),
        Routine::Closure(f) => f(b),
    }
}

/// Times `f`'s future, once per iteration, on a current-thread runtime built before timing.
#[cfg(feature = "tokio")]
fn block_on_each(b: &mut Bencher, f: fn() -> BoxedFuture) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime for an async perf test");
    b.iter(|| runtime.block_on(f()));
}

/// `execute` refuses an `async fn` without the `tokio` feature before anything calls this.
#[cfg(not(feature = "tokio"))]
fn block_on_each(_: &mut Bencher, _: fn() -> BoxedFuture) {
    unreachable!("refused by `execute` without the tokio feature")
}

fn misuse(name: &str, calls: u32) -> String {
    if calls == 0 {
        format!(
            "perf test `{name}` never called `b.iter(...)` (or `iter_batched`/`iter_custom`): \
             call one of them once with the code to time"
        )
    } else {
        format!(
            "perf test `{name}` called `b.iter*` {calls} times: call it once per routine (each \
             call runs a whole measurement); split the routine into separate perf tests"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::TimeBudget;

    /// The medians and median CIs of a BTreeSet duplicate finder measured while the machine
    /// was very busy (`cargo perfkit run` during a CI run): no class fits them well.
    #[test]
    fn a_poor_fit_says_the_class_is_uncertain() {
        let points = [
            (1_000, 33.29, 33.13, 33.53),
            (2_000, 49.68, 49.22, 50.03),
            (4_000, 172.2, 165.0, 176.0),
            (8_000, 549.3, 547.4, 552.8),
            (16_000, 1244.0, 1239.0, 1251.0),
            (32_000, 2728.0, 2691.0, 2751.0),
            (64_000, 6314.0, 5856.0, 8141.0),
        ];
        let measurements: Vec<Measurement> = points
            .iter()
            .map(|&(n, median, lower, upper)| {
                let mut summary = Summary::new(&[median * 1e3]).unwrap();
                summary.median_ci = crate::stats::Interval {
                    lower: lower * 1e3,
                    upper: upper * 1e3,
                };
                Measurement {
                    metric: perfkit_store::DEFAULT_METRIC,
                    size: Some(n),
                    samples: Samples {
                        times_ns: Vec::new(),
                        iters_per_sample: 1,
                        allocations: None,
                    },
                    summary,
                    checks: Vec::new(),
                }
            })
            .collect();
        let spec = Spec {
            path: "poor",
            complexity: Some(Complexity::Linear),
            ..Spec::DEFAULT
        };
        let text = match growth(&spec, &measurements) {
            Some(Ok(text)) | Some(Err(text)) => text,
            None => panic!("a declared class is always fitted"),
        };
        assert!(text.contains("poor fit (R² "), "{text}");
    }

    #[test]
    fn tail_budgets_sample_to_the_cap() {
        static MEDIAN: [TimeBudget; 1] = [TimeBudget {
            stat: Stat::Median,
            limit_ns: 1,
        }];
        static P99: [TimeBudget; 2] = [
            TimeBudget {
                stat: Stat::Median,
                limit_ns: 1,
            },
            TimeBudget {
                stat: Stat::P99,
                limit_ns: 1,
            },
        ];
        let median = Spec {
            budgets: &MEDIAN,
            ..Spec::DEFAULT
        };
        let tail = Spec {
            budgets: &P99,
            ..Spec::DEFAULT
        };
        assert_eq!(plan_for(&median, Mode::Full), Plan::DEFAULT);
        assert_eq!(plan_for(&tail, Mode::Full).target_precision, 0.0);
    }
}
