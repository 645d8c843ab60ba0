//! The noise floor of a comparison between commits: the between-run variance τ² of a run's
//! log-level, where it came from ([`Noise`]), and how many degrees of freedom back it.
//!
//! The model is the random-effects one of Kalibera & Jones ("Rigorous benchmarking in
//! reasonable time", 2013): run i of a commit gives `y_i = μ + r_i + e_i`, with `r_i` the
//! run's own level (variance τ², set by the process: layout, frequency, neighbours) and `e_i`
//! the error of the run's estimate (variance `s_i²`, [`RunEstimate::within_var`]). Adding
//! samples to a run shrinks only `s_i²`; τ² stays, and that is what keeps a gate from growing
//! more confident about a shift that is the machine's, not the code's.
//!
//! τ² comes from, in order ([`noise_floor`]):
//!
//! 1. **Replicates**, when either side has at least 2 runs: the spread of run estimates around
//!    their own commit's mean, pooled over the base, the head and every history commit with at
//!    least 2 runs, minus the within-run part (method of moments, floored at 0);
//!    df = Σ(runs − 1).
//! 2. **History**, when the base and the history have at least [`MIN_HISTORY_COMMITS`] commits
//!    with runs: a robust scale of the changes between consecutive commits' levels. A real
//!    step in history is one large change among many small ones; the median absolute deviation
//!    ignores it, where a standard deviation would take it for noise.
//! 3. The **prior**, [`NoisePrior::default`].
//!
//! Sources are not pooled with each other: replicates measure τ² itself, while history's
//! changes also hold the small real changes between commits, so pooling them would mix two
//! quantities under one df. The first source that applies decides.
//!
//! The data's estimate is then moderated by the prior, as limma moderates gene-wise variances
//! (Smyth 2004): the prior counts as `prior.df` pseudo-observations of τ², so
//! `τ̃² = (d₀ τ₀² + d τ̂²) / (d₀ + d)` with `d₀ + d` degrees of freedom. Without it, three
//! replicate runs (df 2) or six commits of history (df 1.85) would carry t-quantiles so wide
//! that a +20% change passes unseen, and two replicates that happened to agree (τ̂² ≈ 0, df 1)
//! would make the gate over-confident. With it, a little data moves the floor a little and a
//! lot of data takes over. A prior with `df = 0` carries no weight beside data (the reference
//! tests use it to check the data's own estimates against scipy).

use std::fmt;

use super::judge::Sides;
use super::run_estimate::RunEstimate;
use crate::stats::{mad, mean_var};

/// What set the noise floor (between-run variance τ²) of a [`Change`](super::Change).
///
/// ```
/// use perfkit::compare::Noise;
/// assert_eq!(Noise::History { commits: 14 }.to_string(), "history (14 commits)");
/// assert_eq!(Noise::Prior.to_string(), "prior");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Noise {
    /// Replicate runs of the same commit(s): `runs` runs in all, in commits with at least 2.
    Replicates {
        /// Runs that entered the estimate.
        runs: usize,
    },
    /// The series' own recent history on this testbed: `commits` commits, the base included.
    History {
        /// Commits whose levels entered the estimate.
        commits: usize,
    },
    /// The documented conservative prior ([`NoisePrior`]).
    Prior,
    /// `ab`: the spread of per-round log-ratios over `rounds` rounds.
    Paired {
        /// Rounds compared.
        rounds: usize,
    },
}

impl fmt::Display for Noise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Noise::Replicates { runs } => format!("replicates ({runs} runs)"),
            Noise::History { commits } => format!("history ({commits} commits)"),
            Noise::Prior => "prior".to_owned(),
            Noise::Paired { rounds } => format!("paired ({rounds} rounds)"),
        };
        f.pad(&text)
    }
}

