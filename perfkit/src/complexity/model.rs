//! [`ModelFit`]: one growth class fitted to a series, with its goodness of fit.

use super::Complexity;
use super::point::Series;
use super::regression::{Line, fit_line, weighted_mean};

/// Residuals below a part per billion of the times are rounding, not signal: flooring the
/// residual sum there keeps ln(0) out of the BIC and makes exact fits tie.
const RELATIVE_FLOOR: f64 = 1e-18;

/// One class fitted to the points: time ≈ `intercept` + `coefficient` · g(n).
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFit {
    /// The growth class, whose [`growth`](Complexity::growth) is g(n).
    pub class: Complexity,
    /// The constant overhead a, in ns (≥ 0).
    pub intercept: f64,
    /// The coefficient b of g(n), in ns per unit of g (≥ 0; 0 for O(1)).
    pub coefficient: f64,
    /// Weighted residual sum of squares, Σ wᵢ (timeᵢ − fitᵢ)², with weights scaled so the
    /// largest is 1.
    pub wrss: f64,
    /// Weighted R²: 1 − WRSS / (weighted total sum of squares about the weighted mean). 0 for
    /// O(1), 1 for any exact fit of a flat series; below 0 when the constraints bind hard.
    pub r_squared: f64,
    /// Bayesian information criterion, N ln(WRSS/N) + k ln N, with k = 2 for O(1) (overhead and
    /// noise scale) and 3 otherwise. Lower is better; only differences between models of the
    /// same series mean anything.
    pub bic: f64,
    /// How much the fitted time rises across the measured sizes: fit(largest) / fit(smallest)
    /// − 1, so 0.5 is +50%. 0 for O(1); infinite when the fit starts at 0 ns.
    pub rise: f64,
}

impl ModelFit {
    /// Fits `class` to `series` by weighted least squares with a ≥ 0 and b ≥ 0.
    pub(super) fn new(class: Complexity, series: &Series) -> Self {
        let (time, weight) = (&series.time, &series.weight);
        // 2ⁿ overflows f64 past n = 1023; 2^(n − n_max) is the same model up to the scale of b
        // and stays in (0, 1].
        let scale = match class {
            Complexity::Exponential => series.n_max,
            _ => 0.0,
        };
        let regressor = |n: f64| match class {
            Complexity::Exponential => (n - scale).exp2(),
            _ => class.growth(n),
        };
        let x: Vec<f64> = series.n.iter().map(|&n| regressor(n)).collect();
        let line = match class {
            Complexity::Constant => Line {
                a: weighted_mean(time, weight),
                b: 0.0,
            },
            _ => fit_line(&x, time, weight),
        };
        let wrss = line.wrss(&x, time, weight);

        let mean = weighted_mean(time, weight);
        let total: f64 = time
            .iter()
            .zip(weight)
            .map(|(t, w)| w * (t - mean).powi(2))
            .sum();
        let r_squared = if total > 0.0 { 1.0 - wrss / total } else { 1.0 };

        let n = series.len() as f64;
        let parameters = if class == Complexity::Constant {
            2.0
        } else {
            3.0
        };
        let scale_of_times: f64 = time.iter().zip(weight).map(|(t, w)| w * t * t).sum();
        let floor = (RELATIVE_FLOOR * scale_of_times).max(f64::MIN_POSITIVE);
        let bic = n * (wrss.max(floor) / n).ln() + parameters * n.ln();

        let first = line.a + line.b * regressor(series.n_min);
        let last = line.a + line.b * regressor(series.n_max);
        let rise = if first > 0.0 {
            last / first - 1.0
        } else if last > 0.0 {
            f64::INFINITY
        } else {
            0.0
        };

        ModelFit {
            class,
            intercept: line.a,
            coefficient: line.b * (-scale).exp2(),
            wrss,
            r_squared,
            bic,
            rise,
        }
    }

    /// The fitted time at size `n`, in ns.
    pub fn predict(&self, n: f64) -> f64 {
        match self.class {
            Complexity::Constant => self.intercept,
            class => self.intercept + self.coefficient * class.growth(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::complexity::Point;

    fn series(class: Complexity, sizes: &[usize], a: f64, b: f64) -> Series {
        let points: Vec<Point> = sizes
            .iter()
            .map(|&n| Point::new(n, a + b * class.growth(n as f64)))
            .collect();
        Series::new(&points).unwrap()
    }

    #[test]
    fn exact_data_recover_overhead_and_coefficient() {
        let sizes = [1000, 2000, 4000, 8000, 16000];
        for class in Complexity::ALL.into_iter().skip(1).take(5) {
            let fit = ModelFit::new(class, &series(class, &sizes, 250.0, 3.5));
            let rel = |got: f64, want: f64| ((got - want) / want).abs();
            // Rounding of the n³ term (~1e13 ns) leaves the 250 ns overhead a few ppm off.
            assert!(rel(fit.intercept, 250.0) < 1e-4, "{class}: {fit:?}");
            assert!(rel(fit.coefficient, 3.5) < 1e-9, "{class}: {fit:?}");
            assert!(fit.r_squared > 1.0 - 1e-12, "{class}: {fit:?}");
            assert!(rel(fit.predict(3000.0), 250.0 + 3.5 * class.growth(3000.0)) < 1e-9);
        }
    }

    #[test]
    fn exponential_fits_without_overflow_and_unscales_its_coefficient() {
        let sizes: Vec<usize> = (1..=40).collect();
        let fit = ModelFit::new(
            Complexity::Exponential,
            &series(Complexity::Exponential, &sizes, 100.0, 0.5),
        );
        assert!((fit.coefficient / 0.5 - 1.0).abs() < 1e-9, "{fit:?}");
        assert!((fit.intercept / 100.0 - 1.0).abs() < 1e-3, "{fit:?}");
        assert!((fit.rise - (0.5 * 2f64.powi(40) + 100.0) / 101.0 + 1.0).abs() < 1e-3);
    }

    #[test]
    fn constant_model_is_the_weighted_mean() {
        let points = [
            Point::new(1, 10.0).with_se(1.0),
            Point::new(2, 20.0).with_se(1.0),
            Point::new(3, 40.0).with_se(2.0),
        ];
        let fit = ModelFit::new(Complexity::Constant, &Series::new(&points).unwrap());
        assert_eq!(fit.intercept, (10.0 + 20.0 + 0.25 * 40.0) / 2.25);
        assert_eq!((fit.coefficient, fit.rise, fit.r_squared), (0.0, 0.0, 0.0));
        assert_eq!(fit.predict(1e9), fit.intercept);
    }

    #[test]
    fn rise_is_relative_to_the_smallest_size() {
        let fit = ModelFit::new(
            Complexity::Linear,
            &series(Complexity::Linear, &[100, 200, 400], 100.0, 1.0),
        );
        assert!((fit.rise - 1.5).abs() < 1e-9, "{fit:?}");
        let fit = ModelFit::new(
            Complexity::Logarithmic,
            &series(Complexity::Logarithmic, &[1, 2, 4], 0.0, 1.0),
        );
        assert_eq!(fit.rise, f64::INFINITY);
    }

    #[test]
    fn all_zero_times_fit_exactly_without_nan() {
        let s = series(Complexity::Constant, &[1, 2, 4], 0.0, 0.0);
        for class in Complexity::ALL {
            let fit = ModelFit::new(class, &s);
            assert!(fit.bic.is_finite(), "{fit:?}");
            assert_eq!((fit.wrss, fit.r_squared, fit.rise), (0.0, 1.0, 0.0));
        }
    }
}
