//! [`Criterion`]: the benchmark manager a suite's functions receive.

use std::marker::PhantomData;
use std::path::Path;
use std::time::Duration;

use super::Bencher;
use super::args::{self, Filter, RunMode};
use super::config::{BASELINES, Config, Ignored, PLOTS, PlottingBackend, STATISTICS};
use super::group::BenchmarkGroup;
use super::harness;
use super::id::BenchmarkId;
use super::measurement::{Measurement, WallTime};

/// Criterion's benchmark manager, measuring with perfkit.
///
/// Configuration that changes what is measured or judged is mapped onto perfkit's
/// (`sample_size` → a fixed number of samples, `warm_up_time` → warm-up, `measurement_time` →
/// the cap on sampling time, `significance_level` → alpha, `noise_threshold` → the verdict's
/// threshold); settings of criterion's own statistics, plots and saved baselines are accepted
/// and ignored, each with a note printed once.
///
/// ```no_run
/// use perfkit::criterion::{Criterion, black_box};
///
/// fn fibonacci(n: u64) -> u64 {
///     (1..n).fold((0, 1), |(a, b), _| (b, a + b)).1
/// }
///
/// let mut c = Criterion::default().configure_from_args();
/// c.bench_function("fib 20", |b| b.iter(|| fibonacci(black_box(20))));
/// c.final_summary();
/// ```
#[derive(Debug)]
pub struct Criterion<M: Measurement = WallTime> {
    pub(crate) config: Config,
    pub(crate) mode: RunMode,
    pub(crate) filter: Filter,
    pub(crate) quick: bool,
    manifest_dir: Option<&'static str>,
    measurement: PhantomData<M>,
}

impl Default for Criterion {
    /// Criterion's defaults: benchmark every benchmark, with perfkit's default plan.
    fn default() -> Criterion {
        Criterion {
            config: Config::default(),
            mode: RunMode::Benchmark,
            filter: Filter::All,
            quick: false,
            manifest_dir: None,
            measurement: PhantomData,
        }
    }
}

fn ignore(setting: &'static str, why: &'static str) {
    harness::note(Ignored { setting, why });
}

