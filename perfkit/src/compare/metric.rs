//! How each metric is judged: the one place where a metric's default threshold and noise prior
//! are set. Every metric goes through the same [`judge`](super::judge); only these two numbers
//! differ.
//!
//! Which way is better comes from the metric's [`MetricInfo`] (built-in, or declared by the
//! user's code): a fall in throughput is a regression as a rise in time is.
//!
//! Time (`time`) uses [`VerdictRule::default`]'s 5% and [`NoisePrior::default`]. Counts under
//! callgrind (`instructions`, `l1_misses`, `ll_misses`, `estimated_cycles`) are nearly
//! deterministic: the same binary gives the same instruction count in every process but for
//! hash seeds and allocator state. So they get a 0.5% default threshold ([`COUNT_THRESHOLD`])
//! and a prior of τ = 0.1% ([`COUNT_PRIOR_TAU`]). Measured here (three separate
//! `PERFKIT=instructions cargo test --release -p perfkit-examples --test playbook
//! duplicates::hash_set -- --exact`, each run three processes under callgrind): the runs'
//! median instructions per iteration differed by at most 0.028% at any of the seven sizes
//! (0.06% across all nine processes). 0.1% errs on the large side of that, as a prior must,
//! and lets one run against one run call a 1% change (with 0.2%, the 95% interval of one run
//! against one was ±0.6%, and a 1% change sat at the edge of significance).

use perfkit_store::MetricInfo;

use super::{NoisePrior, PRIOR_DF, VerdictRule};

/// The default threshold of counts: 0.5%. Not 1%: a change planted as +1% more work in a
/// routine reads +0.9% to +1.0% in instructions (the loop's fixed overhead does not grow), so
/// a 1% threshold missed two of three such changes (`scripts/instruction-counts.sh`), while
/// unchanged code moved at most 0.06% between processes.
pub const COUNT_THRESHOLD: f64 = 0.005;

/// The between-run sd of a count's log-level that the counts' prior assumes (0.1%).
pub const COUNT_PRIOR_TAU: f64 = 0.001;

/// The metrics that are counts (lower is better, per iteration, from callgrind).
pub const COUNT_METRICS: [&str; 4] = ["instructions", "l1_misses", "ll_misses", "estimated_cycles"];

/// Whether `metric` is a count from callgrind.
pub fn is_count(metric: &str) -> bool {
    COUNT_METRICS.contains(&metric)
}

/// The verdict rule for `metric` when nothing is configured: its direction, and the counts'
/// threshold for counts.
///
/// ```
/// use perfkit::compare::{VerdictRule, default_rule};
/// use perfkit::metric::{Better, MetricInfo};
/// let info = |name| MetricInfo::builtin(name).unwrap();
/// assert_eq!(default_rule(&info("time")), VerdictRule::default());
/// assert_eq!(default_rule(&info("instructions")).threshold, 0.005);
/// assert_eq!(default_rule(&info("throughput")).better, Better::Higher);
/// ```
pub fn default_rule(metric: &MetricInfo) -> VerdictRule {
    let mut rule = VerdictRule {
        better: metric.better,
        ..VerdictRule::default()
    };
    if is_count(&metric.name) {
        rule.threshold = COUNT_THRESHOLD;
    }
    rule
}

/// The rule for `metric` given the configured rules of time (`time`, and of any metric that is
/// not a count) and of counts: the one that applies, facing the metric's direction.
pub fn configured_rule(metric: &MetricInfo, time: VerdictRule, counts: VerdictRule) -> VerdictRule {
    let rule = if is_count(&metric.name) { counts } else { time };
    VerdictRule {
        better: metric.better,
        ..rule
    }
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

#[cfg(test)]
mod tests {
    use perfkit_store::{SeriesKey, SeriesRuns};

    use super::*;
    use crate::compare::Verdict;
    use crate::sides::{Fdr, judge_runs};

    /// One run of three processes at `count`, the last 0.01% higher (hash seeds).
    fn run(count: f64) -> SeriesRuns {
        SeriesRuns {
            key: SeriesKey::new("parse", None),
            runs: vec![vec![count, count, count * 1.0001]],
        }
    }

    fn verdict(base: f64, head: f64) -> Verdict {
        let rule = default_rule(&MetricInfo::builtin("instructions").unwrap());
        let judged = judge_runs(
            &[run(head)],
            Some(&[run(base)]),
            &[],
            false,
            &rule,
            &noise_prior("instructions"),
            Fdr::Bh,
        );
        judged[0].judgement.verdict()
    }

    #[test]
    fn one_run_against_one_calls_a_one_percent_change_in_counts() {
        assert_eq!(verdict(1_000_000.0, 1_012_000.0), Verdict::Regression);
        assert_eq!(verdict(1_000_000.0, 988_000.0), Verdict::Improvement);
        assert_eq!(verdict(1_000_000.0, 1_000_300.0), Verdict::Unchanged);
        assert_eq!(verdict(1_000_000.0, 1_000_000.0), Verdict::Unchanged);
    }

    #[test]
    fn time_keeps_its_rule_and_prior() {
        assert_eq!(
            default_rule(&MetricInfo::builtin("time").unwrap()),
            VerdictRule::default()
        );
        assert_eq!(noise_prior("time"), NoisePrior::default());
        assert!(!is_count("time") && is_count("estimated_cycles"));
    }
}
