//! How each metric is judged: the one place where a metric's default threshold and noise prior
//! are set. Every metric goes through the same [`judge`](super::judge); only these two numbers
//! differ.
//!
//! Time (`time`) uses [`VerdictRule::default`]'s 5% and [`NoisePrior::default`]. Counts under
//! callgrind (`instructions`, `l1_misses`, `ll_misses`, `estimated_cycles`) are nearly
//! deterministic: the same binary gives the same instruction count in every process but for
//! hash seeds and allocator state. So they get a 1% default threshold ([`COUNT_THRESHOLD`])
//! and a prior of τ = 0.2% ([`COUNT_PRIOR_TAU`]): measured here, three runs of
//! `perfkit-examples` under `PERFKIT=instructions` read the same instruction counts to well
//! under 0.1%; 0.2% errs on the large side, as a prior must, and still lets one run against
//! one run see a 1% change.

use super::{NoisePrior, PRIOR_DF, VerdictRule};

/// The default threshold of counts: 1%.
pub const COUNT_THRESHOLD: f64 = 0.01;

/// The between-run sd of a count's log-level that the counts' prior assumes (0.2%).
pub const COUNT_PRIOR_TAU: f64 = 0.002;

/// The metrics that are counts (lower is better, per iteration, from callgrind).
pub const COUNT_METRICS: [&str; 4] = ["instructions", "l1_misses", "ll_misses", "estimated_cycles"];

/// Whether `metric` is a count from callgrind.
pub fn is_count(metric: &str) -> bool {
    COUNT_METRICS.contains(&metric)
}

/// The verdict rule for `metric` when nothing is configured.
///
/// ```
/// use perfkit::compare::{VerdictRule, default_rule};
/// assert_eq!(default_rule("time"), VerdictRule::default());
/// assert_eq!(default_rule("instructions").threshold, 0.01);
/// ```
pub fn default_rule(metric: &str) -> VerdictRule {
    let mut rule = VerdictRule::default();
    if is_count(metric) {
        rule.threshold = COUNT_THRESHOLD;
    }
    rule
}

/// The noise prior for `metric`.
pub fn noise_prior(metric: &str) -> NoisePrior {
    if is_count(metric) {
        NoisePrior {
            tau: COUNT_PRIOR_TAU,
            df: PRIOR_DF,
        }
    } else {
        NoisePrior::default()
    }
}
