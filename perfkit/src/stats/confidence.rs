//! Confidence intervals for the mean (Student's t) and the median (order statistics).

use statrs::distribution::{Binomial, DiscreteCDF};

use super::dist::t_quantile;
use super::interval::Interval;

/// `mean ± t(1 - α/2, n - 1) · sd / √n`, with α = 1 - `confidence`.
///
/// With one sample, or no spread, there is nothing to be uncertain about from the data alone:
/// the interval degenerates to the mean itself.
pub(crate) fn mean_ci(mean: f64, sd: f64, n: usize, confidence: f64) -> Interval {
    if n < 2 || sd == 0.0 {
        return Interval::point(mean);
    }
    let alpha = 1.0 - confidence;
    let half = t_quantile(1.0 - alpha / 2.0, (n - 1) as f64) * sd / (n as f64).sqrt();
    Interval {
        lower: mean - half,
        upper: mean + half,
    }
}

/// The distribution-free confidence interval of the median from order statistics.
///
/// The number of samples below the true median is Binomial(n, 1/2). With `k` the largest rank
/// such that P(X <= k - 1) <= α/2, the interval is `[x_(k), x_(n+1-k)]` (1-based ranks), whose
/// coverage is `1 - 2 P(X <= k - 1) >= confidence`: the standard sign-test interval, as
/// `scipy.stats.quantile_test(x, p=0.5).confidence_interval()` builds it. For example n = 100
/// gives ranks 40 and 61 at 95%.
///
/// When no rank reaches the confidence (at 95%: n <= 5, since even (min, max) only covers
/// `1 - 2^(1-n)`), the interval is (min, max) and covers less than asked for.
pub(crate) fn median_ci(sorted: &[f64], confidence: f64) -> Interval {
    let n = sorted.len();
    let Some(k) = median_ci_rank(n, confidence) else {
        return Interval::point(f64::NAN);
    };
    Interval {
        lower: sorted[k - 1],
        upper: sorted[n - k],
    }
}

/// The rank `k` of [`median_ci`] (1-based, at least 1), or `None` for n = 0.
///
/// It depends on n and the confidence alone, and finding it takes a handful of binomial CDFs,
/// which dominated judging a long history (every run's estimate has one); so each thread
/// remembers the ranks it has found.
fn median_ci_rank(n: usize, confidence: f64) -> Option<usize> {
    thread_local! {
        static RANKS: std::cell::RefCell<std::collections::HashMap<(usize, u64), usize>> =
            std::cell::RefCell::default();
    }
    let key = (n, confidence.to_bits());
    if let Some(k) = RANKS.with(|r| r.borrow().get(&key).copied()) {
        return Some(k);
    }
    let half_alpha = (1.0 - confidence) / 2.0;
    let binomial = Binomial::new(0.5, n as u64).ok()?;
    if n == 0 {
        return None;
    }
    // P(X <= k - 1) <= α/2 holds for k = 1 ..= k_max and fails above, so bisect for k_max.
    // k = 0 stands for "no rank qualifies".
    let qualifies = |k: usize| binomial.cdf(k as u64 - 1) <= half_alpha;
    let (mut good, mut bad) = (0, n / 2 + 1);
    while bad - good > 1 {
        let mid = (good + bad) / 2;
        if qualifies(mid) {
            good = mid
        } else {
            bad = mid
        }
    }
    let k = good.max(1);
    RANKS.with(|r| r.borrow_mut().insert(key, k));
    Some(k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranks(n: usize) -> (f64, f64) {
        let x: Vec<f64> = (1..=n).map(|i| i as f64).collect();
        let ci = median_ci(&x, 0.95);
        (ci.lower, ci.upper)
    }

    // n = 1 and 5 fall back to (min, max); the others are scipy 1.17.1's:
    // python3 -c "import numpy as np, scipy.stats as s; [print(n, s.quantile_test(np.arange(1., n+1), p=0.5).confidence_interval(0.95)) for n in (6, 10, 20, 100, 1000)]"
    #[test]
    fn median_ci_ranks_match_the_sign_test_interval() {
        assert_eq!(ranks(1), (1.0, 1.0));
        assert_eq!(ranks(5), (1.0, 5.0));
        assert_eq!(ranks(6), (1.0, 6.0));
        assert_eq!(ranks(10), (2.0, 9.0));
        assert_eq!(ranks(20), (6.0, 15.0));
        assert_eq!(ranks(100), (40.0, 61.0));
        assert_eq!(ranks(1000), (469.0, 532.0));
        // Remembered ranks give the same intervals.
        assert_eq!(ranks(100), (40.0, 61.0));
        assert!(median_ci(&[], 0.95).lower.is_nan());
    }

    #[test]
    fn mean_ci_degenerates_without_spread() {
        assert_eq!(mean_ci(3.0, 0.0, 10, 0.95), Interval::point(3.0));
        assert_eq!(mean_ci(3.0, 1.0, 1, 0.95), Interval::point(3.0));
    }
}