/// The sd of a run's log-level between processes that [`NoisePrior::default`] assumes.
///
/// Measured (docs/statistics.md): over 15 separate processes on a quiet 2-core machine the
/// median's run-to-run sd was 0.69–1.02% for five ordinary workloads (10% for one whose level
/// is bimodal by layout), but in the error-rate trials a 10,000-`String` allocation moved by
/// up to ±14% between processes (a heap mode), and a 100k sort by up to −14%. With τ = 1.5%
/// one run against one run caught 28 of 32 planted +10% changes but failed 2 of 26 A/A gate
/// runs; with 3% it failed none (0 of 156 comparisons) and caught 3 of 32. A gate must not
/// fail unchanged code, so the prior is the 3%: one run against one run then calls only
/// changes of about +14% and more, and the floor that catches +10% comes from the
/// benchmark's own history, replicate runs, or `ab`'s paired rounds.
pub const PRIOR_TAU: f64 = 0.03;

/// The degrees of freedom [`NoisePrior::default`] gives [`PRIOR_TAU`]: as much confidence as
/// eleven replicate runs would carry. [`PRIOR_TAU`] rests on more runs than that, but of six
/// workloads on one machine; 10 df keep the t-quantile wide (3.17 for p < 0.01, two-sided).
pub const PRIOR_DF: f64 = 10.0;

/// The conservative prior for τ (sd of a run's log-level), with its degrees of freedom: the
/// noise floor when neither replicates nor history say anything.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NoisePrior {
    /// The between-run sd of a run's log-level.
    pub tau: f64,
    /// Degrees of freedom of the t-distribution used with it.
    pub df: f64,
}

impl Default for NoisePrior {
    /// [`PRIOR_TAU`] with [`PRIOR_DF`].
    fn default() -> NoisePrior {
        NoisePrior {
            tau: PRIOR_TAU,
            df: PRIOR_DF,
        }
    }
}

/// The fewest commits with runs (history plus the base) from which history sets τ².
pub const MIN_HISTORY_COMMITS: usize = 5;

/// Asymptotic efficiency of the MAD as a scale estimate for normal data (about 37% of the
/// standard deviation's): `n` changes give a τ² worth about `0.37 n` degrees of freedom. The
/// changes of consecutive commits are not independent (neighbours share a level), which this
/// ignores; it is a modest overstatement, and the history's own estimate is inflated by small
/// real changes between commits, which errs the other way.
const MAD_EFFICIENCY: f64 = 0.37;

/// Scale of the MAD to a normal standard deviation.
const MAD_TO_SD: f64 = 1.482_602_218_505_602;

/// The noise floor of one series: τ², its degrees of freedom and its source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NoiseFloor {
    /// The between-run variance τ² of a run's log-level (>= 0).
    pub tau2: f64,
    /// Degrees of freedom behind `tau2`.
    pub df: f64,
    /// Where `tau2` came from.
    pub noise: Noise,
}

/// The noise floor for judging `sides` by the independent design (see the module doc for the
/// order of sources).
///
/// ```
/// use perfkit::compare::{Noise, NoisePrior, RunEstimate, Sides, noise_floor};
/// let run = |y: f64| RunEstimate { log_location: y, within_var: 0.0, samples: 100 };
/// let sides = Sides::independent(vec![run(0.0), run(0.02)], vec![run(0.1)]);
/// // Without a prior's weight, τ² is the replicates' own estimate: var(0, 0.02).
/// let data_only = NoisePrior { tau: 0.03, df: 0.0 };
/// let floor = noise_floor(&sides, &data_only);
/// assert_eq!(floor.noise, Noise::Replicates { runs: 2 });
/// assert!((floor.tau2 - 0.0002).abs() < 1e-12);
/// assert_eq!(floor.df, 1.0);
/// // With it, one replicate df moves the prior's ten a little: (10 · 0.03² + 0.0002) / 11.
/// let floor = noise_floor(&sides, &NoisePrior { tau: 0.03, df: 10.0 });
/// assert!((floor.tau2 - 0.0092 / 11.0).abs() < 1e-12);
/// assert_eq!(floor.df, 11.0);
/// ```
pub fn noise_floor(sides: &Sides, prior: &NoisePrior) -> NoiseFloor {
    match from_data(sides) {
        Some(data) => moderated(data, prior),
        None => NoiseFloor {
            tau2: prior.tau * prior.tau,
            // A prior without weight still needs a t-distribution when it stands alone.
            df: prior.df.max(1.0),
            noise: Noise::Prior,
        },
    }
}

