//! Weighted least squares of `y = a + b·x` under `a ≥ 0` and `b ≥ 0`.
//!
//! Times are sums of a non-negative overhead and a non-negative growth term, so the constraints
//! cost the true model nothing while stopping a wrong one from bending to the data: a straight
//! line through convex O(n²) points wants a negative intercept, a decreasing curve a negative
//! slope.

/// A fitted line `y = a + b·x`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Line {
    pub a: f64,
    pub b: f64,
}

impl Line {
    /// The weighted residual sum of squares of this line on the data.
    pub fn wrss(self, x: &[f64], y: &[f64], w: &[f64]) -> f64 {
        x.iter()
            .zip(y)
            .zip(w)
            .map(|((x, y), w)| w * (y - self.a - self.b * x).powi(2))
            .sum()
    }
}

/// The weighted mean of `y`: the least-squares constant.
pub(super) fn weighted_mean(y: &[f64], w: &[f64]) -> f64 {
    let total: f64 = w.iter().sum();
    y.iter().zip(w).map(|(y, w)| w * y).sum::<f64>() / total
}

/// The line minimising Σ w (y − a − b·x)² subject to a ≥ 0 and b ≥ 0.
///
/// The objective is convex, so when the unconstrained optimum breaks a constraint the optimum
/// lies on the boundary: the better of the best line through the origin and the best constant.
pub(super) fn fit_line(x: &[f64], y: &[f64], w: &[f64]) -> Line {
    let x_mean = weighted_mean(x, w);
    let y_mean = weighted_mean(y, w);
    let (mut sxx, mut sxy) = (0.0, 0.0);
    for ((x, y), w) in x.iter().zip(y).zip(w) {
        sxx += w * (x - x_mean) * (x - x_mean);
        sxy += w * (x - x_mean) * (y - y_mean);
    }
    if sxx > 0.0 {
        let b = sxy / sxx;
        let a = y_mean - b * x_mean;
        if a >= 0.0 && b >= 0.0 {
            return Line { a, b };
        }
    }
    let flat = Line {
        a: y_mean.max(0.0),
        b: 0.0,
    };
    let (sxx0, sxy0) = x
        .iter()
        .zip(y)
        .zip(w)
        .fold((0.0, 0.0), |(sxx, sxy), ((x, y), w)| {
            (sxx + w * x * x, sxy + w * x * y)
        });
    if sxx0 <= 0.0 {
        return flat;
    }
    let origin = Line {
        a: 0.0,
        b: (sxy0 / sxx0).max(0.0),
    };
    if origin.wrss(x, y, w) < flat.wrss(x, y, w) {
        origin
    } else {
        flat
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn recovers_an_exact_line() {
        let x = [1.0, 2.0, 4.0, 8.0];
        let y: Vec<f64> = x.iter().map(|x| 3.0 + 0.5 * x).collect();
        let line = fit_line(&x, &y, &[1.0; 4]);
        assert!(close(line.a, 3.0) && close(line.b, 0.5), "{line:?}");
        assert!(line.wrss(&x, &y, &[1.0; 4]) < 1e-20);
    }

    #[test]
    fn weights_pull_the_line_towards_precise_points() {
        // y = x except an outlier at x = 4; weighting it down leaves the line near y = x.
        let x = [1.0, 2.0, 3.0, 4.0];
        let y = [1.0, 2.0, 3.0, 8.0];
        let even = fit_line(&x, &y, &[1.0; 4]);
        let weighted = fit_line(&x, &y, &[1.0, 1.0, 1.0, 1e-6]);
        assert!((weighted.b - 1.0).abs() < 1e-3, "{weighted:?}");
        assert!(even.b > 1.5, "{even:?}");
    }

    #[test]
    fn a_falling_trend_becomes_the_mean() {
        let x = [1.0, 2.0, 3.0];
        let y = [3.0, 2.0, 1.0];
        assert_eq!(fit_line(&x, &y, &[1.0; 3]), Line { a: 2.0, b: 0.0 });
    }

    #[test]
    fn a_negative_intercept_becomes_a_line_through_the_origin() {
        // Convex points: the free line is y = 4x - 10/3, which would predict a negative time.
        let x = [1.0, 2.0, 3.0];
        let y = [1.0, 4.0, 9.0];
        let line = fit_line(&x, &y, &[1.0; 3]);
        assert_eq!(line.a, 0.0);
        assert!(close(line.b, 36.0 / 14.0), "{line:?}");
    }

    #[test]
    fn equal_x_gives_the_mean() {
        let line = fit_line(&[2.0; 3], &[1.0, 2.0, 3.0], &[1.0; 3]);
        assert_eq!(line, Line { a: 2.0, b: 0.0 });
    }
}
