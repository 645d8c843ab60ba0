//! How a [`Fit`] and a [`ModelFit`] read: `O(n): t ≈ 120.0 ns + 3.100 ns·n (R² 0.998)`.

use std::fmt;

use super::select::{MIN_RISE, is_eligible};
use super::{Complexity, Fit, ModelFit};
use crate::report::format_ns;

/// A coefficient in ns: tiny ones (an n³ term is often a thousandth of a ns) in scientific
/// notation, since fixed-point digits would round them to zero.
fn format_coefficient(ns: f64) -> String {
    if ns != 0.0 && ns.abs() < 1e-3 {
        format!("{ns:.3e} ns")
    } else {
        format_ns(ns)
    }
}

impl fmt::Display for ModelFit {
    /// The class and its curve; R² for growth classes (it is 0 by definition for O(1)).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: t ≈ {}", self.class, format_ns(self.intercept))?;
        if self.class != Complexity::Constant {
            write!(
                f,
                " + {}·{} (R² {:.3})",
                format_coefficient(self.coefficient),
                self.class.term(),
                self.r_squared
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for Fit {
    /// The chosen model, then the runner-up with its BIC relative to the chosen one (negative:
    /// it fit better but not by the margin, or rose too little to count as growth).
    ///
    /// `O(n): t ≈ 1.000 µs + 2.000 ns·n (R² 1.000); runner-up O(n log n) (ΔBIC +167.8, R² 0.999)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let best = self.best_model();
        write!(f, "{best}")?;
        if let Some(next) = self.runner_up() {
            write!(
                f,
                "; runner-up {} (ΔBIC {:+.1}",
                next.class,
                next.bic - best.bic
            )?;
            if next.class != Complexity::Constant {
                write!(f, ", R² {:.3}", next.r_squared)?;
            }
            if !is_eligible(next) {
                write!(
                    f,
                    ", rises only {:.0}% < {:.0}%",
                    next.rise * 100.0,
                    MIN_RISE * 100.0
                )?;
            }
            write!(f, ")")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::complexity::{Point, fit};

    fn model(class: Complexity, intercept: f64, coefficient: f64) -> ModelFit {
        ModelFit {
            class,
            intercept,
            coefficient,
            wrss: 1.0,
            r_squared: 0.99812,
            bic: 0.0,
            rise: 1.0,
        }
    }

    #[test]
    fn a_model_shows_its_curve() {
        assert_eq!(
            model(Complexity::Linear, 120.0, 3.1).to_string(),
            "O(n): t ≈ 120.0 ns + 3.100 ns·n (R² 0.998)"
        );
        assert_eq!(
            model(Complexity::Linearithmic, 2.5e6, 1500.0).to_string(),
            "O(n log n): t ≈ 2.500 ms + 1.500 µs·n log n (R² 0.998)"
        );
        assert_eq!(
            model(Complexity::Cubic, 0.0, 2.5e-5).to_string(),
            "O(n³): t ≈ 0.000 ns + 2.500e-5 ns·n³ (R² 0.998)"
        );
        assert_eq!(
            model(Complexity::Constant, 48.25, 0.0).to_string(),
            "O(1): t ≈ 48.25 ns"
        );
    }

    #[test]
    fn a_fit_shows_the_runner_up() {
        let points: Vec<Point> = [1_000, 2_000, 4_000, 8_000, 16_000]
            .into_iter()
            .map(|n| Point::new(n, 1_000.0 + 2.0 * n as f64))
            .collect();
        assert_eq!(
            fit(&points).unwrap().to_string(),
            "O(n): t ≈ 1.000 µs + 2.000 ns·n (R² 1.000); \
             runner-up O(n log n) (ΔBIC +167.8, R² 0.999)"
        );
    }

    #[test]
    fn a_runner_up_that_rises_too_little_says_so() {
        let times = [50.0, 50.5, 50.2, 51.0, 51.5, 51.2];
        let points: Vec<Point> = [1, 2, 4, 8, 16, 32]
            .into_iter()
            .zip(times)
            .map(|(n, t)| Point::new(n * 1000, t))
            .collect();
        let shown = fit(&points).unwrap().to_string();
        assert!(
            shown.starts_with("O(1): t ≈ 50.73 ns; runner-up O("),
            "{shown}"
        );
        assert!(shown.contains("rises only 3% < 20%)"), "{shown}");
    }
}
