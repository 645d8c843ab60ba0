//! [`RunEstimate`]: what one run says about one series, the unit every comparison between
//! commits is made of.
//!
//! A run's samples are not independent draws from "the code's" distribution: the whole run
//! sits at a level that the process (layout, frequency, neighbours) chose. So a run is reduced
//! to one location on the log scale and the squared standard error of that location; the
//! spread *between* runs is a separate quantity (τ², see [`super::Noise`]).

use crate::stats::{mean_var, median, median_ci, percentile};

/// 97.5% quantile of the standard normal: turns a 95% interval's half-width into a standard
/// error.
const Z_975: f64 = 1.959_963_984_540_054;

/// Which robust location of a run's log-times is its estimate.
///
/// Chosen by measured run-to-run stability, not by habit: on this kind of machine the mean
/// log-time within Tukey's fences of BTreeMap lookups varied 3.7% (sd) from run to run while
/// the median varied 0.3% (the fences move with each run's tail, and what they let in moves
/// the mean). [`estimator_stability`](super::estimator_stability) measures this on any set of
/// runs so the choice can be re-checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Estimator {
    /// The median of the log-times (the log of the median time). Within-run variance from the
    /// distribution-free 95% order-statistic interval of the median: `(half-width / 1.96)²`.
    #[default]
    Median,
    /// The 20% trimmed mean of the log-times (the middle 60%). Within-run variance from the
    /// 20%-winsorized variance, `s_w² / (0.6² n)` (Tukey & McLaughlin; Wilcox's default trim).
    TrimmedMean,
    /// The mean of the log-times within Tukey's fences (1.5 IQR beyond the quartiles): the log
    /// of a geometric mean, the 0.1 verdict's location. Within-run variance `sd² / n` of the
    /// kept log-times.
    FencedMean,
}

impl Estimator {
    /// Every estimator, the default first.
    pub const ALL: [Estimator; 3] = [
        Estimator::Median,
        Estimator::TrimmedMean,
        Estimator::FencedMean,
    ];
}

/// The share trimmed from each end by [`Estimator::TrimmedMean`].
const TRIM: f64 = 0.2;

/// One run's estimate of one series (benchmark, size): a robust location of its log-times and
/// the within-run variance of that location (its squared standard error).
///
/// ```
/// use perfkit::compare::RunEstimate;
/// let run = RunEstimate::from_samples(&[100.0, 101.0, 99.0, 100.0, 250.0]).unwrap();
/// assert!((run.value() - 100.0).abs() < 1e-9); // the median: the preempted 250 does not move it
/// assert_eq!(run.samples, 5);
/// assert!(run.within_var > 0.0);
/// assert!(RunEstimate::from_samples(&[100.0]).is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunEstimate {
    /// The location of the run's log-times (natural log of the samples' unit).
    pub log_location: f64,
    /// The variance of `log_location` from the run's own samples (not counting run-to-run
    /// variation).
    pub within_var: f64,
    /// How many usable samples the estimate rests on.
    pub samples: usize,
}

impl RunEstimate {
    /// The run's estimate by the default [`Estimator`] (the median of log-times). `None` when
    /// fewer than 2 usable (finite, positive) samples; unusable samples are left out.
    pub fn from_samples(samples: &[f64]) -> Option<RunEstimate> {
        RunEstimate::with_estimator(samples, Estimator::default())
    }

    /// The run's estimate by `estimator`; `None` as for [`from_samples`](Self::from_samples).
    ///
    /// ```
    /// use perfkit::compare::{Estimator, RunEstimate};
    /// let x = [100.0, 102.0, 98.0, 101.0, 99.0, 900.0];
    /// let mean = RunEstimate::with_estimator(&x, Estimator::FencedMean).unwrap();
    /// assert!((mean.value() - 99.99).abs() < 0.01); // 900 is beyond the fences
    /// ```
    pub fn with_estimator(samples: &[f64], estimator: Estimator) -> Option<RunEstimate> {
        let mut logs: Vec<f64> = samples
            .iter()
            .filter(|x| x.is_finite() && **x > 0.0)
            .map(|x| x.ln())
            .collect();
        if logs.len() < 2 {
            return None;
        }
        logs.sort_by(f64::total_cmp);
        let (log_location, within_var) = match estimator {
            Estimator::Median => median_with_variance(&logs),
            Estimator::TrimmedMean => trimmed_mean_with_variance(&logs),
            Estimator::FencedMean => fenced_mean_with_variance(&logs),
        };
        Some(RunEstimate {
            log_location,
            within_var,
            samples: logs.len(),
        })
    }

    /// `exp(log_location)`: the estimate in the samples' unit (ns per iteration for time).
    pub fn value(&self) -> f64 {
        self.log_location.exp()
    }
}

/// The median of ascending log-times and its variance from the sign-test interval.
///
/// The interval is distribution-free (it assumes nothing about the shape of a run's times,
/// which are skewed and multi-modal) and covers at least 95%, so the variance errs on the
/// large side. For n <= 5 the interval is (min, max) and covers less; such runs are rare and
/// their within-run variance is dwarfed by τ² anyway.
fn median_with_variance(sorted_logs: &[f64]) -> (f64, f64) {
    let ci = median_ci(sorted_logs, 0.95);
    let se = (ci.upper - ci.lower) / (2.0 * Z_975);
    (median(sorted_logs), se * se)
}

