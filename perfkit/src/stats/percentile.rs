//! Order statistics: [`percentile`] (linear interpolation, numpy's default and R's type 7),
//! [`median`] and [`mad`].

/// The `p`-th percentile of an ascending slice, `p` in percent (0 ..= 100), by linear
/// interpolation between order statistics: numpy's `percentile` default and R's `quantile`
/// type 7. With `h = (n - 1) p / 100`, the result is `x[⌊h⌋] + (h - ⌊h⌋)(x[⌊h⌋+1] - x[⌊h⌋])`.
///
/// `sorted` must be in ascending order (not checked). `p` outside 0 ..= 100 is clamped into it.
/// An empty slice or a NaN `p` gives NaN.
///
/// ```
/// use perfkit::stats::percentile;
/// let x = [1.0, 2.0, 3.0, 4.0];
/// assert_eq!(percentile(&x, 50.0), 2.5);
/// assert_eq!(percentile(&x, 100.0), 4.0);
/// assert_eq!(percentile(&x, 90.0), 3.7);
/// ```
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() || p.is_nan() {
        return f64::NAN;
    }
    let last = sorted.len() - 1;
    // Multiplying before dividing keeps h exact for whole percentages and small n.
    let h = last as f64 * p.clamp(0.0, 100.0) / 100.0;
    let lo = h.floor() as usize;
    if lo >= last {
        return sorted[last];
    }
    let (a, b) = (sorted[lo], sorted[lo + 1]);
    // The clamp keeps rounding from stepping past the next order statistic, which is what
    // makes the result monotone in `p`.
    (a + (h - lo as f64) * (b - a)).clamp(a, b)
}

/// The median of an ascending slice: [`percentile`] at 50 (the mean of the middle two for even n).
/// An empty slice gives NaN.
pub fn median(sorted: &[f64]) -> f64 {
    percentile(sorted, 50.0)
}

/// The median absolute deviation from the median, unscaled (multiply by 1.4826 to estimate a
/// normal standard deviation). `sorted` must be ascending; an empty slice gives NaN.
///
/// ```
/// use perfkit::stats::mad;
/// assert_eq!(mad(&[1.0, 1.0, 2.0, 2.0, 4.0, 6.0, 9.0]), 1.0);
/// ```
pub fn mad(sorted: &[f64]) -> f64 {
    let m = median(sorted);
    let mut dev: Vec<f64> = sorted.iter().map(|&x| (x - m).abs()).collect();
    dev.sort_unstable_by(f64::total_cmp);
    median(&dev)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolates_between_order_statistics() {
        let x = [10.0, 20.0, 30.0];
        assert_eq!(percentile(&x, 0.0), 10.0);
        assert_eq!(percentile(&x, 25.0), 15.0);
        assert_eq!(percentile(&x, 50.0), 20.0);
        assert_eq!(percentile(&x, 100.0), 30.0);
    }

    #[test]
    fn degenerate_inputs() {
        assert!(percentile(&[], 50.0).is_nan());
        assert!(percentile(&[1.0], f64::NAN).is_nan());
        assert_eq!(percentile(&[1.0, 2.0], -5.0), 1.0);
        assert_eq!(percentile(&[1.0, 2.0], 250.0), 2.0);
        assert_eq!(percentile(&[3.0], 99.0), 3.0);
        assert_eq!(mad(&[3.0]), 0.0);
    }
}
