//! [`Outliers`]: counts of samples beyond Tukey's fences.

use super::percentile::percentile;

/// Outlier counts by Tukey's fences (mild: beyond 1.5 IQR from the quartiles; severe: beyond 3).
///
/// Quartiles are type-7 percentiles (25 and 75). A sample exactly on a fence is not beyond it.
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

impl Outliers {
    /// Counts the outliers of an ascending slice (empty gives all zeros).
    ///
    /// ```
    /// use perfkit::stats::Outliers;
    /// let o = Outliers::tukey(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 100.0]);
    /// assert_eq!(o.high_severe, 1);
    /// assert_eq!(o.total(), 1);
    /// ```
    pub fn tukey(sorted: &[f64]) -> Outliers {
        let (q1, q3) = (percentile(sorted, 25.0), percentile(sorted, 75.0));
        let iqr = q3 - q1;
        let (low_severe, low_mild) = (q1 - 3.0 * iqr, q1 - 1.5 * iqr);
        let (high_mild, high_severe) = (q3 + 1.5 * iqr, q3 + 3.0 * iqr);
        let mut out = Outliers::default();
        for &x in sorted {
            if x < low_severe {
                out.low_severe += 1;
            } else if x < low_mild {
                out.low_mild += 1;
            } else if x > high_severe {
                out.high_severe += 1;
            } else if x > high_mild {
                out.high_mild += 1;
            }
        }
        out
    }

    /// All outliers, mild and severe, on both sides.
    pub fn total(&self) -> usize {
        self.low_severe + self.low_mild + self.high_mild + self.high_severe
    }
}
