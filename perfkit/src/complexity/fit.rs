//! [`fit`]: the growth class that best explains times measured at several sizes.

use super::point::Series;
use super::select::{candidates, rank, select};
use super::{Complexity, FitError, ModelFit, Point};
use crate::stats::Summary;

/// The result of [`fit`]: the chosen class, its fitted curve and the full ranking.
///
/// `intercept`, `coefficient` and `r_squared` repeat those of `ranking[0]` for convenience.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The chosen growth class.
    pub best: Complexity,
    /// Its constant overhead a, in ns.
    pub intercept: f64,
    /// Its coefficient b of g(n), in ns per unit of g (0 for O(1)).
    pub coefficient: f64,
    /// Its weighted R².
    pub r_squared: f64,
    /// Every class that was fitted: the chosen one first, then the others by BIC, lowest
    /// first. O(2ⁿ) is left out when the largest size exceeds [`EXPONENTIAL_MAX_N`].
    ///
    /// [`EXPONENTIAL_MAX_N`]: super::EXPONENTIAL_MAX_N
    pub ranking: Vec<ModelFit>,
}

impl Fit {
    /// The chosen model (the first of the ranking).
    pub fn best_model(&self) -> &ModelFit {
        &self.ranking[0]
    }

    /// The second of the ranking: the class that came closest.
    pub fn runner_up(&self) -> Option<&ModelFit> {
        self.ranking.get(1)
    }

    /// The fit of one class, if it was fitted.
    pub fn model(&self, class: Complexity) -> Option<&ModelFit> {
        self.ranking.iter().find(|m| m.class == class)
    }

    /// Whether the fitted class is no steeper than `declared`: the verdict of a complexity test.
    ///
    /// ```
    /// use perfkit::complexity::{Complexity, Point, fit};
    ///
    /// let points: Vec<Point> = [1_000, 2_000, 4_000, 8_000]
    ///     .into_iter()
    ///     .map(|n| Point::new(n, 300.0 + 2.0 * n as f64))
    ///     .collect();
    /// let fit = fit(&points).unwrap();
    /// assert!(fit.is_within(Complexity::Linear));
    /// assert!(fit.is_within(Complexity::Quadratic));
    /// assert!(!fit.is_within(Complexity::Logarithmic));
    /// ```
    pub fn is_within(&self, declared: Complexity) -> bool {
        self.best <= declared
    }
}

/// Fits every growth class to `points` and chooses one.
///
/// Each class is fitted as time = a + b·g(n) by weighted least squares (weights 1/se², a ≥ 0,
/// b ≥ 0; O(1) is time = a), so a constant overhead does not masquerade as growth. The choice
/// is the rule described in the [module docs](super): the simplest class whose BIC is within
/// [`BIC_MARGIN`](super::BIC_MARGIN) of the best, among O(1) and the classes whose fit rises by
/// at least [`MIN_RISE`](super::MIN_RISE) across the sizes.
///
/// ```
/// use perfkit::complexity::{Complexity, Point, fit};
///
/// let points: Vec<Point> = [1_000, 2_000, 4_000, 8_000, 16_000]
///     .into_iter()
///     .map(|n| Point::new(n, 5_000.0 + 0.1 * (n * n) as f64))
///     .collect();
/// let fit = fit(&points).unwrap();
/// assert_eq!(fit.best, Complexity::Quadratic);
/// assert!((fit.coefficient - 0.1).abs() < 1e-9);
/// ```
///
/// # Errors
///
/// [`FitError`] when there are fewer than 3 distinct sizes, a size is 0, or a time or standard
/// error is negative or not finite.
pub fn fit(points: &[Point]) -> Result<Fit, FitError> {
    let series = Series::new(points)?;
    let models: Vec<ModelFit> = candidates(series.n_max)
        .map(|class| ModelFit::new(class, &series))
        .collect();
    let best = select(&models);
    let ranking = rank(models, best);
    let chosen = &ranking[0];
    Ok(Fit {
        best: chosen.class,
        intercept: chosen.intercept,
        coefficient: chosen.coefficient,
        r_squared: chosen.r_squared,
        ranking,
    })
}

