//! [`Comparison`]: the builder that measures named variants on the same inputs across sizes.

use std::fmt;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::interleave;
use super::report::{ComparisonReport, SizeResult};
use crate::complexity::fit_summaries;
use crate::measure::callgrind::perfkit_callgrind_counted;
use crate::measure::{Clock, MeasureLock, Mode, Plan, Samples};
use crate::runtime::{Measurement, Series, Settings, record_series};
use crate::stats::Summary;

/// Compares named variants of an algorithm on the same inputs across input sizes.
///
/// For each size, `setup(n)` builds the input once (untimed); every variant then receives it by
/// reference and is sampled in interleaved rounds (A B, B A, A B, …) so that slow drift of the
/// machine falls on all variants alike. [`run`](Self::run) returns a [`ComparisonReport`]: the
/// median time with its CI per variant per size, speedups with CIs, each variant's growth
/// class, the crossover size where the winner changes, and assertions on them.
///
/// ```no_run
/// use perfkit::Comparison;
///
/// fn data(n: usize) -> Vec<u64> {
///     (0..n as u64).map(|i| i * 7 % 1_000_003).collect()
/// }
/// fn nested(v: &[u64]) -> bool {
///     (0..v.len()).any(|i| v[i + 1..].contains(&v[i]))
/// }
/// fn hashed(v: &[u64]) -> bool {
///     let mut seen = std::collections::HashSet::new();
///     !v.iter().all(|x| seen.insert(x))
/// }
///
/// let report = Comparison::new("find_duplicates")
///     .sizes([1_000, 2_000, 4_000])
///     .setup(data)
///     .variant("nested loops", |v| nested(v))
///     .variant("hash set", |v| hashed(v))
///     .run();
/// println!("{report}");
/// report.assert_faster_from("hash set", "nested loops", 2_000);
/// ```
///
/// # Modes
///
/// The mode comes from the same place as a perf test's ([`Settings::from_env`]): optimised
/// builds measure with [`Plan::DEFAULT`], `PERFKIT=quick` with [`Plan::QUICK`] (each per
/// variant per size; [`plan`](Self::plan) overrides it), and debug builds and `PERFKIT=off` run
/// each variant once at the smallest size and return a report whose `skipped` says so — the
/// assertions then check only the variant names, so a plain `cargo test` stays a quick smoke
/// test. `PERFKIT=instructions` counts each variant at each size under callgrind instead of
/// timing it, like a perf test, and records the counts as `<comparison>/<variant>` (the
/// report's `counts`; its assertions then check only the names). Measuring holds perfkit's
/// measurement lock, so comparisons and perf tests never
/// measure at the same time, also across processes.
pub struct Comparison<'a, T = usize> {
    pub(super) name: String,
    sizes: Vec<usize>,
    pub(super) setup: Box<dyn FnMut(usize) -> T + 'a>,
    pub(super) variants: Vec<Variant<'a, T>>,
    plan: Option<Plan>,
    manifest_dir: Option<PathBuf>,
    settings: Option<Settings>,
}

/// Runs a routine `k` times on an input, as [`Loop`] says, and returns how long that took.
type Batch<'a, T> = Box<dyn FnMut(&T, u64, Loop) -> Duration + 'a>;

/// How a [`Batch`] runs its `k` iterations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Loop {
    /// Between two clock reads (the duration returned).
    Timed,
    /// Without the clock (a smoke run, a warm-up before counting); returns zero.
    Plain,
    /// Inside callgrind's counted function, without the clock; returns zero.
    Counted,
}

/// A named routine, wrapped in its own loop.
pub(super) struct Variant<'a, T> {
    pub(super) name: String,
    /// Runs the routine `k` times on the input. The loop is generic over the routine, so the
    /// routine is inlined into it and only one dynamic call per sample, not per iteration, is
    /// timed (or counted).
    pub(super) batch: Batch<'a, T>,
}

impl<'a> Comparison<'a, usize> {
    /// A comparison called `name`, with no sizes and no variants yet. Until
    /// [`setup`](Self::setup) says otherwise, each variant receives the size itself (`&n`).
    pub fn new(name: impl Into<String>) -> Self {
        Comparison {
            name: name.into(),
            sizes: Vec::new(),
            setup: Box::new(|n| n),
            variants: Vec::new(),
            plan: None,
            manifest_dir: None,
            settings: None,
        }
    }
}

