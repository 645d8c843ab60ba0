//! The sampling loop: warm up, size the batches, sample until precise enough or out of time.

use std::time::{Duration, Instant};

use super::clock::Clock;
use super::plan::Plan;
use crate::stats::Summary;

/// The raw outcome of the sampling loop.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Sampled {
    pub times_ns: Vec<f64>,
    pub iters_per_sample: u64,
    /// The time per iteration estimated at the end of the warm-up, in nanoseconds.
    pub estimate_ns: f64,
}

/// Upper bound on iterations per batch, so a routine reported as taking no time cannot make the
/// loop spin forever.
pub(crate) const MAX_ITERS: u64 = 1 << 36;

/// Minimum number of samples before the precision target may stop sampling in a full plan.
pub(crate) const MIN_FOR_PRECISION: usize = 50;

/// Runs `batch(k)` (which executes the routine `k` times and returns the time it took) according
/// to `plan`. The time cap and warm-up count the durations `batch` reports, so the time spent in
/// untimed setup (`iter_batched`) does not eat the sampling budget; wall-clock guards keep such
/// setups from running away: warm-up ends after twice its time on the wall clock, a sample may
/// spend at most ten times its target on the wall clock, and sampling ends after five times the
/// plan's total.
pub(crate) fn sample(
    plan: &Plan,
    clock: &Clock,
    mut batch: impl FnMut(u64) -> Duration,
) -> Sampled {
    let wall_limit = (plan.warmup + plan.time_cap) * 5;
    let warm = warm_up(plan, &mut batch);
    let iters_per_sample = warm.iters_per_sample(plan.target_sample_ns(clock.min_sample_ns()));

    let mut times_ns = Vec::new();
    let mut sampled = Duration::ZERO;
    let start = Instant::now();
    loop {
        let d = batch(iters_per_sample);
        sampled += d;
        times_ns.push(d.as_nanos() as f64 / iters_per_sample as f64);
        let out_of_time = sampled >= plan.time_cap || start.elapsed() >= wall_limit;
        if should_stop(plan, times_ns.len(), out_of_time, || {
            relative_precision(&times_ns) <= plan.target_precision
        }) {
            break;
        }
    }
    Sampled {
        times_ns,
        iters_per_sample,
        estimate_ns: warm.estimate_ns,
    }
}

/// What the warm-up found about a routine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct WarmUp {
    /// Reported time per iteration of the last (warmest) batch, in ns.
    pub estimate_ns: f64,
    /// Wall-clock time per iteration of that batch (reported time plus any untimed setup).
    pub wall_ns: f64,
}

impl WarmUp {
    /// Iterations per sample so a sample reports about `target_ns`, but spends at most ten
    /// times that on the wall clock (untimed setup counts there).
    pub(crate) fn iters_per_sample(&self, target_ns: f64) -> u64 {
        let by_timed = if self.estimate_ns > 0.0 {
            target_ns / self.estimate_ns
        } else {
            f64::INFINITY
        };
        let by_wall = if self.wall_ns > 0.0 {
            10.0 * target_ns / self.wall_ns
        } else {
            f64::INFINITY
        };
        (by_timed.min(by_wall).ceil().min(MAX_ITERS as f64) as u64).max(1)
    }
}

/// Warm-up: double the batch until the warm-up time is spent (or twice that on the wall clock,
/// for a clock that under-reports); the last batch is the warmest, so it gives the estimate.
pub(crate) fn warm_up(plan: &Plan, mut batch: impl FnMut(u64) -> Duration) -> WarmUp {
    let start = Instant::now();
    let mut iters = 1u64;
    let mut spent = Duration::ZERO;
    loop {
        let wall = Instant::now();
        let d = batch(iters);
        let wall = wall.elapsed();
        spent += d;
        if spent >= plan.warmup || start.elapsed() >= plan.warmup * 2 || iters >= MAX_ITERS {
            return WarmUp {
                estimate_ns: d.as_nanos() as f64 / iters as f64,
                wall_ns: wall.as_nanos() as f64 / iters as f64,
            };
        }
        // Grow while batches are short; a batch already taking an eighth of the warm-up on the
        // wall clock is repeated as it is, so slow setups do not grow it past the warm-up.
        if wall < plan.warmup / 8 {
            iters = (iters * 2).min(MAX_ITERS);
        }
    }
}

