//! [`Bencher`]: what a perf test's routine uses to mark the code to time.

use std::hint::black_box;
use std::time::{Duration, Instant};

use super::callgrind::{ITERATIONS, perfkit_callgrind_counted};
use super::clock::Clock;
use super::plan::{Mode, Plan};
use super::sampler;
use super::team::Member;
use crate::alloc;
use crate::metric::{Better, MetricInfo};
use crate::profile::sampler::{self as profiler, ProfilePlan, perfkit_profiled_routine};
use crate::profile::{Profile, ProfileError};

/// How many inputs [`Bencher::iter_batched`] prepares before timing them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchSize {
    /// Small inputs: prepare a tenth of a sample's inputs at a time, then time them in one go.
    SmallInput,
    /// Large inputs: prepare and time one input at a time (the clock is read per iteration).
    LargeInput,
    /// Prepare and time this many inputs at a time.
    NumIterations(u64),
}

/// Allocations per iteration, from the allocation pass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Allocations {
    /// Allocation calls per iteration (a mean: amortised growth can make it fractional).
    pub allocs: f64,
    /// Bytes allocated per iteration.
    pub bytes: f64,
    /// Iterations the pass ran.
    pub iters: u64,
    /// The peak heap of the pass: the most bytes its thread held at once beyond what it held
    /// before (for a routine that frees what it allocates, the peak of one call).
    pub peak_bytes: u64,
}

/// The measurement of one routine: per-iteration times plus allocations.
#[derive(Debug, Clone, PartialEq)]
pub struct Samples {
    /// Time per iteration of each sample, in nanoseconds (the sample's time / its iterations).
    pub times_ns: Vec<f64>,
    /// Iterations in each sample.
    pub iters_per_sample: u64,
    /// Allocations per iteration, when [`alloc::Counting`] is installed.
    pub allocations: Option<Allocations>,
}

/// Handed to a perf test's routine; times the closure passed to one of its `iter` methods.
///
/// Call exactly one `iter*` method, exactly once: it runs the whole measurement (warm-up,
/// samples, allocation pass), so code before it is setup and runs once.
#[derive(Debug)]
pub struct Bencher {
    plan: Plan,
    mode: Mode,
    clock: Clock,
    samples: Option<Samples>,
    calls: u32,
    /// This bencher's place in a team of threads that sample together (`threads = [...]`).
    team: Option<Member>,
    /// Values of the routine's own metrics ([`Bencher::metric`]), in the order reported.
    metrics: Vec<MetricValues>,
    /// The first misuse of [`Bencher::metric`], reported by the runtime as the test's failure.
    metric_error: Option<MetricError>,
    /// How long to profile, in [`Mode::Profile`].
    profile_plan: ProfilePlan,
    /// The profile, once an `iter*` method has run in [`Mode::Profile`].
    profile: Option<Result<Profile, ProfileError>>,
}

/// The values one routine reported for one of its own metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricValues {
    /// The metric's name, unit and direction, as the routine declared them.
    pub info: MetricInfo,
    /// One value per [`Bencher::metric`] call, in order.
    pub values: Vec<f64>,
}

/// A call of [`Bencher::metric`] that perfkit cannot record.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MetricError {
    /// The name is empty or blank.
    #[error("a metric needs a name, like `b.metric(\"hit_rate\", ...)`")]
    EmptyName,
    /// The name is one perfkit measures itself.
    #[error(
        "`{name}` is a metric perfkit measures itself; give your metric another name, like \
         `{name}_custom`"
    )]
    Builtin {
        /// The name.
        name: String,
    },
    /// The direction is neither `"lower"` nor `"higher"`.
    #[error(
        "metric `{name}`: direction `{direction}` is not \"lower\" or \"higher\" (or \
         `perfkit::metric::Better::Lower`/`Higher`)"
    )]
    Direction {
        /// The metric.
        name: String,
        /// What was given.
        direction: String,
    },
    /// The value is NaN or infinite.
    #[error("metric `{name}`: the value {value} is not a finite number")]
    NotFinite {
        /// The metric.
        name: String,
        /// The value.
        value: f64,
    },
    /// One name reported with two units or directions.
    #[error(
        "metric `{name}` is reported as {first} and as {second}: give each metric one unit \
         and one direction"
    )]
    Redeclared {
        /// The metric.
        name: String,
        /// The first declaration, `unit, better`.
        first: String,
        /// The other.
        second: String,
    },
}