impl<'a, T> Comparison<'a, T> {
    /// The input sizes to measure (measured smallest first, duplicates once).
    pub fn sizes(mut self, sizes: impl IntoIterator<Item = usize>) -> Self {
        self.sizes = sizes.into_iter().collect();
        self
    }

    /// How to build the input of size `n`: called once per size, untimed, and shared by
    /// reference between the variants.
    ///
    /// # Panics
    ///
    /// When variants were already added: they take the setup's output, so call `setup` first.
    pub fn setup<U>(self, setup: impl FnMut(usize) -> U + 'a) -> Comparison<'a, U> {
        assert!(
            self.variants.is_empty(),
            "comparison `{}`: call .setup(...) before .variant(...), since variants take the \
             setup's output",
            self.name
        );
        Comparison {
            name: self.name,
            sizes: self.sizes,
            setup: Box::new(setup),
            variants: Vec::new(),
            plan: self.plan,
            manifest_dir: self.manifest_dir,
            settings: self.settings,
        }
    }

    /// Adds a variant called `name`. Its output is passed through [`black_box`] and dropped
    /// inside the timing, as with [`Bencher::iter`](crate::Bencher::iter); the input is passed
    /// through `black_box` too, so the compiler cannot hoist the work out of the timing loop.
    pub fn variant<O>(
        mut self,
        name: impl Into<String>,
        mut routine: impl FnMut(&T) -> O + 'a,
    ) -> Self {
        let batch = move |input: &T, k: u64, how: Loop| {
            let mut run = || {
                for _ in 0..k {
                    black_box(routine(black_box(input)));
                }
            };
            match how {
                Loop::Timed => {
                    let start = Instant::now();
                    run();
                    start.elapsed()
                }
                Loop::Plain => {
                    run();
                    Duration::ZERO
                }
                Loop::Counted => {
                    perfkit_callgrind_counted(&mut run);
                    Duration::ZERO
                }
            }
        };
        self.variants.push(Variant {
            name: name.into(),
            batch: Box::new(batch),
        });
        self
    }

    /// The sampling plan for each size (per variant: warm-up, time cap, sample limits and
    /// precision target), instead of the mode's default. Ignored when timing is skipped.
    pub fn plan(mut self, plan: Plan) -> Self {
        self.plan = Some(plan);
        self
    }

    /// The directory of the crate under test, usually `env!("CARGO_MANIFEST_DIR")`: where
    /// `perfkit.toml` and the measurement lock beside the history database are looked for.
    /// Without it, the `CARGO_MANIFEST_DIR` variable that cargo sets when it runs tests is read
    /// at run time, and the current directory is the last resort.
    pub fn manifest_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.manifest_dir = Some(dir.into());
        self
    }

    /// Use these settings (mode and lock file) instead of reading the environment and
    /// `perfkit.toml`; for tools and tests that decide for themselves.
    pub fn settings(mut self, settings: Settings) -> Self {
        self.settings = Some(settings);
        self
    }

    /// Measures every variant at every size and returns what was found (see [`Comparison`]
    /// for what happens in debug builds and with `PERFKIT=off`).
    ///
    /// # Panics
    ///
    /// When no sizes or no variants were given, two variants share a name, the environment or
    /// `perfkit.toml` holds a value perfkit does not understand, or a routine panics.
    pub fn run(mut self) -> ComparisonReport {
        self.check();
        let settings = match self.settings.take() {
            Some(s) => s,
            None => Settings::from_env(&self.find_manifest_dir())
                .unwrap_or_else(|e| panic!("comparison `{}`: {e}", self.name)),
        };
        let mut sizes = self.sizes.clone();
        sizes.sort_unstable();
        sizes.dedup();
        let names: Vec<String> = self.variants.iter().map(|v| v.name.clone()).collect();

        if settings.mode == Mode::Smoke {
            // Smallest size only: a debug build of a quadratic variant at the largest size can
            // take minutes.
            let input = (self.setup)(sizes[0]);
            for v in &mut self.variants {
                (v.batch)(&input, 1, Loop::Plain);
            }
            return ComparisonReport {
                name: self.name,
                variants: names,
                sizes: Vec::new(),
                fits: Vec::new(),
                skipped: Some(settings.smoke_reason.to_owned()),
                note: None,
                counts: Vec::new(),
            };
        }
        if settings.mode == Mode::Instructions {
            return super::counted::run(self, &settings, &sizes);
        }

        let lock = MeasureLock::acquire(&settings.lock_path);
        let plan = self
            .plan
            .unwrap_or_else(|| Plan::new(settings.mode, None, None, None));
        let clock = Clock::get();
        let results: Vec<SizeResult> = sizes
            .iter()
            .map(|&size| self.measure(size, &plan, &clock))
            .collect();
        let note = lock.note.clone();
        drop(lock);
        self.record(&settings, &names, &results);

        let fits = (0..names.len())
            .map(|v| {
                let series: Vec<(usize, Summary)> = results
                    .iter()
                    .map(|r| (r.size, r.summaries[v].clone()))
                    .collect();
                fit_summaries(&series)
            })
            .collect();
        ComparisonReport {
            name: self.name,
            variants: names,
            sizes: results,
            fits,
            skipped: None,
            note,
            counts: Vec::new(),
        }
    }

