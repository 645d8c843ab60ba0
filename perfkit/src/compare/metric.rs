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

/// The metrics of load tests: a service under many concurrent requests.
pub const LOAD_METRICS: [&str; 3] = ["latency", "throughput", "error_rate"];

/// The between-run sd of a load metric's log-level that the load metrics' prior assumes (10%).
///
/// A load test's level is mostly queueing, which the machine moves far more than it moves one
/// routine's time. Measured on the quiet machine (`scripts/load-noise.sh 8`: the examples'
/// /users/search service, 1000 workers, 8 separate processes of one binary): the sd of the
/// log-level between runs was 1.2% and 4.3% for latency, 1.0% and 4.4% for throughput, with
/// steps of up to 11% between consecutive runs; on the busy machine one step of identical code
/// was +45%, which time's 3% prior called a regression. 10% is twice the quiet sd: a step like
/// that busy one is no longer significant from one run against one, while the slow and fast
/// versions of the service (8x apart) still are. History (five commits or more) replaces it.
pub const LOAD_PRIOR_TAU: f64 = 0.10;

/// Whether `metric` is measured by load tests.
pub fn is_load(metric: &str) -> bool {
    LOAD_METRICS.contains(&metric)
}

/// The noise prior for `metric`: counts' and load tests' own, time's for the rest.
pub fn noise_prior(metric: &str) -> NoisePrior {
    let tau = if is_count(metric) {
        COUNT_PRIOR_TAU
    } else if is_load(metric) {
        LOAD_PRIOR_TAU
    } else {
        return NoisePrior::default();
    };
    NoisePrior { tau, df: PRIOR_DF }
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

    /// The busy machine's +45% step of identical code under load is not a regression from one
    /// run against one; an 8x slower service is.
    #[test]
    fn load_metrics_have_a_wide_prior() {
        let judge = |base: f64, head: f64| {
            let run = |level: f64| SeriesRuns {
                key: SeriesKey::new("search", None),
                runs: vec![
                    (0..10)
                        .map(|i| level * (1.0 + 0.01 * f64::from(i % 3)))
                        .collect(),
                ],
            };
            let info = MetricInfo::builtin("latency").unwrap();
            judge_runs(
                &[run(head)],
                Some(&[run(base)]),
                &[],
                false,
                &default_rule(&info),
                &noise_prior("latency"),
                Fdr::Bh,
            )[0]
            .judgement
            .verdict()
        };
        assert_eq!(judge(70e6, 70e6 * 1.45), Verdict::Unchanged);
        assert_eq!(judge(110e6, 900e6), Verdict::Regression);
        assert_eq!(noise_prior("throughput").tau, LOAD_PRIOR_TAU);
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
