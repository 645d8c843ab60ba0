//! Input checks shared by the two-sample tests: enough samples, all finite, positive when
//! the test takes logarithms.

use super::error::{Side, TestError};

/// Every two-sample test needs a variance, or at least a rank order, on each side.
pub(crate) const MIN_SAMPLES: usize = 2;

/// Checks one side: at least [`MIN_SAMPLES`] samples, all finite.
pub(crate) fn check_side(x: &[f64], side: Side) -> Result<(), TestError> {
    if x.len() < MIN_SAMPLES {
        return Err(TestError::TooFewSamples {
            side,
            n: x.len(),
            needed: MIN_SAMPLES,
        });
    }
    match x.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(TestError::NotFinite {
            side,
            index,
            value: x[index],
        }),
        None => Ok(()),
    }
}

/// Checks both sides, baseline first.
pub(crate) fn check_sides(baseline: &[f64], new: &[f64]) -> Result<(), TestError> {
    check_side(baseline, Side::Baseline)?;
    check_side(new, Side::New)
}

/// Checks that every sample of an already-checked side has a logarithm.
pub(crate) fn check_positive(x: &[f64], side: Side) -> Result<(), TestError> {
    match x.iter().position(|&v| v <= 0.0) {
        Some(index) => Err(TestError::NotPositive {
            side,
            index,
            value: x[index],
        }),
        None => Ok(()),
    }
}

/// Checks that a confidence level is strictly between 0 and 1.
pub(crate) fn check_confidence(confidence: f64) -> Result<(), TestError> {
    if confidence > 0.0 && confidence < 1.0 {
        Ok(())
    } else {
        Err(TestError::InvalidConfidence(confidence))
    }
}
