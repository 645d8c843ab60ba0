//! Welch's unequal-variance t-test, on the raw scale ([`welch`]) and on the log scale
//! ([`log_welch`], perfkit's default for timings, which reads as a ratio of geometric means).

use super::check::{check_confidence, check_positive, check_sides};
use super::dist::{t_quantile, t_sf, t_two_sided};
use super::error::{Side, TestError};
use super::interval::Interval;
use super::moments::mean_var;

/// The result of Welch's t-test of `new` against `baseline`.
///
/// Signs read as "new versus baseline": a positive `t` and `difference` mean the new samples
/// have the larger mean (slower, for timings). The numbers are those of
/// `scipy.stats.ttest_ind(new, baseline, equal_var=False)`.
///
/// When neither side varies the t statistic is 0/0 or x/0; perfkit then reports what the
/// limit of vanishing noise implies: equal means give t = 0 and p = 1 (one-sided p-values
/// 0.5), different means give t = ±∞ and p = 0, and the CI is the difference itself. The
/// degrees of freedom are then those of equal variances (n_a + n_b - 2 for equal sizes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Welch {
    /// `difference / se`.
    pub t: f64,
    /// Welch–Satterthwaite degrees of freedom (fractional).
    pub df: f64,
    /// Two-sided p-value: P(|T| >= |t|).
    pub p: f64,
    /// One-sided p-value for "new has the greater mean": P(T >= t).
    pub p_greater: f64,
    /// One-sided p-value for "new has the smaller mean": P(T <= t).
    pub p_less: f64,
    /// `mean(new) - mean(baseline)`.
    pub difference: f64,
    /// Confidence interval of `difference`, at `confidence`.
    pub difference_ci: Interval,
    /// Standard error of `difference`: `sqrt(var_a/n_a + var_b/n_b)`.
    pub se: f64,
    /// The confidence level of `difference_ci`, e.g. 0.95.
    pub confidence: f64,
}

/// The result of Welch's t-test on the logarithms of the samples: the change as a ratio of
/// geometric means, `new / baseline`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogWelch {
    /// `geomean(new) / geomean(baseline)`: 1.07 reads "7% slower".
    pub ratio: f64,
    /// Confidence interval of `ratio`: the exponential of `test.difference_ci`.
    pub ratio_ci: Interval,
    /// The t-test on `ln(x)`; its `difference` is `ln(ratio)`.
    pub test: Welch,
}

/// Welch's t-test of `new` against `baseline` with a 95% CI; see [`welch_at`].
///
/// ```
/// let base = [10.0, 11.0, 9.0, 10.5, 9.5];
/// let new = [12.0, 13.0, 11.0, 12.5, 11.5];
/// let w = perfkit::stats::welch(&base, &new)?;
/// assert_eq!(w.difference, 2.0);
/// assert!(w.t > 0.0 && w.p < 0.01 && w.difference_ci.contains(2.0));
/// # Ok::<(), perfkit::stats::TestError>(())
/// ```
///
/// # Errors
///
/// As [`welch_at`].
pub fn welch(baseline: &[f64], new: &[f64]) -> Result<Welch, TestError> {
    welch_at(baseline, new, 0.95)
}

/// Welch's t-test of `new` against `baseline`, with a CI of the difference of means at
/// `confidence` (e.g. 0.95).
///
/// # Errors
///
/// [`TestError::TooFewSamples`] when a side has fewer than 2 samples,
/// [`TestError::NotFinite`] naming the first NaN or infinite sample,
/// [`TestError::InvalidConfidence`] unless 0 < `confidence` < 1.
pub fn welch_at(baseline: &[f64], new: &[f64], confidence: f64) -> Result<Welch, TestError> {
    check_sides(baseline, new)?;
    check_confidence(confidence)?;
    Ok(welch_unchecked(baseline, new, confidence))
}

/// Welch's t-test on `ln(x)` with a 95% CI; see [`log_welch_at`].
///
/// ```
/// let base = [100.0, 102.0, 98.0, 101.0, 99.0];
/// let new: Vec<f64> = base.iter().map(|x| x * 1.1).collect();
/// let w = perfkit::stats::log_welch(&base, &new)?;
/// assert!((w.ratio - 1.1).abs() < 1e-12);
/// assert!(w.ratio_ci.contains(w.ratio));
/// # Ok::<(), perfkit::stats::TestError>(())
/// ```
///
/// # Errors
///
/// As [`log_welch_at`].
pub fn log_welch(baseline: &[f64], new: &[f64]) -> Result<LogWelch, TestError> {
    log_welch_at(baseline, new, 0.95)
}

