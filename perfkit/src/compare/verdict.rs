//! [`Verdict`]: what a comparison concluded, and [`VerdictRule`], which decides it from a
//! ratio and a p- (or q-) value.

use std::fmt;

use perfkit_store::Better;

/// What a comparison with the baseline concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// Significantly slower, by at least the threshold.
    Regression,
    /// Significantly faster, by at least the threshold.
    Improvement,
    /// Neither: no significant change, or one smaller than the threshold.
    Unchanged,
    /// No baseline to compare with (a benchmark this run adds).
    New,
    /// The baseline has this benchmark but this run does not.
    Missing,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Verdict::Regression => "regression",
            Verdict::Improvement => "improvement",
            Verdict::Unchanged => "unchanged",
            Verdict::New => "new",
            Verdict::Missing => "missing",
        })
    }
}

/// When a change counts: significance level and minimum size.
///
/// With `ratio = geomean(new) / geomean(baseline)` and `p` the two-sided p-value (or the
/// q-value, after [`control_fdr`]):
///
/// - [`Verdict::Regression`] when `p < alpha` and `ratio >= 1 + threshold`;
/// - [`Verdict::Improvement`] when `p < alpha` and `ratio <= 1 / (1 + threshold)`;
/// - [`Verdict::Unchanged`] otherwise (including a NaN p or ratio).
///
/// That is for a metric where lower is better ([`Better::Lower`]: time, counts, latency). Where
/// higher is better ([`Better::Higher`]: throughput, a hit rate) the two are swapped: a fall to
/// `1 / (1 + threshold)` or below is the regression.
///
/// The size test uses the point estimate, not a CI bound: the p-value already says whether
/// the change is real, the point estimate whether it is big enough to matter. Improvement is
/// the mirror image on the log scale, so with the default 5% a regression is at least 5%
/// slower and an improvement at least 4.76% faster (1/1.05): a change and its undoing are
/// judged alike. A threshold of 0 makes every significant change count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VerdictRule {
    /// Significance level per test: a change is significant when p < alpha. Default 0.01.
    pub alpha: f64,
    /// Minimum change that matters, as a fraction: 0.05 is 5%. Default 0.05.
    pub threshold: f64,
    /// Which way the metric judged improves. Default [`Better::Lower`].
    pub better: Better,
}

impl Default for VerdictRule {
    fn default() -> VerdictRule {
        VerdictRule {
            alpha: 0.01,
            threshold: 0.05,
            better: Better::Lower,
        }
    }
}

impl VerdictRule {
    /// The verdict for a change of `ratio` (new / baseline) with p-value (or q-value) `p`.
    ///
    /// ```
    /// use perfkit::compare::{Verdict, VerdictRule};
    /// let rule = VerdictRule::default();
    /// assert_eq!(rule.decide(1.07, 0.001), Verdict::Regression);
    /// assert_eq!(rule.decide(1.07, 0.02), Verdict::Unchanged); // not significant at 1%
    /// assert_eq!(rule.decide(1.03, 1e-9), Verdict::Unchanged); // real, but under 5%
    /// assert_eq!(rule.decide(0.90, 0.001), Verdict::Improvement);
    /// ```
    pub fn decide(&self, ratio: f64, p: f64) -> Verdict {
        let up = 1.0 + self.threshold;
        // Written so that a NaN p or ratio falls through to Unchanged.
        let significant = p < self.alpha;
        let (rose, fell) = (Verdict::Regression, Verdict::Improvement);
        let (rose, fell) = match self.better {
            Better::Lower => (rose, fell),
            Better::Higher => (fell, rose),
        };
        if significant && ratio >= up {
            rose
        } else if significant && ratio <= 1.0 / up {
            fell
        } else {
            Verdict::Unchanged
        }
    }
}

/// A p- or q-value written for people: four decimals down to 0.0001, then scientific.
pub(crate) struct Probability(pub(crate) f64);

impl fmt::Display for Probability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0.0 => f.write_str("0"),
            p if p >= 1e-4 => write!(f, "{p:.4}"),
            p => write!(f, "{p:.1e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_is_inclusive_and_symmetric_on_the_log_scale() {
        let rule = VerdictRule {
            alpha: 0.01,
            threshold: 0.05,
            better: Better::Lower,
        };
        assert_eq!(rule.decide(1.05, 0.001), Verdict::Regression);
        assert_eq!(rule.decide(1.0499, 0.001), Verdict::Unchanged);
        assert_eq!(rule.decide(1.0 / 1.05, 0.001), Verdict::Improvement);
        assert_eq!(rule.decide(0.953, 0.001), Verdict::Unchanged);
        assert_eq!(rule.decide(2.0, 0.01), Verdict::Unchanged); // p must be below alpha
        assert_eq!(rule.decide(2.0, f64::NAN), Verdict::Unchanged);
        let any = VerdictRule {
            threshold: 0.0,
            ..rule
        };
        assert_eq!(any.decide(1.0001, 0.001), Verdict::Regression);
    }

    /// Where higher is better (throughput), a fall is the regression, at the same threshold.
    #[test]
    fn higher_is_better_swaps_the_two() {
        let rule = VerdictRule {
            better: Better::Higher,
            ..VerdictRule::default()
        };
        assert_eq!(rule.decide(1.0 / 1.05, 0.001), Verdict::Regression);
        assert_eq!(rule.decide(0.80, 0.001), Verdict::Regression);
        assert_eq!(rule.decide(1.05, 0.001), Verdict::Improvement);
        assert_eq!(rule.decide(0.97, 1e-9), Verdict::Unchanged);
        assert_eq!(rule.decide(0.5, 0.02), Verdict::Unchanged);
        assert_eq!(rule.decide(f64::NAN, 0.001), Verdict::Unchanged);
    }

    #[test]
    fn probability_and_padding() {
        assert_eq!(Probability(0.0).to_string(), "0");
        assert_eq!(Probability(0.01234).to_string(), "0.0123");
        assert_eq!(format!("{:>12}|", Verdict::Missing), "     missing|");
    }
}
