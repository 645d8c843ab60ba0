//! [`judge`]: the one judging path. Base and head runs of many series in, one [`Judgement`]
//! each out, with the false discovery rate controlled across them.

use super::change::{Change, Judgement};
use super::noise::{Noise, NoisePrior, noise_floor};
use super::run_estimate::RunEstimate;
use super::verdict::VerdictRule;
use crate::stats::{Interval, benjamini_hochberg, mean_var, t_quantile, t_two_sided};

/// How the two sides were measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Design {
    /// Separate runs of two commits (check, compare, run, the test runtime).
    #[default]
    Independent,
    /// `ab`: `base[i]` and `head[i]` were measured in the same round i (interleaved).
    Paired,
}

/// One series, both sides, as runs (never pooled samples).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sides {
    /// The base's runs; empty: the series is new.
    pub base: Vec<RunEstimate>,
    /// The head's runs; empty: the series is missing.
    pub head: Vec<RunEstimate>,
    /// Earlier commits' runs of this series on this testbed along first parents, oldest
    /// first, NOT including the base or head commits: a source of between-run variance τ².
    pub history: Vec<Vec<RunEstimate>>,
    /// How the sides were measured.
    pub design: Design,
}

impl Sides {
    /// Independent runs of base and head, no history.
    pub fn independent(base: Vec<RunEstimate>, head: Vec<RunEstimate>) -> Sides {
        Sides {
            base,
            head,
            history: Vec::new(),
            design: Design::Independent,
        }
    }

    /// Rounds of an interleaved A/B measurement: `base[i]` and `head[i]` from round i.
    pub fn paired(base: Vec<RunEstimate>, head: Vec<RunEstimate>) -> Sides {
        Sides {
            base,
            head,
            history: Vec::new(),
            design: Design::Paired,
        }
    }

    /// The same sides with `history` (oldest first) as a source of τ².
    pub fn with_history(self, history: Vec<Vec<RunEstimate>>) -> Sides {
        Sides { history, ..self }
    }
}

/// Judges many series at once, with Benjamini–Hochberg FDR control across the Changes;
/// verdicts by `rule` (alpha, threshold) on q. Output order = input order.
///
/// - No base runs: [`Judgement::New`]; else no head runs: [`Judgement::Missing`].
/// - [`Design::Independent`]: the difference of the two sides' mean log-levels, with
///   `SE² = Σ_base (s_i² + τ²) / k² + Σ_head (s_j² + τ²) / m²` (k, m runs; τ² and its df
///   from [`noise_floor`](super::noise_floor)) and Student's t with τ²'s degrees of freedom.
///   Equal weights, not precision weights: τ² dominates a run's variance, so precision weights
///   would be nearly equal anyway, and they would let a run whose `s²` came out small by chance
///   outweigh the others. With replicates and equal run counts this is exactly the pooled
///   two-sample t-test on run levels. Satterthwaite's df would be larger (the within-run part
///   is known almost exactly); τ²'s own df errs on the safe side.
/// - [`Design::Paired`]: a one-sample t-test on the per-round log-ratios
///   `d_i = head_i − base_i` (df = rounds − 1), its variance no smaller than the within-run
///   variances imply; fewer than 2 rounds, or sides of different lengths, are
///   [`Judgement::Insufficient`].
///
/// ```
/// use perfkit::compare::{Judgement, NoisePrior, RunEstimate, Sides, Verdict, VerdictRule, judge};
/// let run = |y: f64| RunEstimate { log_location: y, within_var: 1e-6, samples: 1000 };
/// let base = vec![run(0.000), run(0.004), run(-0.003)];
/// let head = vec![run(0.098), run(0.101), run(0.094)]; // +10%
/// let out = judge(&[Sides::independent(base, head)], &VerdictRule::default(), &NoisePrior::default());
/// assert_eq!(out[0].verdict(), Verdict::Regression);
/// ```
pub fn judge(series: &[Sides], rule: &VerdictRule, prior: &NoisePrior) -> Vec<Judgement> {
    let mut out: Vec<Judgement> = series.iter().map(|s| judge_one(s, rule, prior)).collect();
    let p: Vec<f64> = out.iter().filter_map(|j| j.change().map(|c| c.p)).collect();
    let mut q = benjamini_hochberg(&p).into_iter();
    for judgement in &mut out {
        if let Judgement::Change(c) = judgement {
            let q = q.next().expect("one q-value per change");
            c.q = Some(q);
            c.verdict = rule.decide(c.ratio, q);
        }
    }
    out
}

