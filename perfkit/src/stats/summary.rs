//! [`Summary`]: the descriptive statistics of one set of per-iteration times.

use super::confidence::{mean_ci, median_ci};
use super::error::StatsError;
use super::interval::Interval;
use super::moments::mean_var;
use super::outliers::Outliers;
use super::percentile::{mad, percentile};

/// Descriptive statistics of a sample (per-iteration times in nanoseconds, in perfkit's use).
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Number of samples.
    pub n: usize,
    /// Arithmetic mean.
    pub mean: f64,
    /// Sample standard deviation (n - 1 denominator); 0 when n = 1.
    pub sd: f64,
    /// Smallest sample.
    pub min: f64,
    /// Largest sample.
    pub max: f64,
    /// Median (equal to `p50`).
    pub median: f64,
    /// 50th percentile.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Median absolute deviation from the median (unscaled).
    pub mad: f64,
    /// 95% confidence interval of the mean (Student's t).
    pub mean_ci: Interval,
    /// 95% confidence interval of the median (distribution-free, from order statistics).
    pub median_ci: Interval,
    /// Tukey outlier counts.
    pub outliers: Outliers,
}

impl Summary {
    /// Summarises `samples` (any order). Percentiles are type 7 ([`percentile`]); the mean CI
    /// is Student's t; the median CI is the sign-test interval from order statistics, (min, max)
    /// when n is too small for any interval to reach 95% (n <= 5).
    ///
    /// Everything is computed from the sorted samples, so the result does not depend on their
    /// order, to the last bit. One sample is enough: sd and MAD are 0 and both CIs are the point.
    ///
    /// # Errors
    ///
    /// [`StatsError::Empty`] for no samples, [`StatsError::NotFinite`] naming the first NaN or
    /// infinite one.
    ///
    /// ```
    /// use perfkit::Summary;
    /// let s = Summary::new(&[3.0, 1.0, 2.0, 4.0])?;
    /// assert_eq!((s.n, s.mean, s.median, s.min, s.max), (4, 2.5, 2.5, 1.0, 4.0));
    /// assert!(s.mean_ci.contains(s.mean));
    /// # Ok::<(), perfkit::stats::StatsError>(())
    /// ```
    pub fn new(samples: &[f64]) -> Result<Summary, StatsError> {
        if samples.is_empty() {
            return Err(StatsError::Empty);
        }
        if let Some((index, &value)) = samples.iter().enumerate().find(|(_, x)| !x.is_finite()) {
            return Err(StatsError::NotFinite { index, value });
        }
        let mut sorted = samples.to_vec();
        sorted.sort_unstable_by(f64::total_cmp);
        let x = &sorted[..];

        let n = x.len();
        let (mean, var) = mean_var(x);
        let sd = var.sqrt();
        let median = percentile(x, 50.0);
        Ok(Summary {
            n,
            mean,
            sd,
            min: x[0],
            max: x[n - 1],
            median,
            p50: median,
            p90: percentile(x, 90.0),
            p95: percentile(x, 95.0),
            p99: percentile(x, 99.0),
            mad: mad(x),
            mean_ci: mean_ci(mean, sd, n, 0.95),
            median_ci: median_ci(x, 0.95),
            outliers: Outliers::tukey(x),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Same doubles as `timings()` in perfkit/tests/reference/summary.py.
    fn timings() -> &'static [f64] {
        static T: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
        T.get_or_init(|| {
            (0..100u64)
                .map(|i| {
                    let r = ((i * 7919) % 97) as f64;
                    let tail = if i % 13 == 0 { 5000.0 } else { 0.0 };
                    1000.0 + r * r / 10.0 + tail
                })
                .collect()
        })
    }

    fn close(name: &str, what: &str, got: f64, want: f64) {
        let ok = got == want || (got - want).abs() <= 1e-12 * got.abs().max(want.abs());
        assert!(ok, "{name}: {what} = {got:?}, reference {want:?}");
    }

    fn check(name: &str, samples: &[f64], want: Summary) {
        let got = Summary::new(samples).unwrap();
        assert_eq!(got.n, want.n, "{name}: n");
        let pairs = [
            ("mean", got.mean, want.mean),
            ("sd", got.sd, want.sd),
            ("min", got.min, want.min),
            ("max", got.max, want.max),
            ("median", got.median, want.median),
            ("p50", got.p50, want.p50),
            ("p90", got.p90, want.p90),
            ("p95", got.p95, want.p95),
            ("p99", got.p99, want.p99),
            ("mad", got.mad, want.mad),
            ("mean_ci.lower", got.mean_ci.lower, want.mean_ci.lower),
            ("mean_ci.upper", got.mean_ci.upper, want.mean_ci.upper),
            ("median_ci.lower", got.median_ci.lower, want.median_ci.lower),
            ("median_ci.upper", got.median_ci.upper, want.median_ci.upper),
        ];
        for (what, g, w) in pairs {
            close(name, what, g, w);
        }
        assert_eq!(got.outliers, want.outliers, "{name}: outliers");
    }

    // Generated by `python3 perfkit/tests/reference/summary.py` (run from the workspace root).
    #[test]
    fn matches_numpy_and_scipy() {
        // numpy 2.4.6, scipy 1.17.1
        check(
            "one",
            &[42.0],
            Summary {
                n: 1,
                mean: 42.0,
                sd: 0.0,
                min: 42.0,
                max: 42.0,
                median: 42.0,
                p50: 42.0,
                p90: 42.0,
                p95: 42.0,
                p99: 42.0,
                mad: 0.0,
                mean_ci: Interval {
                    lower: 42.0,
                    upper: 42.0,
                },
                median_ci: Interval {
                    lower: 42.0,
                    upper: 42.0,
                },
                outliers: Outliers {
                    low_severe: 0,
                    low_mild: 0,
                    high_mild: 0,
                    high_severe: 0,
                },
            },
        );
        check(
            "two",
            &[1.5, 4.0],
            Summary {
                n: 2,
                mean: 2.75,
                sd: 1.7677669529663689,
                min: 1.5,
                max: 4.0,
                median: 2.75,
                p50: 2.75,
                p90: 3.75,
                p95: 3.875,
                p99: 3.975,
                mad: 1.25,
                mean_ci: Interval {
                    lower: -13.132755920218369,
                    upper: 18.63275592021837,
                },
                median_ci: Interval {
                    lower: 1.5,
                    upper: 4.0,
                },
                outliers: Outliers {
                    low_severe: 0,
                    low_mild: 0,
                    high_mild: 0,
                    high_severe: 0,
                },
            },
        );
        check(
            "five",
            &[2.0, 9.0, 4.0, 4.0, 7.5],
            Summary {
                n: 5,
                mean: 5.3,
                sd: 2.8635642126552705,
                min: 2.0,
                max: 9.0,
                median: 4.0,
                p50: 4.0,
                p90: 8.4,
                p95: 8.7,
                p99: 8.94,
                mad: 2.0,
                mean_ci: Interval {
                    lower: 1.7444154106012428,
                    upper: 8.855584589398756,
                },
                median_ci: Interval {
                    lower: 2.0,
                    upper: 9.0,
                },
                outliers: Outliers {
                    low_severe: 0,
                    low_mild: 0,
                    high_mild: 0,
                    high_severe: 0,
                },
            },
        );
        check(
            "seven_with_outlier",
            &[12.1, 9.7, 15.3, 11.0, 10.4, 30.2, 11.8],
            Summary {
                n: 7,
                mean: 14.357142857142856,
                sd: 7.212687234509558,
                min: 9.7,
                max: 30.2,
                median: 11.8,
                p50: 11.8,
                p90: 21.260000000000005,
                p95: 25.72999999999999,
                p99: 29.30599999999999,
                mad: 1.4000000000000004,
                mean_ci: Interval {
                    lower: 7.686519734358858,
                    upper: 21.027765979926855,
                },
                median_ci: Interval {
                    lower: 9.7,
                    upper: 30.2,
                },
                outliers: Outliers {
                    low_severe: 0,
                    low_mild: 0,
                    high_mild: 0,
                    high_severe: 1,
                },
            },
        );
        check(
            "ties",
            &[5.0, 3.0, 3.0, 3.0, 8.0, 1.0, 3.0, 9.0, 3.0, 2.0],
            Summary {
                n: 10,
                mean: 4.0,
                sd: 2.581988897471611,
                min: 1.0,
                max: 9.0,
                median: 3.0,
                p50: 3.0,
                p90: 8.1,
                p95: 8.549999999999999,
                p99: 8.91,
                mad: 0.5,
                mean_ci: Interval {
                    lower: 2.1529564110541006,
                    upper: 5.847043588945899,
                },
                median_ci: Interval {
                    lower: 2.0,
                    upper: 8.0,
                },
                outliers: Outliers {
                    low_severe: 0,
                    low_mild: 0,
                    high_mild: 2,
                    high_severe: 0,
                },
            },
        );
        check(
            "negative_and_wide",
            &[
                -3.5, 0.0, 2.25, 1000.0, -7.0, 0.125, 3.0, 3.0, 11.0, -0.5, 6.0, 2.0, -250.0, 4.5,
                5.0, 0.001, 8.0, 2.5, 1.0, 9.75, -1.0, -15.0,
            ],
            Summary {
                n: 22,
                mean: 35.50572727272727,
                sd: 222.05197738843162,
                min: -250.0,
                max: 1000.0,
                median: 2.125,
                p50: 2.125,
                p90: 9.575000000000003,
                p95: 10.9375,
                p99: 792.3099999999991,
                mad: 2.75,
                mean_ci: Interval {
                    lower: -62.94660404971478,
                    upper: 133.95805859516932,
                },
                median_ci: Interval {
                    lower: -0.5,
                    upper: 5.0,
                },
                outliers: Outliers {
                    low_severe: 1,
                    low_mild: 1,
                    high_mild: 0,
                    high_severe: 1,
                },
            },
        );
        check(
            "timings",
            timings(),
            Summary {
                n: 100,
                mean: 1704.109,
                sd: 1386.7854177805182,
                min: 1000.0,
                max: 6810.0,
                median: 1265.25,
                p50: 1265.25,
                p90: 1885.49,
                p95: 6054.754999999999,
                p99: 6690.111,
                mad: 231.0,
                mean_ci: Interval {
                    lower: 1428.9406865827043,
                    upper: 1979.2773134172955,
                },
                median_ci: Interval {
                    lower: 1168.1,
                    upper: 1396.9,
                },
                outliers: Outliers {
                    low_severe: 0,
                    low_mild: 0,
                    high_mild: 0,
                    high_severe: 8,
                },
            },
        );
    }

    #[test]
    fn rejects_empty_and_non_finite() {
        assert_eq!(Summary::new(&[]), Err(StatsError::Empty));
        let err = Summary::new(&[1.0, 2.0, f64::INFINITY]).unwrap_err();
        assert_eq!(
            err,
            StatsError::NotFinite {
                index: 2,
                value: f64::INFINITY
            }
        );
        assert!(matches!(
            Summary::new(&[f64::NAN]),
            Err(StatsError::NotFinite { index: 0, .. })
        ));
    }
}
