//! [`Point`]: one measured size; and the checked, weighted series that fitting works on.

use super::FitError;
use crate::stats::Summary;

/// The normal quantile of a two-sided 95% interval: half the median CI's width divided by it is
/// the median's standard error (to the extent the median is approximately normal).
const Z_95: f64 = 1.96;

/// One measured input size: the time estimate there and how precise it is.
///
/// ```
/// use perfkit::complexity::Point;
///
/// let p = Point::new(4096, 5_300.0).with_se(40.0);
/// assert_eq!((p.n, p.time, p.se), (4096, 5_300.0, 40.0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// The input size (at least 1: log n is undefined at 0).
    pub n: usize,
    /// The time estimate at this size, in nanoseconds (perfkit uses the median).
    pub time: f64,
    /// The standard error of `time`, in nanoseconds; 0 when unknown.
    ///
    /// Points are weighted by 1/se², so a precise estimate counts more than a noisy one. If any
    /// point's se is 0, all points are weighted equally.
    pub se: f64,
}

impl Point {
    /// A point of unknown precision (se = 0).
    pub fn new(n: usize, time: f64) -> Self {
        Point { n, time, se: 0.0 }
    }

    /// The same point with standard error `se`.
    pub fn with_se(self, se: f64) -> Self {
        Point { se, ..self }
    }

    /// The median of `summary` at size `n`, with the standard error implied by its 95% CI:
    /// (upper − lower) / (2 · 1.96). An unusable CI (not finite, or reversed) gives se = 0.
    pub fn from_summary(n: usize, summary: &Summary) -> Self {
        let ci = summary.median_ci;
        let se = (ci.upper - ci.lower) / (2.0 * Z_95);
        let se = if se.is_finite() && se > 0.0 { se } else { 0.0 };
        Point::new(n, summary.median).with_se(se)
    }
}

/// Points checked and turned into what the regressions need: sizes as `f64`, times and weights.
#[derive(Debug, Clone)]
pub(super) struct Series {
    pub n: Vec<f64>,
    pub time: Vec<f64>,
    /// Relative weights, the largest 1: only ratios matter, and 1/se² itself can overflow.
    pub weight: Vec<f64>,
    pub n_min: f64,
    pub n_max: f64,
}

impl Series {
    pub fn new(points: &[Point]) -> Result<Self, FitError> {
        for (index, p) in points.iter().enumerate() {
            if p.n == 0 {
                return Err(FitError::ZeroSize { index });
            }
            for (field, value) in [("time", p.time), ("se", p.se)] {
                if !value.is_finite() {
                    return Err(FitError::NotFinite {
                        index,
                        field,
                        value,
                    });
                }
                if value < 0.0 {
                    return Err(FitError::Negative {
                        index,
                        field,
                        value,
                    });
                }
            }
        }
        let mut sizes: Vec<usize> = points.iter().map(|p| p.n).collect();
        sizes.sort_unstable();
        sizes.dedup();
        if sizes.len() < 3 {
            return Err(FitError::TooFewSizes {
                distinct: sizes.len(),
            });
        }
        let weight = if points.iter().all(|p| p.se > 0.0) {
            let se_min = points.iter().map(|p| p.se).fold(f64::INFINITY, f64::min);
            points.iter().map(|p| (se_min / p.se).powi(2)).collect()
        } else {
            vec![1.0; points.len()]
        };
        Ok(Series {
            n: points.iter().map(|p| p.n as f64).collect(),
            time: points.iter().map(|p| p.time).collect(),
            weight,
            n_min: sizes[0] as f64,
            n_max: sizes[sizes.len() - 1] as f64,
        })
    }

    pub fn len(&self) -> usize {
        self.time.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{Interval, Outliers};

    fn points(sizes: &[usize]) -> Vec<Point> {
        sizes.iter().map(|&n| Point::new(n, 10.0)).collect()
    }

    #[test]
    fn needs_three_distinct_sizes() {
        let err = Series::new(&points(&[8, 8, 16, 16])).unwrap_err();
        assert_eq!(err, FitError::TooFewSizes { distinct: 2 });
        assert_eq!(
            Series::new(&[]).unwrap_err(),
            FitError::TooFewSizes { distinct: 0 }
        );
        assert!(Series::new(&points(&[8, 8, 16, 32])).is_ok());
    }

    #[test]
    fn rejects_bad_values_naming_the_point() {
        let mut p = points(&[1, 2, 4]);
        p[1].time = f64::NAN;
        assert!(matches!(
            Series::new(&p),
            Err(FitError::NotFinite {
                index: 1,
                field: "time",
                ..
            })
        ));
        p[1].time = 1.0;
        p[2].se = f64::INFINITY;
        assert!(matches!(
            Series::new(&p),
            Err(FitError::NotFinite {
                index: 2,
                field: "se",
                ..
            })
        ));
        p[2].se = 0.0;
        p[0].time = -1.0;
        assert_eq!(
            Series::new(&p).unwrap_err(),
            FitError::Negative {
                index: 0,
                field: "time",
                value: -1.0
            }
        );
        assert_eq!(
            Series::new(&points(&[2, 0, 4, 8])).unwrap_err(),
            FitError::ZeroSize { index: 1 }
        );
    }

    #[test]
    fn weights_are_relative_inverse_variances_or_equal() {
        let p = [
            Point::new(1, 1.0).with_se(1.0),
            Point::new(2, 1.0).with_se(2.0),
            Point::new(4, 1.0).with_se(1e-200),
        ];
        let s = Series::new(&p).unwrap();
        assert_eq!(s.weight[2], 1.0);
        assert!(s.weight.iter().all(|w| w.is_finite()));

        let p = [
            Point::new(1, 1.0).with_se(1.0),
            Point::new(2, 1.0).with_se(2.0),
            Point::new(4, 1.0),
        ];
        assert_eq!(Series::new(&p).unwrap().weight, [1.0; 3]);

        let p = [
            Point::new(1, 1.0).with_se(1.0),
            Point::new(2, 1.0).with_se(2.0),
            Point::new(4, 1.0).with_se(4.0),
        ];
        assert_eq!(Series::new(&p).unwrap().weight, [1.0, 0.25, 0.0625]);
    }

    fn summary(median: f64, lower: f64, upper: f64) -> Summary {
        Summary {
            n: 100,
            mean: median,
            sd: 1.0,
            min: lower,
            max: upper,
            median,
            p50: median,
            p90: upper,
            p95: upper,
            p99: upper,
            mad: 1.0,
            mean_ci: Interval { lower, upper },
            median_ci: Interval { lower, upper },
            outliers: Outliers::default(),
        }
    }

    #[test]
    fn from_summary_uses_the_median_and_its_ci() {
        let p = Point::from_summary(64, &summary(100.0, 98.04, 101.96));
        assert_eq!(p.n, 64);
        assert_eq!(p.time, 100.0);
        assert!((p.se - 1.0).abs() < 1e-12, "{}", p.se);

        let p = Point::from_summary(64, &summary(100.0, f64::NAN, 101.0));
        assert_eq!(p.se, 0.0);
        let p = Point::from_summary(64, &summary(100.0, 101.0, 99.0));
        assert_eq!(p.se, 0.0);
    }
}