    /// Builds the input of `size` and samples every variant on it.
    fn measure(&mut self, size: usize, plan: &Plan, clock: &Clock) -> SizeResult {
        let input = (self.setup)(size);
        let variants = &mut self.variants;
        let sampled = interleave::sample(plan, clock, variants.len(), |v, k| {
            (variants[v].batch)(&input, k, Loop::Timed)
        });
        drop(input);
        let samples: Vec<Samples> = sampled
            .times_ns
            .into_iter()
            .zip(sampled.iters_per_sample)
            .map(|(times_ns, iters_per_sample)| Samples {
                times_ns,
                iters_per_sample,
                allocations: None,
            })
            .collect();
        let summaries = samples
            .iter()
            .map(|s| {
                Summary::new(&s.times_ns)
                    .expect("the sampler takes at least one sample, and durations are finite")
            })
            .collect();
        SizeResult {
            size,
            samples,
            summaries,
        }
    }

    /// The name in history of `variant`: `<comparison>/<variant>`.
    pub(super) fn benchmark_name(&self, variant: &str) -> String {
        format!("{}/{variant}", self.name)
    }

    /// Records each variant as its own benchmark, `<comparison>/<variant>`, one series per size,
    /// so a change of winner or growth class between commits shows in history.
    ///
    /// # Panics
    ///
    /// When history cannot be written, with the store's path and the cause.
    fn record(&self, settings: &Settings, names: &[String], results: &[SizeResult]) {
        let manifest_dir = self.find_manifest_dir();
        let manifest_dir = manifest_dir.to_string_lossy();
        for (v, variant) in names.iter().enumerate() {
            let name = self.benchmark_name(variant);
            let measurements: Vec<Measurement> = results
                .iter()
                .map(|r| Measurement {
                    metric: perfkit_store::DEFAULT_METRIC,
                    size: Some(r.size),
                    samples: r.samples[v].clone(),
                    summary: r.summaries[v].clone(),
                    checks: Vec::new(),
                })
                .collect();
            let series = Series {
                kind: "comparison",
                name: &name,
                manifest_dir: &manifest_dir,
                throughput: None,
                metric: perfkit_store::DEFAULT_METRIC,
            };
            if let Err(e) = record_series(&settings.history, series, &measurements) {
                panic!("{e}");
            }
        }
    }

    /// Rejects a comparison that cannot run, naming what to add.
    fn check(&self) {
        let name = &self.name;
        assert!(
            !self.sizes.is_empty(),
            "comparison `{name}` has no sizes; give them with .sizes([1_000, 2_000, 4_000])"
        );
        assert!(
            !self.variants.is_empty(),
            "comparison `{name}` has no variants; add them with .variant(\"name\", |input| ...)"
        );
        for (i, v) in self.variants.iter().enumerate() {
            assert!(
                !self.variants[..i].iter().any(|w| w.name == v.name),
                "comparison `{name}` has two variants named `{}`; give each a name of its own",
                v.name
            );
        }
    }

    pub(super) fn find_manifest_dir(&self) -> PathBuf {
        self.manifest_dir
            .clone()
            .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from))
            .unwrap_or_else(|| std::env::current_dir().unwrap_or_else(|_| Path::new(".").into()))
    }
}

