//! Adjusting p-values for many tests at once: [`benjamini_hochberg`] (false discovery rate)
//! and [`holm`] (family-wise error rate).

/// Benjamini–Hochberg q-values: for the p-value of rank r among m (ascending),
/// `q = min over ranks s >= r of p_(s) · m / s`, capped at 1. Rejecting every test with
/// `q < alpha` keeps the expected share of false discoveries below alpha.
///
/// The result is in the input's order. NaN entries are left out of m and get a NaN q-value.
/// Matches `statsmodels.stats.multitest.multipletests(p, method="fdr_bh")[1]`.
///
/// ```
/// use perfkit::stats::benjamini_hochberg;
/// let q = benjamini_hochberg(&[0.03, 0.005, 0.032, 0.02]);
/// // 0.03 alone would get 0.03 · 4/3 = 0.04, but a larger p-value has a smaller q.
/// assert_eq!(q, vec![0.032, 0.02, 0.032, 0.032]);
/// ```
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let order = ascending(p);
    let m = order.len() as f64;
    let mut q = vec![f64::NAN; p.len()];
    let mut running = f64::INFINITY;
    for (rank0, &i) in order.iter().enumerate().rev() {
        // Same operation order as statsmodels (p divided by the ecdf), for bit-close results.
        running = running.min(p[i] / ((rank0 + 1) as f64 / m));
        q[i] = running.min(1.0);
    }
    q
}

/// Holm's step-down adjusted p-values: for rank r among m (ascending),
/// `max over ranks s <= r of p_(s) · (m - s + 1)`, capped at 1. Rejecting every test with an
/// adjusted p below alpha keeps the chance of any false rejection below alpha.
///
/// The result is in the input's order. NaN entries are left out of m and stay NaN.
/// Matches `statsmodels.stats.multitest.multipletests(p, method="holm")[1]`.
///
/// ```
/// use perfkit::stats::holm;
/// assert_eq!(holm(&[0.01, 0.04, 0.03]), vec![0.03, 0.06, 0.06]);
/// ```
pub fn holm(p: &[f64]) -> Vec<f64> {
    let order = ascending(p);
    let m = order.len();
    let mut adjusted = vec![f64::NAN; p.len()];
    let mut running = f64::NEG_INFINITY;
    for (rank0, &i) in order.iter().enumerate() {
        running = running.max(p[i] * (m - rank0) as f64);
        adjusted[i] = running.min(1.0);
    }
    adjusted
}

/// Indices of the non-NaN entries, by ascending p-value.
fn ascending(p: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..p.len()).filter(|&i| !p[i].is_nan()).collect();
    order.sort_by(|&i, &j| p[i].total_cmp(&p[j]));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_is_left_out() {
        let q = benjamini_hochberg(&[0.01, f64::NAN, 0.02]);
        assert!(q[1].is_nan());
        assert_eq!((q[0], q[2]), (0.02, 0.02));
        let h = holm(&[0.01, f64::NAN, 0.02]);
        assert!(h[1].is_nan());
        assert_eq!((h[0], h[2]), (0.02, 0.02));
    }

    #[test]
    fn empty_and_capped() {
        assert!(benjamini_hochberg(&[]).is_empty());
        assert_eq!(holm(&[0.6, 0.9]), vec![1.0, 1.0]);
    }
}
