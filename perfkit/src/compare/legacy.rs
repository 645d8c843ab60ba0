//! [`LegacyComparison`]: DEPRECATED, the 0.1 pooled-sample Welch comparison, kept only while
//! callers move to [`judge`](super::judge) (which judges runs, not pooled samples, and knows
//! that the run is the unit of noise). Do not add callers; delete once none remain.
//!
//! The change is measured on the log scale (Welch's t-test on log-times, [`log_welch`]), so it
//! reads as a ratio of geometric means with a confidence interval. Each side is first held to
//! Tukey's fences on its log-times (see `within_fences`).

use std::fmt;

use super::run_estimate::tukey_fences;
use super::verdict::{Probability, Verdict, VerdictRule};
use crate::stats::{Interval, TestError, benjamini_hochberg, log_welch};

/// New samples compared with their baseline's samples.
///
/// Its `verdict` is always [`Verdict::Regression`], [`Verdict::Improvement`] or
/// [`Verdict::Unchanged`]; [`Verdict::New`] and [`Verdict::Missing`] belong to benchmarks that
/// have only one side, for which there is no `LegacyComparison`.
///
/// Displays as one line: `+7.2% [+4.1%, +10.4%]  p=0.0003  regression`, with `q=...` after
/// the p-value once [`control_fdr`] has set it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LegacyComparison {
    /// `geomean(new) / geomean(baseline)`: 1.072 reads "7.2% slower".
    pub ratio: f64,
    /// 95% confidence interval of `ratio`.
    pub ratio_ci: Interval,
    /// Two-sided p-value of Welch's t-test on log-times.
    pub p: f64,
    /// Benjamini–Hochberg q-value across the comparisons judged together, once
    /// [`control_fdr`] has computed it.
    pub q: Option<f64>,
    /// The verdict, on `q` when it is set and on `p` otherwise.
    pub verdict: Verdict,
}

impl LegacyComparison {
    /// Compares `new` samples (per-iteration times) with the `baseline`'s, and decides by
    /// `rule` on the p-value.
    ///
    /// ```
    /// use perfkit::compare::{LegacyComparison, Verdict, VerdictRule};
    /// let base = [100.0, 101.0, 99.0, 100.5, 99.5, 100.2, 99.8, 100.1];
    /// let new: Vec<f64> = base.iter().map(|t| t * 1.10).collect();
    /// let c = LegacyComparison::new(&base, &new, &VerdictRule::default())?;
    /// assert_eq!(c.verdict, Verdict::Regression);
    /// assert!((c.ratio - 1.10).abs() < 1e-12);
    /// # Ok::<(), perfkit::stats::TestError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`crate::stats::log_welch_at`]: a side with fewer than 2 samples, or a sample that is
    /// not a finite positive number.
    pub fn new(
        baseline: &[f64],
        new: &[f64],
        rule: &VerdictRule,
    ) -> Result<LegacyComparison, TestError> {
        let test = log_welch(&within_fences(baseline), &within_fences(new))?;
        Ok(LegacyComparison {
            ratio: test.ratio,
            ratio_ci: test.ratio_ci,
            p: test.test.p,
            q: None,
            verdict: rule.decide(test.ratio, test.test.p),
        })
    }

    /// The relative change, `ratio - 1`: 0.072 for 7.2% slower, negative when faster.
    pub fn change(&self) -> f64 {
        self.ratio - 1.0
    }
}

/// The samples inside Tukey's fences (1.5 IQR beyond the quartiles) of the log-times; all of
/// them when fewer than two would remain or a sample is not a positive number (the test then
/// reports that).
///
/// Why: on a shared machine a preempted stretch of a run makes a share of its samples several
/// times slower while the bulk does not move. Measured here: two runs of the same code at
/// n = 64,000 had medians of 1.048 and 1.071 ms, but about a fifth of the second run's
/// samples sat near 9.5 ms, and Welch on all log-times called it "+74.7%, regression". A real
/// slowdown moves the quartiles with it and survives the fences; a contaminated minority does
/// not.
fn within_fences(samples: &[f64]) -> Vec<f64> {
    if samples.iter().any(|&x| !(x.is_finite() && x > 0.0)) {
        return samples.to_vec();
    }
    let mut logs: Vec<f64> = samples.iter().map(|x| x.ln()).collect();
    logs.sort_by(f64::total_cmp);
    let (low, high) = tukey_fences(&logs);
    let kept: Vec<f64> = samples
        .iter()
        .copied()
        .filter(|x| (low..=high).contains(&x.ln()))
        .collect();
    if kept.len() >= 2 {
        kept
    } else {
        samples.to_vec()
    }
}

/// Controls the false discovery rate across `comparisons` judged together: sets each one's
/// `q` to its Benjamini–Hochberg q-value and re-decides its verdict by `rule` on q instead
/// of p. Among the regressions and improvements reported, the expected share of false ones
/// is then below `rule.alpha`.
///
/// ```
/// use perfkit::compare::{LegacyComparison, Verdict, VerdictRule, control_fdr};
/// use perfkit::stats::Interval;
/// let rule = VerdictRule::default();
/// let judged = |ratio: f64, p: f64| LegacyComparison {
///     ratio,
///     ratio_ci: Interval::point(ratio),
///     p,
///     q: None,
///     verdict: rule.decide(ratio, p),
/// };
/// let mut all = vec![judged(1.2, 0.004), judged(1.0, 0.8), judged(1.0, 0.9)];
/// assert_eq!(all[0].verdict, Verdict::Regression);
/// control_fdr(&mut all, &rule);
/// // 0.004 alone is significant at 1%; as the best of three it gets q = 0.012, which is not.
/// assert_eq!(all[0].q, Some(0.012));
/// assert_eq!(all[0].verdict, Verdict::Unchanged);
/// ```
pub fn control_fdr(comparisons: &mut [LegacyComparison], rule: &VerdictRule) {
    let p: Vec<f64> = comparisons.iter().map(|c| c.p).collect();
    for (c, q) in comparisons.iter_mut().zip(benjamini_hochberg(&p)) {
        c.q = Some(q);
        c.verdict = rule.decide(c.ratio, q);
    }
}

