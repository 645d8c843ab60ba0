//! The interleaved sampling loop: every variant takes one sample per round, in alternating order,
//! so slow drift of the machine falls on all variants alike.
//!
//! The rules follow the single-routine sampler in `measure/sampler.rs` (warm-up by doubling, one
//! batch size per routine from [`Plan::target_sample_ns`], a time cap, a precision target), applied
//! to several routines at once:
//!
//! - **Warm-up**, each variant in turn for the plan's warm-up time; the last (warmest) batch
//!   estimates its time per iteration.
//! - **Batch sizes**, per variant, so each of its samples lasts about the plan's target sample
//!   length: a fast variant runs more iterations per sample than a slow one, and every sample is
//!   long next to the clock's resolution.
//! - **Rounds**, A B then B A then A B …: forward and reversed in turn, so a variant is not
//!   always the one that runs right after another (cache state, turbo budget), and a drift that
//!   is linear within two rounds adds the same to every variant.
//! - **Stop** after the round in which every variant's median is precise to the plan's target
//!   (checked every 10 rounds from 50 on), or when the variants' sampled time reaches the plan's
//!   time cap *per variant*, or at the plan's sample limits.

use std::time::{Duration, Instant};

use crate::measure::sampler::{Spent, relative_precision, should_stop, wall_limit, warm_up};
use crate::measure::{Clock, Plan};

/// What the interleaved loop measured, per variant.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Interleaved {
    /// Per variant: the time per iteration of each of its samples, in ns (one per round).
    pub times_ns: Vec<Vec<f64>>,
    /// Per variant: the iterations in each of its samples.
    pub iters_per_sample: Vec<u64>,
}

/// Samples `variants` routines in interleaved rounds under `plan`. `batch(v, k)` runs variant
/// `v` `k` times and returns how long that took.
pub(crate) fn sample(
    plan: &Plan,
    clock: &Clock,
    variants: usize,
    mut batch: impl FnMut(usize, u64) -> Duration,
) -> Interleaved {
    let target = plan.target_sample_ns(clock.min_sample_ns());
    let iters_per_sample: Vec<u64> = (0..variants)
        .map(|v| warm_up(plan, |k| batch(v, k)).iters_per_sample(target))
        .collect();

    let mut times_ns = vec![Vec::new(); variants];
    let cap = plan.time_cap * u32::try_from(variants).unwrap_or(u32::MAX);
    let wall_limit = wall_limit(plan, variants);
    let mut sampled = Duration::ZERO;
    let start = Instant::now();
    for round in 0usize.. {
        for v in order(round, variants) {
            let k = iters_per_sample[v];
            let d = batch(v, k);
            sampled += d;
            times_ns[v].push(d.as_nanos() as f64 / k as f64);
        }
        let spent = Spent::of(sampled, cap, start.elapsed(), wall_limit);
        if should_stop(plan, round + 1, spent, || {
            times_ns
                .iter()
                .all(|t| relative_precision(t) <= plan.target_precision)
        }) {
            break;
        }
    }
    Interleaved {
        times_ns,
        iters_per_sample,
    }
}

/// The order of the variants in round `round`: forward in even rounds, reversed in odd ones.
fn order(round: usize, variants: usize) -> impl Iterator<Item = usize> {
    let reversed = round % 2 == 1;
    (0..variants).map(move |i| if reversed { variants - 1 - i } else { i })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::sampler::{MAX_ITERS, MIN_FOR_PRECISION};

    fn clock() -> Clock {
        Clock {
            cost_ns: 20.0,
            resolution_ns: 20.0,
        }
    }

    /// A fake clock: variant `v` reports `cost[v]` ns per iteration; every call is recorded.
    fn run(plan: &Plan, cost: &[u64]) -> (Interleaved, Vec<(usize, u64)>) {
        let mut calls = Vec::new();
        let out = sample(plan, &clock(), cost.len(), |v, k| {
            calls.push((v, k));
            Duration::from_nanos(cost[v] * k)
        });
        (out, calls)
    }

    #[test]
    fn rounds_alternate_forward_and_reversed_after_each_warm_up() {
        let plan = Plan {
            // Long enough that the warm-up's wall-clock guard never fires on a busy machine.
            warmup: Duration::from_secs(1),
            fixed_samples: Some(5),
            min_samples: 5,
            max_samples: 5,
            ..Plan::DEFAULT
        };
        let (out, calls) = run(&plan, &[100_000_000, 300_000_000, 700_000_000]);
        // Warm-up: variant 0 until its 1 s is spent (1+2+4+8 iterations of 0.1 s), then 1, 2.
        let warm: Vec<usize> = calls.iter().take(4 + 3 + 2).map(|c| c.0).collect();
        assert_eq!(warm, [0, 0, 0, 0, 1, 1, 1, 2, 2]);
        let rounds: Vec<usize> = calls[9..].iter().map(|c| c.0).collect();
        assert_eq!(rounds, [0, 1, 2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 0, 1, 2]);
        assert!(out.times_ns.iter().all(|t| t.len() == 5));
        assert_eq!(out.times_ns[1], [3e8; 5]);
    }

    #[test]
    fn each_variant_gets_its_own_batch_size() {
        // The default plan wants 800 µs samples: 8000 iterations at 100 ns, 8 at 100 µs.
        let (out, calls) = run(&Plan::DEFAULT, &[100, 100_000]);
        assert_eq!(out.iters_per_sample, [8_000, 8]);
        let last = &calls[calls.len() - 2..];
        assert!(last.contains(&(0, 8_000)) && last.contains(&(1, 8)));
    }

    #[test]
    fn stops_when_every_variant_is_precise() {
        let (out, _) = run(&Plan::DEFAULT, &[10_000, 20_000]);
        assert_eq!(out.times_ns[0].len(), MIN_FOR_PRECISION);
        assert_eq!(out.times_ns[1].len(), MIN_FOR_PRECISION);
    }

    #[test]
    fn one_noisy_variant_keeps_all_sampling_until_the_cap_per_variant() {
        let plan = Plan {
            max_samples: 100_000,
            ..Plan::DEFAULT
        };
        let mut flip = false;
        let out = sample(&plan, &clock(), 2, |v, k| {
            let ns = if v == 0 {
                1_000
            } else {
                flip = !flip;
                if flip { 1_000 } else { 3_000 }
            };
            Duration::from_nanos(ns * k)
        });
        assert_eq!(out.times_ns[0].len(), out.times_ns[1].len());
        let total: f64 = (0..2)
            .map(|v| out.times_ns[v].iter().sum::<f64>() * out.iters_per_sample[v] as f64)
            .sum();
        // Two variants: twice the plan's 800 ms cap, give or take the last round.
        assert!((1.6e9..1.7e9).contains(&total), "sampled {total} ns");
    }

    #[test]
    fn slow_variants_get_the_minimum_rounds() {
        let (out, _) = run(&Plan::DEFAULT, &[1_000_000_000, 10]);
        assert_eq!(out.iters_per_sample[0], 1);
        assert_eq!(out.times_ns[0].len(), 10);
    }

    #[test]
    fn zero_time_routines_terminate() {
        let out = sample(&Plan::DEFAULT, &clock(), 2, |_, _| Duration::ZERO);
        assert_eq!(out.iters_per_sample, [MAX_ITERS, MAX_ITERS]);
        assert!(!out.times_ns[0].is_empty());
    }
}
