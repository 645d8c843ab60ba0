//! [`BudgetCheck`]: each declared budget against its measured estimate.

use std::fmt;

use crate::measure::Allocations;
use crate::spec::{Spec, Stat};
use crate::stats::Summary;

/// What a budget limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// A statistic of the time per iteration, in nanoseconds.
    Time(Stat),
    /// Allocation calls per iteration.
    Allocs,
    /// Bytes allocated per iteration.
    Bytes,
    /// Instructions per iteration (the median of the replicates), under callgrind.
    Instructions,
    /// The share of failed requests of a load test (`max_error_rate`), a fraction.
    ErrorRate,
    /// The fewest successful requests per second of a load test (`min_throughput`): the one
    /// limit that is a minimum.
    MinThroughput,
}

impl Limit {
    /// Whether the budget is a floor the estimate must reach rather than a ceiling.
    pub fn is_minimum(self) -> bool {
        matches!(self, Limit::MinThroughput)
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::Time(stat) => f.write_str(stat.name()),
            Limit::Allocs => f.write_str("allocs"),
            Limit::Bytes => f.write_str("bytes"),
            Limit::Instructions => f.write_str("instructions"),
            Limit::ErrorRate => f.write_str("error_rate"),
            Limit::MinThroughput => f.write_str("throughput"),
        }
    }
}

/// One budget checked: the limit, the measured estimate, and whether it held.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetCheck {
    /// What is limited.
    pub limit: Limit,
    /// The budget (ns for time, a count for allocations, bytes for bytes, a fraction for an
    /// error rate, per second for throughput); a floor when [`Limit::is_minimum`].
    pub max: f64,
    /// The measured value in the same unit.
    pub estimate: f64,
}

impl BudgetCheck {
    /// Whether the estimate is within the budget (at or above it, for a minimum).
    pub fn passed(&self) -> bool {
        if self.limit.is_minimum() {
            self.estimate >= self.max
        } else {
            self.estimate <= self.max
        }
    }

    /// The estimate as a fraction of the budget (0.41 is 41% of it; above 1 is over budget;
    /// for a minimum, below 1 is under it).
    pub fn usage(&self) -> f64 {
        if self.max > 0.0 {
            self.estimate / self.max
        } else if self.estimate > 0.0 {
            f64::INFINITY
        } else {
            0.0
        }
    }
}

/// Checks every budget `spec` declares against a summary of its times and, when counted, its
/// allocations. Allocation budgets are skipped when `allocations` is `None`; the caller decides
/// whether that is an error (it is, for a perf test: see the runtime).
pub fn check_budgets(
    spec: &Spec,
    summary: &Summary,
    allocations: Option<&Allocations>,
) -> Vec<BudgetCheck> {
    let mut checks: Vec<BudgetCheck> = spec
        .budgets
        .iter()
        .map(|b| BudgetCheck {
            limit: Limit::Time(b.stat),
            max: b.limit_ns as f64,
            estimate: time_stat(summary, b.stat),
        })
        .collect();
    if let Some(a) = allocations {
        if let Some(max) = spec.max_allocs {
            checks.push(BudgetCheck {
                limit: Limit::Allocs,
                max: max as f64,
                estimate: a.allocs,
            });
        }
        if let Some(max) = spec.max_bytes {
            checks.push(BudgetCheck {
                limit: Limit::Bytes,
                max: max as f64,
                estimate: a.bytes,
            });
        }
    }
    checks
}

/// The value of `stat` in `summary`.
pub(crate) fn time_stat(summary: &Summary, stat: Stat) -> f64 {
    match stat {
        Stat::Median => summary.median,
        Stat::Mean => summary.mean,
        Stat::P50 => summary.p50,
        Stat::P90 => summary.p90,
        Stat::P95 => summary.p95,
        Stat::P99 => summary.p99,
        Stat::Max => summary.max,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::TimeBudget;
    use crate::stats::{Interval, Outliers};

    fn summary(median: f64, p99: f64) -> Summary {
        Summary {
            n: 100,
            mean: median,
            sd: 1.0,
            min: median / 2.0,
            max: p99 * 2.0,
            median,
            p50: median,
            p90: median,
            p95: median,
            p99,
            mad: 1.0,
            mean_ci: Interval {
                lower: median,
                upper: median,
            },
            median_ci: Interval {
                lower: median,
                upper: median,
            },
            outliers: Outliers::default(),
        }
    }

    #[test]
    fn each_budget_reads_its_statistic() {
        static BUDGETS: [TimeBudget; 2] = [
            TimeBudget {
                stat: Stat::Median,
                limit_ns: 1000,
            },
            TimeBudget {
                stat: Stat::P99,
                limit_ns: 1500,
            },
        ];
        let spec = Spec {
            budgets: &BUDGETS,
            max_allocs: Some(0),
            max_bytes: Some(64),
            ..Spec::DEFAULT
        };
        let allocs = Allocations {
            allocs: 2.0,
            bytes: 64.0,
            iters: 10,
            peak_bytes: 64,
        };
        let checks = check_budgets(&spec, &summary(900.0, 1600.0), Some(&allocs));
        let verdicts: Vec<_> = checks
            .iter()
            .map(|c| (c.limit, c.estimate, c.passed()))
            .collect();
        assert_eq!(
            verdicts,
            vec![
                (Limit::Time(Stat::Median), 900.0, true),
                (Limit::Time(Stat::P99), 1600.0, false),
                (Limit::Allocs, 2.0, false),
                (Limit::Bytes, 64.0, true),
            ]
        );
    }

    #[test]
    fn allocation_budgets_need_counts() {
        let spec = Spec {
            max_allocs: Some(0),
            ..Spec::DEFAULT
        };
        assert!(check_budgets(&spec, &summary(1.0, 1.0), None).is_empty());
    }

    #[test]
    fn a_minimum_passes_at_or_above_it() {
        let floor = |estimate| BudgetCheck {
            limit: Limit::MinThroughput,
            max: 1000.0,
            estimate,
        };
        assert!(floor(1000.0).passed() && floor(1500.0).passed() && !floor(999.0).passed());
    }

    #[test]
    fn usage_handles_a_zero_budget() {
        let zero = |estimate| BudgetCheck {
            limit: Limit::Allocs,
            max: 0.0,
            estimate,
        };
        assert_eq!(zero(0.0).usage(), 0.0);
        assert!(zero(1.0).usage().is_infinite());
        assert!(zero(0.0).passed() && !zero(1.0).passed());
    }
}