/// A metric's direction, as [`Bencher::metric`] accepts it: a [`Better`] or its name
/// (`"lower"`, `"higher"`).
pub trait Direction {
    /// The direction, or `Err` with the text given when it names none.
    fn better(self) -> Result<Better, String>;
}

impl Direction for Better {
    fn better(self) -> Result<Better, String> {
        Ok(self)
    }
}

impl Direction for &str {
    fn better(self) -> Result<Better, String> {
        Better::parse(self).ok_or_else(|| self.to_owned())
    }
}

/// Longest allocation pass, so counting a slow routine stays cheap.
const ALLOC_PASS: Duration = Duration::from_millis(10);
const ALLOC_PASS_MAX_ITERS: u64 = 100;

impl Bencher {
    /// A bencher that measures with `plan` (or, in [`Mode::Smoke`], runs the routine once).
    pub fn new(plan: Plan, mode: Mode) -> Bencher {
        let clock = if matches!(mode, Mode::Smoke | Mode::Instructions) {
            Clock {
                cost_ns: 0.0,
                resolution_ns: 1.0,
            }
        } else {
            Clock::get()
        };
        Bencher {
            plan,
            mode,
            clock,
            samples: None,
            calls: 0,
            team: None,
            metrics: Vec::new(),
            metric_error: None,
            profile_plan: ProfilePlan::DEFAULT,
            profile: None,
        }
    }

    /// A bencher that profiles the routine for as long as `plan` says ([`Mode::Profile`])
    /// instead of timing it.
    pub fn profiling(plan: ProfilePlan) -> Bencher {
        Bencher {
            profile_plan: plan,
            ..Bencher::new(Plan::DEFAULT, Mode::Profile)
        }
    }

    /// The profile, once an `iter*` method has run in [`Mode::Profile`].
    pub fn take_profile(&mut self) -> Option<Result<Profile, ProfileError>> {
        self.profile.take()
    }

    /// Keeps the profile of `sampled`, with the allocations `count` gives (from the routine's
    /// time per call).
    fn profiled(
        &mut self,
        sampled: Result<profiler::Sampled, ProfileError>,
        count: impl FnOnce(f64) -> Option<Allocations>,
    ) {
        self.profile = Some(sampled.and_then(|sampled| {
            let allocations = count(sampled.per_call_ns);
            Profile::from_sampled(sampled, allocations)
        }));
    }

    /// A bencher for one thread of `member`'s team: every member's routine runs each sample's
    /// iterations at the same time as the others', and the leader (member 0) gets the samples.
    pub(crate) fn in_team(plan: Plan, mode: Mode, member: Member) -> Bencher {
        Bencher {
            team: Some(member),
            ..Bencher::new(plan, mode)
        }
    }

    /// The measurement, once an `iter*` method has run (never in [`Mode::Smoke`]).
    pub fn take_samples(&mut self) -> Option<Samples> {
        self.samples.take()
    }