/// τ² from replicates, else from history; `None` when neither applies.
fn from_data(sides: &Sides) -> Option<NoiseFloor> {
    if sides.base.len() >= 2 || sides.head.len() >= 2 {
        let groups = [&sides.base, &sides.head]
            .into_iter()
            .chain(&sides.history)
            .map(Vec::as_slice);
        if let Some(floor) = from_replicates(groups) {
            return Some(floor);
        }
    }
    let levels = sides
        .history
        .iter()
        .map(Vec::as_slice)
        .chain(std::iter::once(sides.base.as_slice()));
    from_history(levels)
}

/// The data's τ² moderated by the prior's `df` pseudo-observations (see the module doc).
fn moderated(data: NoiseFloor, prior: &NoisePrior) -> NoiseFloor {
    let d0 = prior.df.max(0.0);
    let df = d0 + data.df;
    NoiseFloor {
        tau2: (d0 * prior.tau * prior.tau + data.df * data.tau2) / df,
        df,
        noise: data.noise,
    }
}

/// τ² by the method of moments from commits with at least 2 runs: with `SS_g` the sum of
/// squared deviations of commit g's run estimates from their mean, `E[Σ SS_g] = Σ (n_g − 1)
/// (τ² + mean s²_g)`, so `τ² = (Σ SS_g − Σ (n_g − 1) mean s²_g) / Σ (n_g − 1)`, floored at 0.
/// Equal weights, not precision weights: run estimates are judged by equal-weight means too
/// (see `judge`), and a run whose within-run variance came out small by chance must not
/// dominate. `None` when no commit has 2 runs.
fn from_replicates<'a>(groups: impl Iterator<Item = &'a [RunEstimate]>) -> Option<NoiseFloor> {
    let (mut ss, mut within, mut df, mut runs) = (0.0, 0.0, 0usize, 0usize);
    for group in groups.filter(|g| g.len() >= 2) {
        let y: Vec<f64> = group.iter().map(|r| r.log_location).collect();
        let (_, var) = mean_var(&y);
        let n = group.len();
        let mean_within = group.iter().map(|r| r.within_var).sum::<f64>() / n as f64;
        ss += var * (n - 1) as f64;
        within += mean_within * (n - 1) as f64;
        df += n - 1;
        runs += n;
    }
    (df > 0).then(|| NoiseFloor {
        tau2: ((ss - within) / df as f64).max(0.0),
        df: df as f64,
        noise: Noise::Replicates { runs },
    })
}

