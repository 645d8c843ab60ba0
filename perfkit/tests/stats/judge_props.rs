//! The property the run-level judge exists for: more samples within a run never make an A/A
//! pair of runs more significant. With a between-run variance τ² > 0, adding samples shrinks
//! only the within-run part of the standard error, so p stays bounded away from 0.

use perfkit::compare::{LegacyComparison, NoisePrior, RunEstimate, Sides, VerdictRule, judge};
use proptest::prelude::*;
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::judge::{DATA_ONLY, run};
use crate::samples::SplitMix64;

/// Two-sided p of Student's t with `df` degrees of freedom (statrs, not perfkit's own).
fn two_sided(t: f64, df: f64) -> f64 {
    2.0 * StudentsT::new(0.0, 1.0, df).unwrap().sf(t.abs())
}

fn mean_var(y: &[f64]) -> (f64, f64) {
    let n = y.len() as f64;
    let mean = y.iter().sum::<f64>() / n;
    (
        mean,
        y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0),
    )
}

/// Student's pooled two-sample t-test on run levels alone (their within-run errors ignored).
fn pooled_t_p(base: &[f64], head: &[f64]) -> f64 {
    let (k, m) = (base.len() as f64, head.len() as f64);
    let ((mb, vb), (mh, vh)) = (mean_var(base), mean_var(head));
    let pooled = ((k - 1.0) * vb + (m - 1.0) * vh) / (k + m - 2.0);
    two_sided(
        (mh - mb) / (pooled * (1.0 / k + 1.0 / m)).sqrt(),
        k + m - 2.0,
    )
}

/// Each run's samples: `n · factor` draws around its own level; the estimate from the first
/// `n` and from all of them.
fn runs(
    rng: &mut SplitMix64,
    count: usize,
    tau: f64,
    n: usize,
    factor: usize,
) -> (Vec<RunEstimate>, Vec<RunEstimate>) {
    (0..count)
        .map(|_| {
            let level = 5.0 + tau * rng.normal();
            let x = run(rng, level, 0.05, n * factor);
            (
                RunEstimate::from_samples(&x[..n]).unwrap(),
                RunEstimate::from_samples(&x).unwrap(),
            )
        })
        .unzip()
}

fn p_of(sides: Sides, prior: &NoisePrior) -> f64 {
    judge(&[sides], &VerdictRule::default(), prior)[0]
        .change()
        .unwrap()
        .p
}

fn logs(r: &[RunEstimate]) -> Vec<f64> {
    r.iter().map(|r| r.log_location).collect()
}