    /// Reports one value of a metric the routine defines itself (a cache's hit rate, a
    /// compression ratio, bytes sent), recorded in history beside time as a series of its own,
    /// judged against its baseline in the direction given, and shown by `cargo perfkit history
    /// --metric NAME`.
    ///
    /// Each call is one sample of the metric in this run: call it once per observation (per
    /// request batch, per replay). A metric reported once per run is recorded as two equal
    /// samples: a run of a deterministic quantity has no spread within it, and the judge needs
    /// two samples to see that; its verdicts then rest on the spread between runs (from the
    /// series' history, else the default prior). The judge works on logarithms, so values
    /// must be positive to be compared (zero is recorded, not judged).
    ///
    /// `better` is a [`Better`] or `"lower"`/`"higher"`; `unit` is free text for people
    /// (`"fraction"`, `"%"`, `"B"`). A misuse (a built-in name such as `time`, an unknown
    /// direction, a value that is not finite, one name with two units) fails the test.
    ///
    /// ```no_run
    /// use perfkit::Bencher;
    /// use perfkit::metric::Better;
    ///
    /// fn lookups(b: &mut Bencher) {
    ///     let (hits, lookups) = (920.0, 1000.0); // from a replay of recorded traffic
    ///     b.metric("hit_rate", hits / lookups, "fraction", Better::Higher);
    ///     b.metric("evictions", 12.0, "", "lower");
    ///     b.iter(|| 1 + 1);
    /// }
    /// ```
    pub fn metric(&mut self, name: &str, value: f64, unit: &str, better: impl Direction) {
        if let Err(e) = self.add_metric(name, value, unit, better) {
            self.metric_error.get_or_insert(e);
        }
    }

