//! [`FitError`]: why a series of points cannot be fitted.

/// Why [`fit`](super::fit) refused a series. Each variant names the offending point by its
/// position in the input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FitError {
    /// Fewer than three distinct sizes: a two-parameter model fits two sizes exactly, so there is
    /// nothing left to tell the classes apart.
    #[error(
        "fitting a growth class needs at least 3 distinct sizes, got {distinct}; \
         measure at more sizes (e.g. 1000, 2000, 4000, 8000)"
    )]
    TooFewSizes {
        /// How many distinct sizes there were.
        distinct: usize,
    },
    /// A size of 0, where log n is undefined.
    #[error("point {index} has size 0, where log n is undefined; start the sizes at 1")]
    ZeroSize {
        /// Position of the offending point.
        index: usize,
    },
    /// A time or standard error that is NaN or infinite.
    #[error("point {index}: {field} is not a finite number ({value})")]
    NotFinite {
        /// Position of the offending point.
        index: usize,
        /// `"time"` or `"se"`.
        field: &'static str,
        /// The value.
        value: f64,
    },
    /// A negative time or standard error.
    #[error("point {index}: {field} is negative ({value}); times and their errors are >= 0")]
    Negative {
        /// Position of the offending point.
        index: usize,
        /// `"time"` or `"se"`.
        field: &'static str,
        /// The value.
        value: f64,
    },
}