/// One series, verdict on p (FDR comes after, in [`judge`]).
fn judge_one(sides: &Sides, rule: &VerdictRule, prior: &NoisePrior) -> Judgement {
    if sides.base.is_empty() {
        return Judgement::New;
    }
    if sides.head.is_empty() {
        return Judgement::Missing;
    }
    let test = match sides.design {
        Design::Independent => independent(sides, prior),
        Design::Paired => match paired(&sides.base, &sides.head) {
            Ok(test) => test,
            Err(reason) => return Judgement::Insufficient { reason },
        },
    };
    let ratio = test.diff.exp();
    let half = t_quantile(0.975, test.df) * test.se;
    let ratio_ci = Interval {
        lower: test.diff - half,
        upper: test.diff + half,
    }
    .map(f64::exp);
    Judgement::Change(Change {
        ratio,
        ratio_ci,
        p: test.p(),
        q: None,
        verdict: rule.decide(ratio, test.p()),
        noise: test.noise,
        df: test.df,
        base_runs: sides.base.len(),
        head_runs: sides.head.len(),
        base_level: mean_level(&sides.base).exp(),
        head_level: mean_level(&sides.head).exp(),
    })
}

/// A t-test of a log-difference: estimate, standard error, df, and what set the noise.
struct Test {
    diff: f64,
    se: f64,
    df: f64,
    noise: Noise,
}

impl Test {
    /// Two-sided p-value. No standard error at all (identical, noiseless runs and τ² = 0):
    /// 1 when nothing moved, 0 when something did.
    fn p(&self) -> f64 {
        if self.se > 0.0 {
            t_two_sided(self.diff / self.se, self.df)
        } else if self.diff == 0.0 {
            1.0
        } else {
            0.0
        }
    }
}

/// The mean of the runs' log-locations: the level a side is judged at (`perfkit::sides` shows it
/// for new and missing series too).
pub(crate) fn mean_level(runs: &[RunEstimate]) -> f64 {
    runs.iter().map(|r| r.log_location).sum::<f64>() / runs.len() as f64
}

/// The random-effects test of two independent sides (see [`judge`]).
fn independent(sides: &Sides, prior: &NoisePrior) -> Test {
    let floor = noise_floor(sides, prior);
    let side_var = |runs: &[RunEstimate]| {
        let k = runs.len() as f64;
        runs.iter().map(|r| r.within_var + floor.tau2).sum::<f64>() / (k * k)
    };
    Test {
        diff: mean_level(&sides.head) - mean_level(&sides.base),
        se: (side_var(&sides.base) + side_var(&sides.head)).sqrt(),
        df: floor.df,
        noise: floor.noise,
    }
}

/// The paired test on per-round log-ratios (see [`judge`]).
fn paired(base: &[RunEstimate], head: &[RunEstimate]) -> Result<Test, &'static str> {
    if base.len() != head.len() {
        return Err("paired sides have different numbers of rounds");
    }
    let rounds = base.len();
    if rounds < 2 {
        return Err("a paired test needs at least 2 rounds");
    }
    let d: Vec<f64> = base
        .iter()
        .zip(head)
        .map(|(b, h)| h.log_location - b.log_location)
        .collect();
    let (mean, var) = mean_var(&d);
    // The spread of a handful of d_i can come out far below what the runs' own errors
    // imply; that bound is known, so the test never claims more precision than it.
    let within = base
        .iter()
        .zip(head)
        .map(|(b, h)| b.within_var + h.within_var)
        .sum::<f64>()
        / rounds as f64;
    Ok(Test {
        diff: mean,
        se: (var.max(within) / rounds as f64).sqrt(),
        df: (rounds - 1) as f64,
        noise: Noise::Paired { rounds },
    })
}