/// The plan's stop rule after `n` samples: a fixed count if the plan has one; else never below
/// the minimum, always at the maximum or when out of time, and otherwise when `precise()` says
/// the median is precise enough (asked every 10 samples from [`MIN_FOR_PRECISION`] on).
pub(crate) fn should_stop(
    plan: &Plan,
    n: usize,
    out_of_time: bool,
    precise: impl FnOnce() -> bool,
) -> bool {
    if let Some(fixed) = plan.fixed_samples {
        return n >= fixed as usize;
    }
    if n >= plan.max_samples as usize {
        return true;
    }
    if n < plan.min_samples as usize {
        return false;
    }
    if out_of_time {
        return true;
    }
    let enough = MIN_FOR_PRECISION
        .min(plan.max_samples as usize)
        .max(plan.min_samples as usize);
    n >= enough && n.is_multiple_of(10) && precise()
}

/// Half-width of the median's 95% CI as a fraction of the median.
pub(crate) fn relative_precision(times: &[f64]) -> f64 {
    match Summary::new(times) {
        Ok(s) if s.median > 0.0 => (s.median_ci.upper - s.median_ci.lower) / 2.0 / s.median,
        Ok(_) => 0.0,
        Err(_) => f64::INFINITY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock() -> Clock {
        Clock {
            cost_ns: 20.0,
            resolution_ns: 20.0,
        }
    }

    #[test]
    fn fixed_samples_are_exact() {
        let plan = Plan {
            fixed_samples: Some(17),
            min_samples: 17,
            max_samples: 17,
            ..Plan::DEFAULT
        };
        let s = sample(&plan, &clock(), |k| Duration::from_nanos(1000 * k));
        assert_eq!(s.times_ns.len(), 17);
        assert!(s.times_ns.iter().all(|&t| t == 1000.0));
    }

    #[test]
    fn batches_fast_routines_to_the_target_sample_length() {
        // 100 ns per iteration reported; the default plan wants 800 µs samples.
        let s = sample(&Plan::DEFAULT, &clock(), |k| Duration::from_nanos(100 * k));
        assert_eq!(s.iters_per_sample, 8000);
        assert_eq!(s.estimate_ns, 100.0);
    }

    #[test]
    fn slow_routines_get_the_minimum_samples() {
        // 1 s per call (reported): the cap is long exceeded, yet 10 samples are taken.
        let s = sample(&Plan::DEFAULT, &clock(), Duration::from_secs);
        assert_eq!(s.iters_per_sample, 1);
        assert_eq!(s.times_ns.len(), 10);
    }

    #[test]
    fn stops_when_precise() {
        // Perfectly steady: precise at the first check after the minimum.
        let s = sample(&Plan::DEFAULT, &clock(), |k| {
            Duration::from_nanos(10_000 * k)
        });
        assert_eq!(s.times_ns.len(), MIN_FOR_PRECISION);
    }

    #[test]
    fn stops_at_the_time_cap_when_noisy() {
        // Alternating 1x/3x times never reach 0.5% precision, so the 800 ms cap on reported
        // time is what stops sampling.
        let plan = Plan {
            max_samples: 100_000,
            ..Plan::DEFAULT
        };
        let mut flip = false;
        let s = sample(&plan, &clock(), |k| {
            flip = !flip;
            Duration::from_nanos(if flip { 1_000 * k } else { 3_000 * k })
        });
        let total: f64 = s
            .times_ns
            .iter()
            .map(|t| t * s.iters_per_sample as f64)
            .sum();
        assert!((800e6..900e6).contains(&total), "sampled {total} ns");
    }

    #[test]
    fn zero_time_routines_terminate() {
        let s = sample(&Plan::DEFAULT, &clock(), |_| Duration::ZERO);
        assert_eq!(s.iters_per_sample, MAX_ITERS);
        assert!(!s.times_ns.is_empty());
    }
}
