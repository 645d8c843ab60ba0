//! Growth classes and fitting measured times to them: "is this O(n) or O(n²)?".
//!
//! Pure: measured [`Point`]s (or `(size, Summary)` pairs) in, a [`Fit`] out; no clock, no IO.
//!
//! # The model-selection rule
//!
//! 1. **Fit every class.** For each class with model function g(n) (see
//!    [`Complexity::growth`]), fit time = a + b·g(n) by weighted least squares with weights
//!    1/se² (equal weights if any se is 0) and a ≥ 0, b ≥ 0; O(1) is time = a. The intercept a
//!    absorbs constant overhead, so a routine with a large fixed cost is not pushed towards a
//!    flatter class at small sizes.
//!    O(2ⁿ) competes only when every size is at most [`EXPONENTIAL_MAX_N`].
//! 2. **Score each fit** with the BIC, N ln(WRSS/N) + k ln N (N points; k = 2 for O(1), 3
//!    otherwise: overhead, coefficient and the noise scale, which is estimated from the
//!    residuals, so only the ratios of the standard errors matter and scaling all times by a
//!    constant changes nothing).
//! 3. **Only real growth counts.** A class other than O(1) is eligible only if its fitted time
//!    rises by at least [`MIN_RISE`] (20%) from the smallest to the largest size. With six or
//!    seven sizes, noise alone lets some gentle curve beat a constant by the BIC margin in a few
//!    percent of flat series; a real growth class over a useful range of sizes rises far more.
//! 4. **Prefer the simpler class.** The result is the simplest eligible class whose BIC is
//!    within [`BIC_MARGIN`] (6) of the lowest eligible BIC: a steeper class must fit *strongly*
//!    better (Bayes factor ≳ 20) than every simpler one. Two classes "fit about equally well"
//!    exactly when their BICs differ by at most this margin.
//!
//! Google Benchmark fits time = b·g(n) through the origin and takes the smallest RMS. Without
//! an intercept, a fixed cost flattens every curve, so O(n) with a large set-up reads as
//! O(log n); and without a penalty or margin, noise decides between neighbouring classes, so a
//! flat series whose sizes span a narrow range of log n reads as O(log n) whenever the noise
//! tilts upward. `tests/google_benchmark.rs` runs both methods on the same synthetic series.
//!
//! ```
//! use perfkit::complexity::{Complexity, Point, fit};
//!
//! let points: Vec<Point> = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000]
//!     .into_iter()
//!     .map(|n| Point::new(n, 800.0 + 1.5 * n as f64).with_se(10.0))
//!     .collect();
//! let fit = fit(&points).unwrap();
//! assert_eq!(fit.best, Complexity::Linear);
//! assert!(fit.is_within("O(n)".parse().unwrap()));
//! println!("{fit}"); // O(n): t ≈ 800.0 ns + 1.500 ns·n (R² 1.000); runner-up …
//! ```

mod class;
mod error;
mod fit;
mod format;
mod model;
mod point;
mod regression;
mod select;

#[cfg(test)]
mod tests;

pub use class::{Complexity, ParseComplexityError};
pub use error::FitError;
pub use fit::{Fit, fit, fit_summaries};
pub use model::ModelFit;
pub use point::Point;
pub use select::{BIC_MARGIN, EXPONENTIAL_MAX_N, MIN_RISE};