/// Welch's t-test on `ln(x)`: timings are skewed and changes multiplicative, so the log scale
/// suits them better than the raw one. Reports the ratio of geometric means `new / baseline`
/// with its CI at `confidence`. Scaling both sides by the same factor changes nothing.
///
/// # Errors
///
/// As [`welch_at`], plus [`TestError::NotPositive`] naming the first sample that is 0 or
/// negative.
pub fn log_welch_at(baseline: &[f64], new: &[f64], confidence: f64) -> Result<LogWelch, TestError> {
    check_sides(baseline, new)?;
    check_positive(baseline, Side::Baseline)?;
    check_positive(new, Side::New)?;
    check_confidence(confidence)?;
    let ln = |x: &[f64]| x.iter().map(|v| v.ln()).collect::<Vec<f64>>();
    let test = welch_unchecked(&ln(baseline), &ln(new), confidence);
    Ok(LogWelch {
        ratio: test.difference.exp(),
        ratio_ci: test.difference_ci.map(f64::exp),
        test,
    })
}

fn welch_unchecked(baseline: &[f64], new: &[f64], confidence: f64) -> Welch {
    let (na, nb) = (baseline.len() as f64, new.len() as f64);
    let (mean_a, var_a) = mean_var(baseline);
    let (mean_b, var_b) = mean_var(new);
    let (sa, sb) = (var_a / na, var_b / nb);
    let se = (sa + sb).sqrt();
    let difference = mean_b - mean_a;

    // Welch–Satterthwaite in terms of each side's share of the variance, which cannot
    // overflow or underflow the way squared variances can; computing both shares (rather than
    // one and its complement) keeps df exactly symmetric in the sides. Without any variance,
    // the shares that equal variances would have.
    let (wa, wb) = if se > 0.0 {
        (sa / (sa + sb), sb / (sa + sb))
    } else {
        let (ia, ib) = (1.0 / na, 1.0 / nb);
        (ia / (ia + ib), ib / (ia + ib))
    };
    let df = 1.0 / (wa * wa / (na - 1.0) + wb * wb / (nb - 1.0));

    let (t, difference_ci) = if se > 0.0 {
        let half = t_quantile(1.0 - (1.0 - confidence) / 2.0, df) * se;
        (
            difference / se,
            Interval {
                lower: difference - half,
                upper: difference + half,
            },
        )
    } else if difference == 0.0 {
        (0.0, Interval::point(difference))
    } else {
        (
            difference.signum() * f64::INFINITY,
            Interval::point(difference),
        )
    };
    Welch {
        t,
        df,
        p: t_two_sided(t, df),
        p_greater: t_sf(t, df),
        p_less: t_sf(-t, df),
        difference,
        difference_ci,
        se,
        confidence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_variance_on_both_sides() {
        let same = welch(&[5.0, 5.0], &[5.0, 5.0, 5.0]).unwrap();
        assert_eq!(
            (same.t, same.p, same.p_greater, same.p_less),
            (0.0, 1.0, 0.5, 0.5)
        );
        let slower = welch(&[5.0, 5.0], &[6.0, 6.0]).unwrap();
        assert_eq!(
            (slower.t, slower.p, slower.p_greater, slower.p_less),
            (f64::INFINITY, 0.0, 0.0, 1.0)
        );
        assert_eq!(slower.difference_ci, Interval::point(1.0));
        assert_eq!(slower.df, 2.0);
    }

    #[test]
    fn zero_variance_on_one_side_uses_the_other_sides_df() {
        let w = welch(&[5.0, 5.0, 5.0], &[6.0, 7.0, 8.0, 9.0]).unwrap();
        assert_eq!(w.df, 3.0);
        assert!(w.p > 0.0 && w.p < 0.05);
    }

    /// Regression: df differed in the last bit when the sides were swapped.
    #[test]
    fn df_is_symmetric_in_the_sides() {
        let (a, b) = ([2.0, 3.0, 3.0], [12.0, 6.0, 10.0]);
        assert_eq!(welch(&a, &b).unwrap().df, welch(&b, &a).unwrap().df);
    }

    #[test]
    fn errors_name_the_side_and_index() {
        assert_eq!(
            welch(&[1.0], &[1.0, 2.0]),
            Err(TestError::TooFewSamples {
                side: Side::Baseline,
                n: 1,
                needed: 2
            })
        );
        assert!(matches!(
            welch(&[1.0, 2.0], &[1.0, f64::NAN]),
            Err(TestError::NotFinite {
                side: Side::New,
                index: 1,
                ..
            })
        ));
        assert_eq!(
            log_welch(&[1.0, 0.0], &[1.0, 2.0]),
            Err(TestError::NotPositive {
                side: Side::Baseline,
                index: 1,
                value: 0.0
            })
        );
        assert_eq!(
            welch_at(&[1.0, 2.0], &[1.0, 2.0], 1.0),
            Err(TestError::InvalidConfidence(1.0))
        );
        assert!(welch_at(&[1.0, 2.0], &[1.0, 2.0], f64::NAN).is_err());
    }
}
