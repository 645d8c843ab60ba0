//! Mean and variance, computed so that a constant sample has exactly zero variance.

/// Mean and sample variance (n - 1 denominator; 0 when n = 1) of a non-empty slice.
///
/// Both are computed relative to the first element: a constant sample then gets its value back
/// as the mean and exactly zero variance, instead of rounding noise that a test statistic
/// would divide by. The second pass over the deviations is the classic two-pass algorithm.
pub(crate) fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let shift = x[0];
    let offset = x.iter().map(|&v| v - shift).sum::<f64>() / n;
    let mean = shift + offset;
    if x.len() < 2 {
        return (mean, 0.0);
    }
    let ss: f64 = x.iter().map(|&v| (v - shift - offset).powi(2)).sum();
    (mean, ss / (n - 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_sample_has_zero_variance_and_exact_mean() {
        assert_eq!(mean_var(&[0.1, 0.1, 0.1]), (0.1, 0.0));
        assert_eq!(mean_var(&[7.0]), (7.0, 0.0));
    }

    #[test]
    fn small_example() {
        let (m, v) = mean_var(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(m, 2.5);
        assert!((v - 5.0 / 3.0).abs() < 1e-15);
    }
}
