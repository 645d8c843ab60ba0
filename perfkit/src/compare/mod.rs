//! Judging results: budget checks, and changes between commits.
//!
//! Pure: run estimates and samples in, verdicts out; no clock, no IO.
//!
//! - [`RunEstimate`]: one run of one series reduced to a log-level and its within-run variance.
//! - [`judge`]: the one judging path. Base and head runs of many series ([`Sides`]) in, a
//!   [`Judgement`] each out: a [`Change`] with its [`Verdict`], or new / missing. The noise
//!   floor between runs ([`Noise`], [`noise_floor`]) comes from replicates, history or a
//!   [`NoisePrior`]; the false discovery rate is controlled across the series.
//! - [`check_budgets`]: a measurement against its declared budgets.

mod budget;
mod change;
mod judge;
mod legacy;
mod metric;
mod noise;
mod run_estimate;
mod stability;
mod verdict;

pub use budget::{BudgetCheck, Limit, check_budgets};
pub use change::{Change, Judgement};
pub(crate) use judge::mean_level;
pub use judge::{Design, Sides, judge};
pub use legacy::{LegacyComparison, control_fdr};
pub use metric::{
    COUNT_METRICS, COUNT_PRIOR_TAU, COUNT_THRESHOLD, LOAD_METRICS, LOAD_PRIOR_TAU, configured_rule,
    default_rule, is_count, is_load, noise_prior,
};
pub use noise::{
    MIN_HISTORY_COMMITS, Noise, NoiseFloor, NoisePrior, PRIOR_DF, PRIOR_TAU, noise_floor,
};
pub use run_estimate::{Estimator, RunEstimate};
pub use stability::{EstimatorStability, estimator_stability};
pub use verdict::{Verdict, VerdictRule};