proptest! {
    #![proptest_config(crate::samples::proptest_config())]

    /// Replicates: whatever the number of samples, never more significant than a t-test on
    /// the run levels alone (with equal run counts the two are equal once τ² > 0).
    #[test]
    fn replicates_are_never_more_significant_than_their_run_levels(
        seed in any::<u64>(), k in 2usize..5, n in 20usize..150, factor in 2usize..12,
    ) {
        let mut rng = SplitMix64::new(seed);
        let (base_few, base_many) = runs(&mut rng, k, 0.02, n, factor);
        let (head_few, head_many) = runs(&mut rng, k, 0.02, n, factor);
        for (base, head) in [(base_few, head_few), (base_many, head_many)] {
            let floor = pooled_t_p(&logs(&base), &logs(&head));
            let p = p_of(Sides::independent(base.clone(), head.clone()), &DATA_ONLY);
            prop_assert!(p >= floor * (1.0 - 1e-9), "p = {p} < {floor}");
            // Moderated by the prior: never more significant than the same run levels
            // judged as if each run were exact (within-run variance 0).
            let exact = |r: &[RunEstimate]| -> Vec<RunEstimate> {
                r.iter().map(|r| RunEstimate { within_var: 0.0, ..*r }).collect()
            };
            let prior = NoisePrior::default();
            let floor = p_of(Sides::independent(exact(&base), exact(&head)), &prior);
            let p = p_of(Sides::independent(base, head), &prior);
            prop_assert!(p >= floor * (1.0 - 1e-9), "moderated: p = {p} < {floor}");
        }
    }

    /// The prior: one run against one is never more significant than τ alone allows.
    #[test]
    fn one_run_each_is_never_more_significant_than_the_prior_allows(
        seed in any::<u64>(), n in 20usize..150, factor in 2usize..40,
    ) {
        let mut rng = SplitMix64::new(seed);
        let (base_few, base_many) = runs(&mut rng, 1, 0.02, n, factor);
        let (head_few, head_many) = runs(&mut rng, 1, 0.02, n, factor);
        let prior = NoisePrior::default();
        for (base, head) in [(base_few, head_few), (base_many, head_many)] {
            let diff = head[0].log_location - base[0].log_location;
            let floor = two_sided(diff / (prior.tau * 2f64.sqrt()), prior.df);
            let p = p_of(Sides::independent(base, head), &prior);
            prop_assert!(p >= floor * (1.0 - 1e-9), "p = {p} < {floor}");
        }
    }

    /// Paired rounds: never more significant than the t-test on the per-round log-ratios.
    #[test]
    fn paired_rounds_are_never_more_significant_than_their_log_ratios(
        seed in any::<u64>(), rounds in 2usize..8, n in 20usize..150, factor in 2usize..12,
    ) {
        let mut rng = SplitMix64::new(seed);
        let (base_few, base_many) = runs(&mut rng, rounds, 0.02, n, factor);
        let (head_few, head_many) = runs(&mut rng, rounds, 0.02, n, factor);
        for (base, head) in [(base_few, head_few), (base_many, head_many)] {
            let d: Vec<f64> = base.iter().zip(&head)
                .map(|(b, h)| h.log_location - b.log_location).collect();
            let (mean, var) = mean_var(&d);
            let floor = two_sided(mean / (var / rounds as f64).sqrt(), (rounds - 1) as f64);
            let p = p_of(Sides::paired(base, head), &NoisePrior::default());
            prop_assert!(p >= floor * (1.0 - 1e-9), "p = {p} < {floor}");
        }
    }
}

/// The 0.1 false alarm this judge fixes: three processes per side whose levels differ by 6%,
/// with 3% between processes. Pooling their samples, Welch grows certain as samples are
/// added; judged as runs, p stays where the run levels put it.
#[test]
fn more_samples_do_not_turn_a_shift_between_processes_into_a_regression() {
    let rule = VerdictRule::default();
    let offsets = [0.0, 0.03, -0.03];
    let judged = |n: usize| {
        let mut rng = SplitMix64::new(7);
        let mut side = |shift: f64| -> Vec<Vec<f64>> {
            offsets
                .iter()
                .map(|o| run(&mut rng, 5.0 + shift + o, 0.05, n))
                .collect()
        };
        let (base, head) = (side(0.0), side(0.06));
        let pooled = |runs: &[Vec<f64>]| runs.concat();
        let legacy = LegacyComparison::new(&pooled(&base), &pooled(&head), &rule).unwrap();
        let estimates = |runs: &[Vec<f64>]| {
            runs.iter()
                .map(|x| RunEstimate::from_samples(x).unwrap())
                .collect()
        };
        let sides = Sides::independent(estimates(&base), estimates(&head));
        let p = p_of(sides, &DATA_ONLY);
        (legacy.p, p)
    };
    let (legacy_few, few) = judged(200);
    let (legacy_many, many) = judged(20_000);
    assert!(
        legacy_many < 1e-100 && legacy_many < legacy_few,
        "{legacy_few} {legacy_many}"
    );
    // The run levels alone (no prior's weight): t = 0.06 / (0.03 · sqrt(2/3)) = 2.45 on 4 df,
    // p ≈ 0.07.
    for p in [few, many] {
        assert!((0.03..0.2).contains(&p), "{few} {many}");
    }
}