    fn add_metric(
        &mut self,
        name: &str,
        value: f64,
        unit: &str,
        better: impl Direction,
    ) -> Result<(), MetricError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(MetricError::EmptyName);
        }
        if MetricInfo::is_builtin(name) {
            return Err(MetricError::Builtin { name: name.into() });
        }
        let better = better
            .better()
            .map_err(|direction| MetricError::Direction {
                name: name.into(),
                direction,
            })?;
        if !value.is_finite() {
            return Err(MetricError::NotFinite {
                name: name.into(),
                value,
            });
        }
        let info = MetricInfo::new(name, unit, better);
        match self.metrics.iter_mut().find(|m| m.info.name == name) {
            Some(known) if known.info != info => Err(MetricError::Redeclared {
                name: name.into(),
                first: format!("`{}`, {} is better", known.info.unit, known.info.better),
                second: format!("`{unit}`, {better} is better"),
            }),
            Some(known) => {
                known.values.push(value);
                Ok(())
            }
            None => {
                self.metrics.push(MetricValues {
                    info,
                    values: vec![value],
                });
                Ok(())
            }
        }
    }

    /// The values the routine reported with [`Bencher::metric`], or its first misuse of it.
    pub fn take_metrics(&mut self) -> Result<Vec<MetricValues>, MetricError> {
        match self.metric_error.take() {
            Some(e) => Err(e),
            None => Ok(std::mem::take(&mut self.metrics)),
        }
    }

    /// How many `iter*` calls the routine made (the runtime insists on exactly one).
    pub fn iter_calls(&self) -> u32 {
        self.calls
    }

    /// Times `routine`; its output is passed through [`black_box`] and dropped inside the timing.
    pub fn iter<O, R: FnMut() -> O>(&mut self, mut routine: R) {
        self.calls += 1;
        if self.mode == Mode::Smoke {
            black_box(routine());
            return;
        }
        if self.mode == Mode::Instructions {
            black_box(routine()); // warm-up: caches, lazy statics; not counted
            perfkit_callgrind_counted(&mut || {
                for _ in 0..ITERATIONS {
                    black_box(routine());
                }
            });
            return;
        }
        if self.mode == Mode::Profile {
            let sampled = profiler::sample(&self.profile_plan, &mut |k| {
                perfkit_profiled_routine(&mut || {
                    for _ in 0..k {
                        black_box(routine());
                    }
                })
            });
            self.profiled(sampled, |per_call_ns| {
                alloc_pass(per_call_ns, |k| {
                    for _ in 0..k {
                        black_box(routine());
                    }
                })
            });
            return;
        }
        let sampled = self.sample(|k| {
            let start = Instant::now();
            for _ in 0..k {
                black_box(routine());
            }
            start.elapsed()
        });
        let Some(sampled) = sampled else { return };
        let allocations = alloc_pass(sampled.estimate_ns, |k| {
            for _ in 0..k {
                black_box(routine());
            }
        });
        self.finish(sampled, allocations);
    }

    /// Times `routine` on inputs made by `setup`; setup and dropping the outputs are not timed.
    pub fn iter_batched<I, O, S, R>(&mut self, setup: S, mut routine: R, size: BatchSize)
    where
        S: FnMut() -> I,
        R: FnMut(I) -> O,
    {
        self.batched(setup, size, |inputs: &mut Vec<I>, outputs: &mut Vec<O>| {
            for input in inputs.drain(..) {
                outputs.push(black_box(routine(input)));
            }
        });
    }

    /// Times `routine` on a mutable reference to each input made by `setup`, for routines that
    /// change their input in place (sorting, clearing, draining): setup, dropping the inputs
    /// and dropping the outputs are not timed.
    ///
    /// ```no_run
    /// use perfkit::{BatchSize, Bencher};
    ///
    /// fn sort(b: &mut Bencher) {
    ///     b.iter_batched_ref(
    ///         || (0..1_000u32).rev().collect::<Vec<u32>>(),
    ///         |v| v.sort(),
    ///         BatchSize::SmallInput,
    ///     );
    /// }
    /// ```
    pub fn iter_batched_ref<I, O, S, R>(&mut self, setup: S, mut routine: R, size: BatchSize)
    where
        S: FnMut() -> I,
        R: FnMut(&mut I) -> O,
    {
        self.batched(setup, size, |inputs: &mut Vec<I>, outputs: &mut Vec<O>| {
            for input in inputs.iter_mut() {
                outputs.push(black_box(routine(input)));
            }
        });
    }

    /// The measurement behind [`iter_batched`](Self::iter_batched) and
    /// [`iter_batched_ref`](Self::iter_batched_ref): `run` takes a batch of inputs made by
    /// `setup` and pushes one output per input; only `run` is timed (and counted), and the
    /// inputs left and the outputs are dropped after the clock stops.
    fn batched<I, O>(
        &mut self,
        mut setup: impl FnMut() -> I,
        size: BatchSize,
        mut run: impl FnMut(&mut Vec<I>, &mut Vec<O>),
    ) {
        self.calls += 1;
        let mut inputs_of = |m: u64| (0..m).map(|_| setup()).collect::<Vec<I>>();
        if self.mode == Mode::Smoke {
            run(&mut inputs_of(1), &mut Vec::with_capacity(1));
            return;
        }
        if self.mode == Mode::Instructions {
            run(&mut inputs_of(1), &mut Vec::with_capacity(1));
            // Inputs made and dropped, outputs dropped, outside the counted function.
            let mut inputs = inputs_of(ITERATIONS);
            let mut outputs = Vec::with_capacity(ITERATIONS as usize);
            perfkit_callgrind_counted(&mut || run(&mut inputs, &mut outputs));
            drop((inputs, outputs));
            return;
        }
        if self.mode == Mode::Profile {
            // Inputs made and dropped, outputs dropped, outside the marker.
            let sampled = profiler::sample(&self.profile_plan, &mut |k| {
                let mut inputs = inputs_of(k);
                let mut outputs = Vec::with_capacity(k as usize);
                perfkit_profiled_routine(&mut || run(&mut inputs, &mut outputs));
                drop((inputs, outputs));
            });
            self.profiled(sampled, |per_call_ns| {
                alloc_pass(per_call_ns, |k| {
                    let mut inputs = inputs_of(k);
                    let mut outputs = Vec::with_capacity(inputs.len());
                    let ((), counts) = alloc::count(|| run(&mut inputs, &mut outputs));
                    drop((inputs, outputs));
                    counts
                })
            });
            return;
        }
        let per_batch = |k: u64| match size {
            // Ten chunks per sample, as criterion does: few clock reads, bounded memory.
            BatchSize::SmallInput => k.div_ceil(10),
            BatchSize::LargeInput => 1,
            BatchSize::NumIterations(n) => n.max(1),
        };
        let sampled = self.sample(|k| {
            let mut elapsed = Duration::ZERO;
            let mut left = k;
            while left > 0 {
                let m = per_batch(k).min(left);
                let mut inputs = inputs_of(m);
                let mut outputs = Vec::with_capacity(m as usize);
                let start = Instant::now();
                run(&mut inputs, &mut outputs);
                elapsed += start.elapsed();
                drop((inputs, outputs));
                left -= m;
            }
            elapsed
        });
        let Some(sampled) = sampled else { return };
        let allocations = alloc_pass(sampled.estimate_ns, |k| {
            let mut inputs = inputs_of(k);
            // Allocated before counting starts, so only the routine's own allocations count.
            let mut outputs = Vec::with_capacity(inputs.len());
            let ((), counts) = alloc::count(|| run(&mut inputs, &mut outputs));
            drop((inputs, outputs));
            counts
        });
        self.finish(sampled, allocations);
    }

    /// Times with a clock of your own: `routine(iters)` runs the code `iters` times and returns
    /// how long that took.
    pub fn iter_custom<R: FnMut(u64) -> Duration>(&mut self, mut routine: R) {
        self.calls += 1;
        if self.mode == Mode::Smoke {
            black_box(routine(1));
            return;
        }
        if self.mode == Mode::Instructions {
            // The routine's own clock reads are counted with it: it times itself.
            black_box(routine(1));
            perfkit_callgrind_counted(&mut || {
                black_box(routine(ITERATIONS));
            });
            return;
        }
        if self.mode == Mode::Profile {
            // The routine's own clock reads are profiled with it: it times itself.
            let sampled = profiler::sample(&self.profile_plan, &mut |k| {
                perfkit_profiled_routine(&mut || {
                    black_box(routine(k));
                })
            });
            self.profiled(sampled, |per_call_ns| {
                alloc_pass(per_call_ns, |k| {
                    black_box(routine(k));
                })
            });
            return;
        }
        let Some(sampled) = self.sample(&mut routine) else {
            return;
        };
        let allocations = alloc_pass(sampled.estimate_ns, |k| {
            black_box(routine(k));
        });
        self.finish(sampled, allocations);
    }

    /// Runs the sampling loop over `batch`, or, as one thread of a team
    /// (`threads = [...]`), takes part in the team's loop: the team's leader gets the samples,
    /// every other member `None`.
    fn sample(&mut self, batch: impl FnMut(u64) -> Duration) -> Option<sampler::Sampled> {
        match &self.team {
            None => Some(sampler::sample(&self.plan, &self.clock, batch)),
            Some(member) => member.sample(&self.plan, &self.clock, batch),
        }
    }

    fn finish(&mut self, sampled: sampler::Sampled, allocations: Option<Allocations>) {
        self.samples = Some(Samples {
            times_ns: sampled.times_ns,
            iters_per_sample: sampled.iters_per_sample,
            allocations,
        });
    }
}

