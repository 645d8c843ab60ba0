//! [`Interval`]: a two-sided confidence interval.

/// A two-sided confidence interval (95% unless a function says otherwise).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
}

impl Interval {
    /// The degenerate interval holding only `x`.
    pub fn point(x: f64) -> Interval {
        Interval { lower: x, upper: x }
    }

    /// Whether `x` lies within the bounds (inclusive).
    ///
    /// ```
    /// use perfkit::stats::Interval;
    /// let ci = Interval { lower: 1.0, upper: 2.0 };
    /// assert!(ci.contains(1.0) && ci.contains(1.5) && !ci.contains(2.5));
    /// ```
    pub fn contains(&self, x: f64) -> bool {
        self.lower <= x && x <= self.upper
    }

    /// `f` applied to both bounds; `f` must be increasing so the bounds stay ordered.
    pub fn map(self, f: impl Fn(f64) -> f64) -> Interval {
        Interval {
            lower: f(self.lower),
            upper: f(self.upper),
        }
    }
}