/// [`fit`] on summaries measured at each size: the time is the median, its standard error half
/// the width of the median's 95% CI divided by 1.96 (see [`Point::from_summary`]).
///
/// # Errors
///
/// As [`fit`].
pub fn fit_summaries(series: &[(usize, Summary)]) -> Result<Fit, FitError> {
    let points: Vec<Point> = series
        .iter()
        .map(|(n, summary)| Point::from_summary(*n, summary))
        .collect();
    fit(&points)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::complexity::{EXPONENTIAL_MAX_N, MIN_RISE};
    use crate::stats::{Interval, Outliers};

    const SIZES: [usize; 6] = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000];

    fn exact(class: Complexity, sizes: &[usize], a: f64, b: f64) -> Vec<Point> {
        sizes
            .iter()
            .map(|&n| Point::new(n, a + b * class.growth(n as f64)))
            .collect()
    }

    #[test]
    fn exact_series_of_every_class_are_recognised() {
        let small: Vec<usize> = (1..=20).collect();
        for class in Complexity::ALL {
            let sizes: &[usize] = if class == Complexity::Exponential {
                &small
            } else {
                &SIZES
            };
            let f = fit(&exact(class, sizes, 10.0, 2.0)).unwrap();
            assert_eq!(f.best, class, "{f}");
        }
    }

    #[test]
    fn a_flat_series_is_constant_with_a_perfect_fit() {
        let f = fit(&exact(Complexity::Constant, &SIZES, 42.0, 0.0)).unwrap();
        assert_eq!(f.best, Complexity::Constant);
        assert_eq!((f.intercept, f.coefficient, f.r_squared), (42.0, 0.0, 1.0));
        // Every model fits it exactly, so the ranking after O(1) is by parameter count alone.
        assert!(f.ranking[1..].iter().all(|m| m.bic > f.ranking[0].bic));
    }

    #[test]
    fn a_large_overhead_does_not_hide_linear_growth() {
        // Overhead 100× the per-element cost at the smallest size: through the origin, this
        // series looks flatter than linear.
        let f = fit(&exact(Complexity::Linear, &SIZES, 100_000.0, 1.0)).unwrap();
        assert_eq!(f.best, Complexity::Linear, "{f}");
    }

    #[test]
    fn growth_swamped_by_overhead_is_constant() {
        // O(log n) rising 10% over the sizes: below MIN_RISE, so O(1) by design.
        let rise = (32_000f64.log2() - 1_000f64.log2()) * 0.5;
        let a = rise / (MIN_RISE / 2.0) - 0.5 * 1_000f64.log2();
        let f = fit(&exact(Complexity::Logarithmic, &SIZES, a, 0.5)).unwrap();
        assert_eq!(f.best, Complexity::Constant, "{f}");
        assert!(f.model(Complexity::Logarithmic).unwrap().rise < MIN_RISE);
    }

    #[test]
    fn ranking_holds_every_fitted_class_once() {
        let f = fit(&exact(Complexity::Quadratic, &SIZES, 10.0, 1.0)).unwrap();
        assert_eq!(f.ranking.len(), 6);
        assert!(f.model(Complexity::Exponential).is_none());
        assert_eq!(f.best_model().class, f.best);
        assert!(f.runner_up().is_some());
        assert!(f.ranking[2..].windows(2).all(|w| w[0].bic <= w[1].bic));

        let sizes: Vec<usize> = (1..=EXPONENTIAL_MAX_N).collect();
        let f = fit(&exact(Complexity::Linear, &sizes, 10.0, 1.0)).unwrap();
        assert_eq!(f.ranking.len(), 7);
    }

    #[test]
    fn is_within_compares_with_the_declared_class() {
        let f = fit(&exact(Complexity::Linearithmic, &SIZES, 10.0, 1.0)).unwrap();
        assert!(!f.is_within(Complexity::Linear));
        assert!(f.is_within(Complexity::Linearithmic));
        assert!(f.is_within(Complexity::Exponential));
    }

    #[test]
    fn errors_pass_through() {
        let points = exact(Complexity::Linear, &[4, 8], 1.0, 1.0);
        assert_eq!(
            fit(&points).unwrap_err(),
            FitError::TooFewSizes { distinct: 2 }
        );
        let mut points = exact(Complexity::Linear, &SIZES, 1.0, 1.0);
        points[3].time = f64::INFINITY;
        assert!(matches!(
            fit(&points),
            Err(FitError::NotFinite { index: 3, .. })
        ));
    }

    #[test]
    fn unknown_precision_means_equal_weights() {
        let mut points = exact(Complexity::Linear, &SIZES, 1_000.0, 1.0);
        points[0].time *= 1.3;
        let unweighted = fit(&points).unwrap();
        let same_se: Vec<Point> = points.iter().map(|p| p.with_se(7.0)).collect();
        assert_eq!(fit(&same_se).unwrap(), unweighted);
        let mut one_missing = same_se.clone();
        one_missing[4].se = 0.0;
        assert_eq!(fit(&one_missing).unwrap(), unweighted);
    }

    fn summary(median: f64, half_width: f64) -> Summary {
        let (lower, upper) = (median - half_width, median + half_width);
        Summary {
            n: 50,
            mean: median,
            sd: half_width,
            min: lower,
            max: upper,
            median,
            p50: median,
            p90: upper,
            p95: upper,
            p99: upper,
            mad: half_width / 2.0,
            mean_ci: Interval { lower, upper },
            median_ci: Interval { lower, upper },
            outliers: Outliers::default(),
        }
    }

    #[test]
    fn summaries_fit_like_their_medians_with_ci_weights() {
        let series: Vec<(usize, Summary)> = SIZES
            .iter()
            .map(|&n| {
                let t = 500.0 + 3.0 * n as f64;
                (n, summary(t, 0.02 * t))
            })
            .collect();
        let from_summaries = fit_summaries(&series).unwrap();
        let points: Vec<Point> = series
            .iter()
            .map(|(n, s)| Point::new(*n, s.median).with_se(0.02 * s.median / 1.96))
            .collect();
        let from_points = fit(&points).unwrap();
        assert_eq!(from_summaries.best, Complexity::Linear);
        assert_eq!(from_summaries.best, from_points.best);
        assert!((from_summaries.coefficient - from_points.coefficient).abs() < 1e-9);
    }
}
