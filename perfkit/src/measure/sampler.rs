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
pub(crate) fn sample(plan: &Plan, clock: &Clock, batch: impl FnMut(u64) -> Duration) -> Sampled {
    let start = Instant::now();
    sample_on(plan, clock, batch, || start.elapsed())
}

/// [`sample`] with the wall clock given: `wall()` is the time since any fixed origin, so tests
/// can run the loop on a synthetic clock.
pub(crate) fn sample_on(
    plan: &Plan,
    clock: &Clock,
    mut batch: impl FnMut(u64) -> Duration,
    mut wall: impl FnMut() -> Duration,
) -> Sampled {
    let wall_limit = wall_limit(plan, 1);
    let warm = warm_up(plan, &mut batch);
    let iters_per_sample = warm.iters_per_sample(plan.target_sample_ns(clock.min_sample_ns()));

    let mut times_ns = Vec::new();
    let mut sampled = Duration::ZERO;
    let start = wall();
    loop {
        let d = batch(iters_per_sample);
        sampled += d;
        times_ns.push(d.as_nanos() as f64 / iters_per_sample as f64);
        let spent = Spent::of(
            sampled,
            plan.time_cap,
            wall().saturating_sub(start),
            wall_limit,
        );
        if should_stop(plan, times_ns.len(), spent, || {
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

/// Sampling's wall-clock guard for `routines` routines sampled together: five times the plan's
/// total (warm-up and sampling), so an untimed setup or a routine far slower than the plan
/// cannot keep a test running for minutes.
pub(crate) fn wall_limit(plan: &Plan, routines: usize) -> Duration {
    (plan.warmup + plan.time_cap) * 5 * u32::try_from(routines).unwrap_or(u32::MAX).max(1)
}

/// How much of its time the sampling loop has used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Spent {
    /// Within the plan.
    Within,
    /// The samples' reported time reached the plan's time cap.
    OverCap,
    /// The wall clock passed the guard ([`wall_limit`]).
    OverWall,
}

impl Spent {
    /// The state after `sampled` reported time (cap `cap`) and `wall` on the wall clock
    /// (limit `wall_limit`).
    pub(crate) fn of(
        sampled: Duration,
        cap: Duration,
        wall: Duration,
        wall_limit: Duration,
    ) -> Spent {
        if wall >= wall_limit {
            Spent::OverWall
        } else if sampled >= cap {
            Spent::OverCap
        } else {
            Spent::Within
        }
    }
}

/// Samples the wall-clock guard leaves a measurement with at least: two, so the samples still
/// have a spread.
pub(crate) const MIN_UNDER_WALL_LIMIT: usize = 2;

/// The plan's stop rule after `n` samples: a fixed count if the plan has one; else always at the
/// maximum, and past the wall-clock guard (from [`MIN_UNDER_WALL_LIMIT`] samples on); else never
/// below the minimum, always at the time cap, and otherwise when `precise()` says the median is
/// precise enough (asked every 10 samples from [`MIN_FOR_PRECISION`] on).
///
/// The guard comes before the minimum: a routine taking 3 s a call with the default plan would
/// otherwise take its 10 minimum samples, 33 s in all, although the guard says 5 s.
pub(crate) fn should_stop(
    plan: &Plan,
    n: usize,
    spent: Spent,
    precise: impl FnOnce() -> bool,
) -> bool {
    if let Some(fixed) = plan.fixed_samples {
        return n >= fixed as usize;
    }
    if n >= plan.max_samples as usize {
        return true;
    }
    if spent == Spent::OverWall && n >= MIN_UNDER_WALL_LIMIT {
        return true;
    }
    if n < plan.min_samples as usize {
        return false;
    }
    if spent != Spent::Within {
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

    /// Issue 11.10: a 3 s routine took 33 s (warm-up and the 10 minimum samples) although the
    /// wall-clock guard says five times the plan, 5 s by default.
    #[test]
    fn the_wall_clock_guard_comes_before_the_minimum_samples() {
        use std::cell::Cell;
        let wall = Cell::new(Duration::ZERO);
        let s = sample_on(
            &Plan::DEFAULT,
            &clock(),
            |k| {
                let d = Duration::from_secs(3 * k);
                wall.set(wall.get() + d);
                d
            },
            || wall.get(),
        );
        assert_eq!(s.times_ns.len(), MIN_UNDER_WALL_LIMIT);
        // Warm-up (one call) plus two samples: 9 s, not 33 s.
        assert_eq!(wall.get(), Duration::from_secs(9));
    }

    #[test]
    fn a_fixed_count_is_kept_past_the_wall_clock_guard() {
        let plan = Plan::new(crate::measure::Mode::Full, Some(4), None, None);
        let n = (1..=4)
            .find(|&n| should_stop(&plan, n, Spent::OverWall, || true))
            .unwrap();
        assert_eq!(n, 4);
    }

    #[test]
    fn zero_time_routines_terminate() {
        let s = sample(&Plan::DEFAULT, &clock(), |_| Duration::ZERO);
        assert_eq!(s.iters_per_sample, MAX_ITERS);
        assert!(!s.times_ns.is_empty());
    }
}