impl fmt::Display for LegacyComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pct = |ratio: f64| format!("{:+.1}%", (ratio - 1.0) * 100.0);
        write!(
            f,
            "{} [{}, {}]  p={}",
            pct(self.ratio),
            pct(self.ratio_ci.lower),
            pct(self.ratio_ci.upper),
            Probability(self.p)
        )?;
        if let Some(q) = self.q {
            write!(f, " q={}", Probability(q))?;
        }
        write!(f, "  {}", self.verdict)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Synthetic per-iteration times around 1000 ns with a few percent of spread: a fixed
    /// pattern, so the tests do not depend on a random generator.
    fn baseline() -> Vec<f64> {
        (0..30)
            .map(|i| 1000.0 + f64::from((i * 37) % 41) - 20.0)
            .collect()
    }

    fn times(x: &[f64], factor: f64) -> Vec<f64> {
        x.iter().map(|t| t * factor).collect()
    }

    fn compare(factor: f64) -> LegacyComparison {
        let base = baseline();
        // Rotated, so new is not an exact multiple of base sample by sample.
        let mut new = times(&base, factor);
        new.rotate_left(1);
        LegacyComparison::new(&base, &new, &VerdictRule::default()).unwrap()
    }

    #[test]
    fn verdicts_on_synthetic_samples() {
        assert_eq!(compare(1.10).verdict, Verdict::Regression);
        assert_eq!(compare(0.90).verdict, Verdict::Improvement);
        assert_eq!(compare(1.0).verdict, Verdict::Unchanged);
        // Real changes, but under the 5% threshold.
        for small in [1.02, 0.98] {
            let c = compare(small);
            assert!(c.p < 1e-6, "{c}");
            assert_eq!(c.verdict, Verdict::Unchanged);
        }
    }

    #[test]
    fn a_big_but_noisy_change_is_not_significant() {
        let base = [100.0, 180.0, 60.0];
        let new = [150.0, 90.0, 200.0];
        let c = LegacyComparison::new(&base, &new, &VerdictRule::default()).unwrap();
        assert!(c.ratio > 1.2 && c.p > 0.01);
        assert_eq!(c.verdict, Verdict::Unchanged);
    }

    #[test]
    fn fdr_can_only_withdraw_verdicts() {
        let rule = VerdictRule::default();
        let base = baseline();
        let mut all: Vec<LegacyComparison> = [1.10, 0.90, 1.0, 1.0, 1.0]
            .iter()
            .map(|&k| {
                let mut new = times(&base, k);
                new.rotate_left(3);
                LegacyComparison::new(&base, &new, &rule).unwrap()
            })
            .collect();
        let before: Vec<Verdict> = all.iter().map(|c| c.verdict).collect();
        control_fdr(&mut all, &rule);
        for (c, v) in all.iter().zip(before) {
            let q = c.q.unwrap();
            assert!(q >= c.p);
            assert!(c.verdict == v || c.verdict == Verdict::Unchanged);
        }
        assert_eq!(all[0].verdict, Verdict::Regression);
        assert_eq!(all[1].verdict, Verdict::Improvement);
    }

    #[test]
    fn one_line_format() {
        let c = LegacyComparison {
            ratio: 1.072,
            ratio_ci: Interval {
                lower: 1.041,
                upper: 1.104,
            },
            p: 0.0003,
            q: None,
            verdict: Verdict::Regression,
        };
        assert_eq!(c.to_string(), "+7.2% [+4.1%, +10.4%]  p=0.0003  regression");
        let c = LegacyComparison {
            ratio: 0.9,
            ratio_ci: Interval {
                lower: 0.85,
                upper: 0.95,
            },
            p: 3.2e-12,
            q: Some(0.02),
            verdict: Verdict::Unchanged,
        };
        assert_eq!(
            c.to_string(),
            "-10.0% [-15.0%, -5.0%]  p=3.2e-12 q=0.0200  unchanged"
        );
        assert_eq!(Probability(0.0).to_string(), "0");
        assert_eq!(format!("{:>12}|", Verdict::Missing), "     missing|");
    }
}

#[cfg(test)]
mod fence_tests {
    use super::*;

    /// A regression test for the A/A false alarm this trimming exists for: the same code, but
    /// a fifth of the new run's samples were preempted and took 9x as long.
    #[test]
    fn a_preempted_minority_is_not_a_regression() {
        let base: Vec<f64> = (0..200).map(|i| 1000.0 + (i % 7) as f64).collect();
        let new: Vec<f64> = (0..200)
            .map(|i| {
                if i % 5 == 0 {
                    9000.0
                } else {
                    1010.0 + (i % 7) as f64
                }
            })
            .collect();
        let c = LegacyComparison::new(&base, &new, &VerdictRule::default()).unwrap();
        assert_eq!(c.verdict, Verdict::Unchanged, "{c}");
        assert!((c.ratio - 1.01).abs() < 0.001, "{c}");
    }

    #[test]
    fn a_shift_of_every_sample_survives_the_fences() {
        let base: Vec<f64> = (0..200).map(|i| 1000.0 + (i % 7) as f64).collect();
        let new: Vec<f64> = base.iter().map(|t| t * 1.5).collect();
        let c = LegacyComparison::new(&base, &new, &VerdictRule::default()).unwrap();
        assert_eq!(c.verdict, Verdict::Regression, "{c}");
    }
}