/// Runs the routine `k` times under allocation counting, in a pass of its own so counting does
/// not distort timing. `run` either returns nothing (counting is done here) or counts itself
/// (when it must keep setup outside the count) and returns the counts.
fn alloc_pass<C: PassCounts>(
    estimate_ns: f64,
    mut run: impl FnMut(u64) -> C,
) -> Option<Allocations> {
    if !alloc::is_installed() {
        return None;
    }
    let fit = (ALLOC_PASS.as_nanos() as f64 / estimate_ns.max(1.0)) as u64;
    let iters = fit.clamp(1, ALLOC_PASS_MAX_ITERS);
    let counts = C::counts(|| run(iters))?;
    Some(Allocations {
        allocs: counts.allocs as f64 / iters as f64,
        bytes: counts.bytes as f64 / iters as f64,
        iters,
        peak_bytes: counts.peak_bytes,
    })
}

/// Lets [`alloc_pass`] accept routines that count for themselves and routines that do not.
trait PassCounts {
    fn counts(run: impl FnOnce() -> Self) -> Option<alloc::Counts>;
}

impl PassCounts for () {
    fn counts(run: impl FnOnce()) -> Option<alloc::Counts> {
        alloc::count(run).1
    }
}

impl PassCounts for Option<alloc::Counts> {
    fn counts(run: impl FnOnce() -> Self) -> Option<alloc::Counts> {
        run()
    }
}
