//! [`BenchmarkGroup`]: related benchmarks sharing a name prefix, a configuration and a
//! throughput.

use std::cell::RefCell;
use std::marker::PhantomData;
use std::time::Duration;

use super::Bencher;
use super::args::RunMode;
use super::config::{Config, Ignored, PLOTS, PlotConfiguration, SAMPLING_MODE, STATISTICS};
use super::config::{SamplingMode, Throughput};
use super::harness::{self, Run};
use super::id::{IntoBenchmarkId, full_id};
use super::measurement::{Measurement, WallTime};
use super::runner::Criterion;
use crate::measure;

/// A group of benchmarks whose ids start with the group's name (`group/function/parameter`).
/// Its settings apply to the benchmarks added after them and override the [`Criterion`]'s.
///
/// ```no_run
/// use perfkit::criterion::{BenchmarkId, Criterion, Throughput};
///
/// let mut c = Criterion::default();
/// let mut group = c.benchmark_group("sum");
/// for n in [100u64, 1_000] {
///     let v: Vec<u64> = (0..n).collect();
///     group.throughput(Throughput::Elements(n));
///     group.bench_with_input(BenchmarkId::from_parameter(n), &v, |b, v| {
///         b.iter(|| v.iter().sum::<u64>())
///     });
/// }
/// group.finish();
/// ```
#[derive(Debug)]
pub struct BenchmarkGroup<'a, M: Measurement = WallTime> {
    criterion: &'a mut Criterion<M>,
    name: String,
    ids: Vec<String>,
    config: Config,
    throughput: Option<Throughput>,
}

fn ignore(setting: &'static str, why: &'static str) {
    harness::note(Ignored { setting, why });
}

impl<'a, M: Measurement> BenchmarkGroup<'a, M> {
    pub(crate) fn new(criterion: &'a mut Criterion<M>, name: String) -> BenchmarkGroup<'a, M> {
        BenchmarkGroup {
            criterion,
            name,
            ids: Vec::new(),
            config: Config::default(),
            throughput: None,
        }
    }

    /// The number of samples of the benchmarks that follow (a fixed count in perfkit).
    pub fn sample_size(&mut self, n: usize) -> &mut Self {
        assert!(n >= 10, "sample_size must be at least 10");
        self.config.sample_size = Some(n);
        self
    }

    /// The warm-up of the benchmarks that follow.
    pub fn warm_up_time(&mut self, dur: Duration) -> &mut Self {
        assert!(dur.as_nanos() > 0, "warm_up_time must be greater than zero");
        self.config.warm_up_time = Some(dur);
        self
    }

    /// The cap on sampling time of the benchmarks that follow.
    pub fn measurement_time(&mut self, dur: Duration) -> &mut Self {
        assert!(
            dur.as_nanos() > 0,
            "measurement_time must be greater than zero"
        );
        self.config.measurement_time = Some(dur);
        self
    }

    /// The smallest change, as a fraction, that counts as a regression or improvement.
    pub fn noise_threshold(&mut self, threshold: f64) -> &mut Self {
        assert!(threshold >= 0.0, "noise_threshold must be at least zero");
        self.config.noise_threshold = Some(threshold);
        self
    }

    /// The significance level of the comparison with the baseline (perfkit's alpha).
    pub fn significance_level(&mut self, sl: f64) -> &mut Self {
        assert!(
            sl > 0.0 && sl < 1.0,
            "significance_level must be between 0 and 1 exclusive"
        );
        self.config.significance_level = Some(sl);
        self
    }

    /// Ignored: criterion's bootstrap resamples.
    pub fn nresamples(&mut self, _n: usize) -> &mut Self {
        ignore("nresamples", STATISTICS);
        self
    }

    /// Ignored: the confidence level of criterion's intervals (perfkit's are 95%).
    pub fn confidence_level(&mut self, _cl: f64) -> &mut Self {
        ignore("confidence_level", STATISTICS);
        self
    }

    /// Ignored: plots.
    pub fn plot_config(&mut self, _config: PlotConfiguration) -> &mut Self {
        ignore("plot_config", PLOTS);
        self
    }

    /// Ignored: perfkit sizes its batches itself.
    pub fn sampling_mode(&mut self, _mode: SamplingMode) -> &mut Self {
        ignore("sampling_mode", SAMPLING_MODE);
        self
    }

    /// Work per iteration of the benchmarks that follow, reported and recorded as throughput.
    pub fn throughput(&mut self, throughput: Throughput) -> &mut Self {
        self.throughput = Some(throughput);
        self
    }

    /// Measures `f`'s `b.iter(...)` as `group/id`.
    pub fn bench_function<ID: IntoBenchmarkId, F>(&mut self, id: ID, mut f: F) -> &mut Self
    where
        F: FnMut(&mut Bencher<'_, M>),
    {
        self.bench_with_input(id, &(), |b, ()| f(b))
    }

    /// Measures `f` on `input` as `group/id`.
    ///
    /// # Panics
    ///
    /// When the group already has a benchmark with this id, as in criterion.
    pub fn bench_with_input<ID: IntoBenchmarkId, F, I: ?Sized>(
        &mut self,
        id: ID,
        input: &I,
        f: F,
    ) -> &mut Self
    where
        F: FnMut(&mut Bencher<'_, M>, &I),
    {
        let id = full_id(&self.name, &id.into_benchmark_id());
        assert!(
            !self.ids.contains(&id),
            "Benchmark IDs must be unique within a group. Encountered duplicated benchmark ID {id}"
        );
        self.ids.push(id.clone());
        if !self.criterion.filter.matches(&id) {
            return self;
        }
        if self.criterion.mode == RunMode::List {
            println!("{id}: benchmark");
            return self;
        }
        // perfkit's routine is `Fn`; the suite's closure is `FnMut`, called once at a time.
        let f = RefCell::new(f);
        let routine = |inner: &mut measure::Bencher| {
            let mut b = Bencher {
                inner,
                measurement: PhantomData,
            };
            (f.borrow_mut())(&mut b, input);
        };
        harness::run(Run {
            id,
            mode: self.criterion.mode,
            quick: self.criterion.quick,
            config: self.config.over(&self.criterion.config),
            throughput: self.throughput,
            manifest_dir: self.criterion.manifest_dir(),
            routine: &routine,
        });
        self
    }

    /// Ends the group (criterion writes its summary here; perfkit has printed each result).
    pub fn finish(self) {}
}