impl<M: Measurement> Criterion<M> {
    /// Reads the command line as criterion does: `--list` lists the ids, `--test` runs each
    /// benchmark once, a positional argument filters by regular expression (`--exact`:
    /// literally), `--quick` uses perfkit's quick plan. Otherwise the benchmarks are measured,
    /// with `--bench` (`cargo bench`) or without it (`cargo test --benches`, where a debug
    /// build runs each once, as a perf test's does). Other flags of criterion's are accepted; those that change
    /// measurement are mapped, the rest (and unknown flags) are ignored with a note.
    ///
    /// # Panics
    ///
    /// Exits the process with status 2 on a malformed command line (a flag without its value,
    /// a filter that is not a regular expression), as criterion does.
    #[must_use]
    pub fn configure_from_args(mut self) -> Criterion<M> {
        let argv: Vec<String> = std::env::args().skip(1).collect();
        let parsed = match args::parse(&argv) {
            Ok(parsed) => parsed,
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(2);
            }
        };
        for ignored in &parsed.ignored {
            harness::note(*ignored);
        }
        if !parsed.unknown.is_empty() {
            harness::note_once("unknown arguments", || {
                format!("ignoring unknown arguments: {}", parsed.unknown.join(" "))
            });
        }
        // A child that `PERFKIT=instructions` started under callgrind runs its one benchmark.
        self.mode = if crate::measure::callgrind::child_size().is_some() {
            RunMode::Benchmark
        } else {
            parsed.mode
        };
        self.filter = parsed.filter;
        self.quick = parsed.quick;
        // The command line gives defaults; what the suite's code says wins, as in criterion.
        self.config = self.config.over(&parsed.config);
        self
    }

    /// The number of samples (criterion's default is 100; perfkit's plan is adaptive).
    #[must_use]
    pub fn sample_size(mut self, n: usize) -> Criterion<M> {
        assert!(n >= 10, "sample_size must be at least 10");
        self.config.sample_size = Some(n);
        self
    }

    /// The warm-up before sampling.
    #[must_use]
    pub fn warm_up_time(mut self, dur: Duration) -> Criterion<M> {
        assert!(dur.as_nanos() > 0, "warm_up_time must be greater than zero");
        self.config.warm_up_time = Some(dur);
        self
    }

    /// The cap on sampling time (perfkit stops earlier once the median is precise).
    #[must_use]
    pub fn measurement_time(mut self, dur: Duration) -> Criterion<M> {
        assert!(
            dur.as_nanos() > 0,
            "measurement_time must be greater than zero"
        );
        self.config.measurement_time = Some(dur);
        self
    }

    /// The smallest change, as a fraction, that counts as a regression or improvement.
    #[must_use]
    pub fn noise_threshold(mut self, threshold: f64) -> Criterion<M> {
        assert!(threshold >= 0.0, "noise_threshold must be at least zero");
        self.config.noise_threshold = Some(threshold);
        self
    }

    /// The significance level of the comparison with the baseline (perfkit's alpha).
    #[must_use]
    pub fn significance_level(mut self, sl: f64) -> Criterion<M> {
        assert!(
            sl > 0.0 && sl < 1.0,
            "significance_level must be between 0 and 1 exclusive"
        );
        self.config.significance_level = Some(sl);
        self
    }

    /// Ignored: criterion's bootstrap resamples.
    #[must_use]
    pub fn nresamples(self, _n: usize) -> Criterion<M> {
        ignore("nresamples", STATISTICS);
        self
    }

    /// Ignored: the confidence level of criterion's intervals (perfkit's are 95%).
    #[must_use]
    pub fn confidence_level(self, _cl: f64) -> Criterion<M> {
        ignore("confidence_level", STATISTICS);
        self
    }

    /// Ignored: plots.
    #[must_use]
    pub fn with_plots(self) -> Criterion<M> {
        ignore("with_plots", PLOTS);
        self
    }

    /// Accepted: perfkit draws no plots while benchmarking anyway.
    #[must_use]
    pub fn without_plots(self) -> Criterion<M> {
        self
    }

    /// Ignored: plots.
    #[must_use]
    pub fn plotting_backend(self, _backend: PlottingBackend) -> Criterion<M> {
        ignore("plotting_backend", PLOTS);
        self
    }

    /// Ignored: criterion's saved baselines.
    #[must_use]
    pub fn save_baseline(self, _baseline: String) -> Criterion<M> {
        ignore("save_baseline", BASELINES);
        self
    }

    /// Ignored: criterion's saved baselines.
    #[must_use]
    pub fn retain_baseline(self, _baseline: String, _strict: bool) -> Criterion<M> {
        ignore("retain_baseline", BASELINES);
        self
    }

    /// Ignored: where criterion writes its reports (perfkit records into its history).
    #[must_use]
    pub fn output_directory(self, _path: &Path) -> Criterion<M> {
        ignore(
            "output_directory",
            "perfkit records into its history store (PERFKIT_DB)",
        );
        self
    }

    /// Ignored: colour.
    #[must_use]
    pub fn with_output_color(self, _enabled: bool) -> Criterion<M> {
        self
    }

    /// Runs only the benchmarks whose id the regular expression `filter` matches.
    ///
    /// # Panics
    ///
    /// When `filter` is not a regular expression.
    #[must_use]
    pub fn with_filter<S: Into<String>>(mut self, filter: S) -> Criterion<M> {
        let filter = filter.into();
        let regex = regex::Regex::new(&filter)
            .unwrap_or_else(|e| panic!("Unable to parse '{filter}' as a regular expression: {e}"));
        self.filter = Filter::Regex(regex);
        self
    }

    /// Used by `criterion_group!`: the bench target's `CARGO_MANIFEST_DIR` at compile time,
    /// for when the binary is run outside cargo. Not public API.
    #[doc(hidden)]
    #[must_use]
    pub fn __manifest_dir(mut self, dir: &'static str) -> Criterion<M> {
        self.manifest_dir = Some(dir);
        self
    }

    pub(crate) fn manifest_dir(&self) -> &'static str {
        harness::manifest_dir(self.manifest_dir)
    }

    /// A group of related benchmarks, whose ids start with `group_name/`.
    ///
    /// # Panics
    ///
    /// When `group_name` is empty.
    pub fn benchmark_group<S: Into<String>>(&mut self, group_name: S) -> BenchmarkGroup<'_, M> {
        let name = group_name.into();
        assert!(!name.is_empty(), "Group name must not be empty.");
        BenchmarkGroup::new(self, name)
    }

    /// Measures `f`'s `b.iter(...)` as the benchmark `id`.
    pub fn bench_function<F>(&mut self, id: &str, f: F) -> &mut Criterion<M>
    where
        F: FnMut(&mut Bencher<'_, M>),
    {
        self.benchmark_group(id)
            .bench_function(BenchmarkId::none(), f);
        self
    }

    /// Measures `f` on `input` as the benchmark `function/parameter` of `id`.
    ///
    /// # Panics
    ///
    /// When `id` has no function name (`BenchmarkId::from_parameter`), as in criterion.
    pub fn bench_with_input<F, I: ?Sized>(
        &mut self,
        id: BenchmarkId,
        input: &I,
        f: F,
    ) -> &mut Criterion<M>
    where
        F: FnMut(&mut Bencher<'_, M>, &I),
    {
        let group = id.function.expect(
            "Cannot use BenchmarkId::from_parameter with Criterion::bench_with_input. \
             Consider using a BenchmarkGroup or BenchmarkId::new instead.",
        );
        let parameter = BenchmarkId {
            function: None,
            parameter: id.parameter,
        };
        self.benchmark_group(group)
            .bench_with_input(parameter, input, f);
        self
    }

    /// Ends the process's benchmarks: says how many were measured, and exits with status 1
    /// when any failed. `criterion_main!` calls it.
    pub fn final_summary(&self) {
        if self.mode == RunMode::Benchmark {
            harness::finish();
        }
    }
}