/// τ² from consecutive commits' levels (oldest first; commits without runs are skipped).
///
/// Commit j's level `L_j` is the mean of its `n_j` run estimates, so the change
/// `L_{j+1} − L_j` has variance `τ² (1/n_j + 1/n_{j+1})` plus the within-run parts. Each
/// change is divided by `√(1/n_j + 1/n_{j+1})` (√2 for single runs), which makes its variance
/// `τ² + w_j`; the scale of those is `1.4826 · MAD`, and τ² is its square minus the mean
/// `w_j`, floored at 0. df = [`MAD_EFFICIENCY`] × changes. `None` with fewer than
/// [`MIN_HISTORY_COMMITS`] commits.
fn from_history<'a>(commits: impl Iterator<Item = &'a [RunEstimate]>) -> Option<NoiseFloor> {
    // (level, runs, mean within-run variance) of each commit with runs.
    let levels: Vec<(f64, f64, f64)> = commits
        .filter(|runs| !runs.is_empty())
        .map(|runs| {
            let n = runs.len() as f64;
            let level = runs.iter().map(|r| r.log_location).sum::<f64>() / n;
            let within = runs.iter().map(|r| r.within_var).sum::<f64>() / n;
            (level, n, within)
        })
        .collect();
    if levels.len() < MIN_HISTORY_COMMITS {
        return None;
    }
    let (mut scaled, mut within): (Vec<f64>, Vec<f64>) = levels
        .windows(2)
        .map(|pair| {
            let ((l0, n0, w0), (l1, n1, w1)) = (pair[0], pair[1]);
            let h = 1.0 / n0 + 1.0 / n1;
            ((l1 - l0) / h.sqrt(), (w0 / n0 + w1 / n1) / h)
        })
        .unzip();
    scaled.sort_by(f64::total_cmp);
    within.sort_by(f64::total_cmp);
    let sd = MAD_TO_SD * mad(&scaled);
    let mean_within = within.iter().sum::<f64>() / within.len() as f64;
    Some(NoiseFloor {
        tau2: (sd * sd - mean_within).max(0.0),
        df: MAD_EFFICIENCY * scaled.len() as f64,
        noise: Noise::History {
            commits: levels.len(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(y: f64) -> RunEstimate {
        RunEstimate {
            log_location: y,
            within_var: 0.0,
            samples: 100,
        }
    }

    #[test]
    fn within_variance_is_taken_out_of_the_replicate_spread() {
        let with_within = |w: f64| {
            let runs = vec![
                RunEstimate {
                    within_var: w,
                    ..run(0.0)
                },
                RunEstimate {
                    within_var: w,
                    ..run(0.02)
                },
            ];
            from_replicates([runs.as_slice()].into_iter()).unwrap().tau2
        };
        assert!((with_within(0.0) - 0.0002).abs() < 1e-15);
        assert!((with_within(0.0001) - 0.0001).abs() < 1e-15);
        assert_eq!(with_within(0.001), 0.0); // floored
    }

    /// Regression test: two replicates that happened to agree (τ̂² = 0, df 1) made one run
    /// against two look certain.
    #[test]
    fn agreeing_replicates_do_not_erase_the_prior() {
        let sides = Sides::independent(vec![run(0.0), run(0.0)], vec![run(0.1)]);
        let prior = NoisePrior::default();
        let floor = noise_floor(&sides, &prior);
        assert_eq!(floor.noise, Noise::Replicates { runs: 2 });
        assert_eq!(floor.df, prior.df + 1.0);
        let want = prior.df * prior.tau * prior.tau / (prior.df + 1.0);
        assert!((floor.tau2 - want).abs() < 1e-15, "{floor:?}");
    }

    #[test]
    fn much_data_outweighs_the_prior() {
        // 400 replicates with τ ≈ 1%, against a prior of 3% with df 10.
        let runs: Vec<RunEstimate> = (0..200).map(|i| run(0.02 * (i % 2) as f64)).collect();
        let sides = Sides::independent(runs.clone(), runs);
        let floor = noise_floor(&sides, &NoisePrior::default());
        let data = from_data(&sides).unwrap();
        assert!(floor.tau2 < 1.3 * data.tau2, "{floor:?} vs {data:?}");
        assert!(floor.tau2 > data.tau2, "{floor:?} vs {data:?}");
    }

    #[test]
    fn single_runs_are_not_replicates() {
        assert!(from_replicates([[run(0.0)].as_slice(), &[run(1.0)]].into_iter()).is_none());
    }

    #[test]
    fn history_needs_enough_commits() {
        let commits: Vec<Vec<RunEstimate>> = (0..MIN_HISTORY_COMMITS)
            .map(|i| vec![run(0.01 * (i % 2) as f64)])
            .collect();
        let few = commits[1..].iter().map(Vec::as_slice);
        assert!(from_history(few).is_none());
        let floor = from_history(commits.iter().map(Vec::as_slice)).unwrap();
        assert_eq!(
            floor.noise,
            Noise::History {
                commits: MIN_HISTORY_COMMITS
            }
        );
        assert!((floor.df - MAD_EFFICIENCY * 4.0).abs() < 1e-12);
    }
}