/// The 20% trimmed mean ([`TRIM`]) of ascending log-times and its variance from the winsorized variance:
/// the `g = ⌊TRIM n⌋` smallest and largest values are dropped for the mean, and replaced by
/// their nearest kept neighbour for the variance (as `scipy.stats.mstats.trimmed_mean` and
/// `trimmed_std` with the same limits).
fn trimmed_mean_with_variance(sorted_logs: &[f64]) -> (f64, f64) {
    let n = sorted_logs.len();
    let g = (TRIM * n as f64).floor() as usize;
    let kept = &sorted_logs[g..n - g];
    let (mean, _) = mean_var(kept);
    let winsorized: Vec<f64> = sorted_logs
        .iter()
        .map(|&x| x.clamp(kept[0], kept[kept.len() - 1]))
        .collect();
    let (_, var_w) = mean_var(&winsorized);
    let h = kept.len() as f64;
    // (n − 1) s_w² / (h (h − 1)): the Tukey–McLaughlin standard error, squared.
    (mean, (n as f64 - 1.0) * var_w / (h * (h - 1.0).max(1.0)))
}

/// The mean of the ascending log-times within Tukey's fences and `sd² / n` of those kept;
/// all of them when fewer than two would remain.
fn fenced_mean_with_variance(sorted_logs: &[f64]) -> (f64, f64) {
    let kept = within_fences(sorted_logs);
    let (mean, var) = mean_var(&kept);
    (mean, var / kept.len() as f64)
}

/// The values of an ascending slice within Tukey's fences (1.5 IQR beyond the quartiles);
/// all of them when fewer than two would remain.
///
/// Why: on a shared machine a preempted stretch of a run makes a share of its samples several
/// times slower while the bulk does not move; a real slowdown moves the quartiles with it.
fn within_fences(sorted: &[f64]) -> Vec<f64> {
    let (low, high) = tukey_fences(sorted);
    let kept: Vec<f64> = sorted
        .iter()
        .copied()
        .filter(|x| (low..=high).contains(x))
        .collect();
    if kept.len() >= 2 {
        kept
    } else {
        sorted.to_vec()
    }
}

/// Tukey's fences of an ascending slice: 1.5 IQR below the first and above the third
/// quartile (type-7 percentiles, as [`crate::stats::Outliers`] draws them).
pub(crate) fn tukey_fences(sorted: &[f64]) -> (f64, f64) {
    let (q1, q3) = (percentile(sorted, 25.0), percentile(sorted, 75.0));
    (q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unusable_samples_are_left_out() {
        let run = RunEstimate::from_samples(&[f64::NAN, 0.0, -1.0, 4.0, 16.0]).unwrap();
        assert_eq!(run.samples, 2);
        assert!((run.value() - 8.0).abs() < 1e-12); // geometric middle of 4 and 16
        assert!(RunEstimate::from_samples(&[f64::INFINITY, 3.0]).is_none());
        assert!(RunEstimate::from_samples(&[]).is_none());
    }

    #[test]
    fn median_variance_shrinks_like_one_over_n() {
        // Evenly spread log-times: the interval's width in ranks grows like sqrt(n), the
        // spacing falls like 1/n, so the variance falls like 1/n.
        let run = |n: usize| {
            let x: Vec<f64> = (0..n)
                .map(|i| (1.0 + 0.1 * i as f64 / n as f64).exp())
                .collect();
            RunEstimate::from_samples(&x).unwrap().within_var
        };
        let ratio = run(1000) / run(4000);
        assert!((3.0..5.5).contains(&ratio), "{ratio}");
    }

    #[test]
    fn median_variance_is_near_the_asymptotic_value_for_normal_logs() {
        // For normal log-times with sd s, Var(median) ≈ π s² / (2n). Normal quantiles at
        // evenly spaced probabilities stand in for a sample.
        let (n, s) = (2001usize, 0.05);
        let logs: Vec<f64> = (1..=n)
            .map(|i| s * normal_quantile(i as f64 / (n + 1) as f64))
            .collect();
        let x: Vec<f64> = logs.iter().map(|l| (5.0 + l).exp()).collect();
        let run = RunEstimate::from_samples(&x).unwrap();
        let want = std::f64::consts::PI * s * s / (2.0 * n as f64);
        assert!(
            (run.within_var / want - 1.0).abs() < 0.15,
            "{} vs {want}",
            run.within_var
        );
        let mean = RunEstimate::with_estimator(&x, Estimator::FencedMean).unwrap();
        assert!((mean.within_var / (s * s / n as f64) - 1.0).abs() < 0.1);
    }

    fn normal_quantile(p: f64) -> f64 {
        use statrs::distribution::{ContinuousCDF, Normal};
        Normal::new(0.0, 1.0).unwrap().inverse_cdf(p)
    }

    #[test]
    fn fences_keep_everything_when_too_few_remain() {
        assert_eq!(within_fences(&[1.0, 2.0]), vec![1.0, 2.0]);
        assert_eq!(within_fences(&[1.0, 1.0, 1.0, 1.0, 9.0]), vec![1.0; 4]);
    }
}
