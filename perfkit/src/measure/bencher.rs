//! [`Bencher`]: what a perf test's routine uses to mark the code to time.

use std::hint::black_box;
use std::time::{Duration, Instant};

use super::callgrind::{ITERATIONS, perfkit_callgrind_counted};
use super::clock::Clock;
use super::plan::{Mode, Plan};
use super::sampler;
use crate::alloc;
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
    profile_plan: ProfilePlan,
    profile: Option<Result<Profile, ProfileError>>,
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

    /// The measurement, once an `iter*` method has run (never in [`Mode::Smoke`]).
    pub fn take_samples(&mut self) -> Option<Samples> {
        self.samples.take()
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
        let sampled = sampler::sample(&self.plan, &self.clock, |k| {
            let start = Instant::now();
            for _ in 0..k {
                black_box(routine());
            }
            start.elapsed()
        });
        let allocations = alloc_pass(sampled.estimate_ns, |k| {
            for _ in 0..k {
                black_box(routine());
            }
        });
        self.finish(sampled, allocations);
    }

    /// Times `routine` on inputs made by `setup`; setup and dropping the outputs are not timed.
    pub fn iter_batched<I, O, S, R>(&mut self, mut setup: S, mut routine: R, size: BatchSize)
    where
        S: FnMut() -> I,
        R: FnMut(I) -> O,
    {
        self.calls += 1;
        if self.mode == Mode::Smoke {
            black_box(routine(setup()));
            return;
        }
        if self.mode == Mode::Instructions {
            black_box(routine(setup()));
            // Inputs made and outputs dropped outside the counted function, as when timing.
            let mut inputs = (0..ITERATIONS)
                .map(|_| setup())
                .collect::<Vec<I>>()
                .into_iter();
            let mut outputs = Vec::with_capacity(ITERATIONS as usize);
            perfkit_callgrind_counted(&mut || {
                for input in inputs.by_ref() {
                    outputs.push(black_box(routine(input)));
                }
            });
            drop(outputs);
            return;
        }
        if self.mode == Mode::Profile {
            // Inputs made and outputs dropped outside the marker, as when timing.
            let sampled = profiler::sample(&self.profile_plan, &mut |k| {
                let mut inputs = (0..k).map(|_| setup()).collect::<Vec<I>>().into_iter();
                let mut outputs = Vec::with_capacity(k as usize);
                perfkit_profiled_routine(&mut || {
                    for input in inputs.by_ref() {
                        outputs.push(black_box(routine(input)));
                    }
                });
            });
            self.profiled(sampled, |per_call_ns| {
                alloc_pass(per_call_ns, |k| {
                    let inputs: Vec<I> = (0..k).map(|_| setup()).collect();
                    let mut outputs = Vec::with_capacity(inputs.len());
                    let ((), counts) = alloc::count(|| {
                        for input in inputs {
                            outputs.push(black_box(routine(input)));
                        }
                    });
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
        let sampled = sampler::sample(&self.plan, &self.clock, |k| {
            let mut elapsed = Duration::ZERO;
            let mut left = k;
            while left > 0 {
                let m = per_batch(k).min(left);
                let inputs: Vec<I> = (0..m).map(|_| setup()).collect();
                let mut outputs = Vec::with_capacity(m as usize);
                let start = Instant::now();
                for input in inputs {
                    outputs.push(black_box(routine(input)));
                }
                elapsed += start.elapsed();
                drop(outputs);
                left -= m;
            }
            elapsed
        });
        let allocations = alloc_pass(sampled.estimate_ns, |k| {
            let inputs: Vec<I> = (0..k).map(|_| setup()).collect();
            // Allocated before counting starts, so only the routine's own allocations count.
            let mut outputs = Vec::with_capacity(inputs.len());
            let ((), counts) = alloc::count(|| {
                for input in inputs {
                    outputs.push(black_box(routine(input)));
                }
            });
            drop(outputs);
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
        let sampled = sampler::sample(&self.plan, &self.clock, &mut routine);
        let allocations = alloc_pass(sampled.estimate_ns, |k| {
            black_box(routine(k));
        });
        self.finish(sampled, allocations);
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
