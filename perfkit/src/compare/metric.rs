//! How each metric is judged: the one place where a metric's default threshold and noise prior
//! are set. Every metric goes through the same [`judge`](super::judge); only these two numbers
//! differ.
//!
//! Time (`time`) uses [`VerdictRule::default`]'s 5% and [`NoisePrior::default`]. Counts under
//! callgrind (`instructions`, `l1_misses`, `ll_misses`, `estimated_cycles`) are nearly
//! deterministic: the same binary gives the same instruction count in every process but for
//! hash seeds and allocator state. So they get a 1% default threshold ([`COUNT_THRESHOLD`])
//! and a prior of τ = 0.2% ([`COUNT_PRIOR_TAU`]). Measured here (three separate
//! `PERFKIT=instructions cargo test --release -p perfkit-examples --test playbook
//! duplicates::hash_set -- --exact`, each run three processes under callgrind): the runs'
//! median instructions per iteration differed by at most 0.028% at any of the seven sizes
//! (0.06% across all nine processes). 0.2% errs on the large side, as a prior must, and still
//! lets one run against one run see a 1% change.

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