impl<T> fmt::Debug for Comparison<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.variants.iter().map(|v| v.name.as_str()).collect();
        f.debug_struct("Comparison")
            .field("name", &self.name)
            .field("sizes", &self.sizes)
            .field("variants", &names)
            .field("plan", &self.plan)
            .field("manifest_dir", &self.manifest_dir)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    fn settings(mode: Mode, dir: &tempfile::TempDir) -> Settings {
        Settings::isolated(mode, dir.path().join("history.db.lock"))
    }

    /// A plan that finishes in a few milliseconds of real time.
    const TINY: Plan = Plan {
        warmup: Duration::from_micros(100),
        time_cap: Duration::from_micros(500),
        min_samples: 4,
        max_samples: 4,
        target_precision: 0.5,
        fixed_samples: Some(4),
    };

    #[test]
    fn setup_runs_once_per_size_and_variants_share_its_output() {
        let dir = tempfile::tempdir().unwrap();
        let log = RefCell::new(Vec::new());
        let report = Comparison::new("sum")
            .sizes([30, 10, 20, 10])
            .setup(|n| {
                log.borrow_mut().push(format!("setup {n}"));
                vec![1u64; n]
            })
            .variant("sum", |v| v.iter().sum::<u64>())
            .variant("max", |v| v.iter().max().copied())
            .plan(TINY)
            .settings(settings(Mode::Full, &dir))
            .run();
        assert_eq!(*log.borrow(), ["setup 10", "setup 20", "setup 30"]);
        let sizes: Vec<usize> = report.sizes.iter().map(|s| s.size).collect();
        assert_eq!(sizes, [10, 20, 30]);
        assert_eq!(report.variants, ["sum", "max"]);
        for at in &report.sizes {
            assert_eq!(at.summaries.len(), 2);
            assert!(at.samples.iter().all(|s| s.times_ns.len() == 4));
        }
        assert_eq!(report.fits.len(), 2);
        assert!(report.skipped.is_none());
    }

    #[test]
    fn variants_run_interleaved_on_the_same_input() {
        let dir = tempfile::tempdir().unwrap();
        let calls = RefCell::new(Vec::new());
        let report = Comparison::new("order")
            .sizes([5])
            .setup(|n| n * 100)
            .variant("a", |&x| calls.borrow_mut().push(('a', x)))
            .variant("b", |&x| calls.borrow_mut().push(('b', x)))
            .plan(TINY)
            .settings(settings(Mode::Full, &dir))
            .run();
        let calls = calls.into_inner();
        assert!(calls.iter().all(|&(_, x)| x == 500));
        // After each variant's warm-up, the four rounds run a b, b a, a b, b a (whole batches).
        let [ka, kb] = [0, 1].map(|v| report.sizes[0].samples[v].iters_per_sample as usize);
        let tail: Vec<char> = calls[calls.len() - 4 * (ka + kb)..]
            .iter()
            .map(|c| c.0)
            .collect();
        let a = vec!['a'; ka];
        let b = vec!['b'; kb];
        let expected: Vec<char> = [&a[..], &b, &b, &a, &a, &b, &b, &a].concat();
        assert_eq!(tail, expected);
    }

    #[test]
    fn smoke_mode_runs_each_variant_once_at_the_smallest_size() {
        let dir = tempfile::tempdir().unwrap();
        let calls = RefCell::new(Vec::new());
        let report = Comparison::new("smoke")
            .sizes([4_000, 1_000, 2_000])
            .variant("a", |&n| calls.borrow_mut().push(('a', n)))
            .variant("b", |&n| calls.borrow_mut().push(('b', n)))
            .settings(settings(Mode::Smoke, &dir))
            .run();
        assert_eq!(calls.into_inner(), [('a', 1_000), ('b', 1_000)]);
        assert!(report.is_skipped() && report.sizes.is_empty());
        report.assert_faster("a", "b").assert_faster("b", "a");
    }

    #[test]
    #[should_panic(expected = "comparison `c` has two variants named `x`")]
    fn duplicate_names_are_refused() {
        Comparison::new("c")
            .sizes([1])
            .variant("x", |_| ())
            .variant("x", |_| ())
            .run();
    }

    #[test]
    #[should_panic(expected = "comparison `c` has no sizes")]
    fn sizes_are_required() {
        Comparison::new("c").variant("x", |_| ()).run();
    }

    #[test]
    #[should_panic(expected = "call .setup(...) before .variant(...)")]
    fn setup_comes_before_the_variants() {
        let _ = Comparison::new("c").variant("x", |_| ()).setup(|n| n);
    }
}
