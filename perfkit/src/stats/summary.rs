//! [`Summary`]: the descriptive statistics of one set of per-iteration times.

/// A two-sided confidence interval (95% unless a function says otherwise).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
}

/// Outlier counts by Tukey's fences (mild: beyond 1.5 IQR from the quartiles; severe: beyond 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outliers {
    /// Below Q1 - 3 IQR.
    pub low_severe: usize,
    /// Between Q1 - 3 IQR and Q1 - 1.5 IQR.
    pub low_mild: usize,
    /// Between Q3 + 1.5 IQR and Q3 + 3 IQR.
    pub high_mild: usize,
    /// Above Q3 + 3 IQR.
    pub high_severe: usize,
}

/// Why a statistic could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatsError {
    /// No samples at all.
    #[error("no samples")]
    Empty,
    /// A sample was NaN or infinite.
    #[error("sample {index} is not a finite number ({value})")]
    NotFinite {
        /// Position of the offending sample.
        index: usize,
        /// Its value.
        value: f64,
    },
}

/// Descriptive statistics of a sample (per-iteration times in nanoseconds, in perfkit's use).
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Number of samples.
    pub n: usize,
    /// Arithmetic mean.
    pub mean: f64,
    /// Sample standard deviation (n - 1 denominator); 0 when n = 1.
    pub sd: f64,
    /// Smallest sample.
    pub min: f64,
    /// Largest sample.
    pub max: f64,
    /// Median (equal to `p50`).
    pub median: f64,
    /// 50th percentile.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Median absolute deviation from the median (unscaled).
    pub mad: f64,
    /// 95% confidence interval of the mean (Student's t).
    pub mean_ci: Interval,
    /// 95% confidence interval of the median (distribution-free, from order statistics).
    pub median_ci: Interval,
    /// Tukey outlier counts.
    pub outliers: Outliers,
}
