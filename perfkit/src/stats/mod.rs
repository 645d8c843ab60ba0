//! Descriptive statistics and hypothesis tests on samples.
//!
//! Pure: functions from slices to values; no clock, no IO, no printing.
//!
//! - [`Summary`]: n, mean, sd, percentiles (type 7, [`percentile`]), MAD, CIs, outliers.
//! - [`welch`] / [`log_welch`]: Welch's t-test of new samples against a baseline, on the raw
//!   or the log scale (a ratio of geometric means, perfkit's default for timings).
//! - [`mann_whitney`]: the distribution-free rank-sum check.
//! - [`benjamini_hochberg`] / [`holm`]: p-values adjusted for many benchmarks at once.
//!
//! Two-sample functions take `(baseline, new)` and report the change as new versus baseline.

mod check;
mod confidence;
mod dist;
mod error;
mod interval;
mod mann_whitney;
mod moments;
mod multiple;
mod outliers;
mod percentile;
mod rank_sum_exact;
mod summary;
mod welch;

pub use error::{Side, StatsError, TestError};
pub use interval::Interval;
pub use mann_whitney::{MannWhitney, MannWhitneyMethod, mann_whitney, mann_whitney_with};
pub use multiple::{benjamini_hochberg, holm};
pub use outliers::Outliers;
pub use percentile::{mad, median, percentile};
pub use summary::Summary;
pub use welch::{LogWelch, Welch, log_welch, log_welch_at, welch, welch_at};

pub(crate) use confidence::median_ci;
pub(crate) use dist::{t_quantile, t_two_sided};
pub(crate) use moments::mean_var;
