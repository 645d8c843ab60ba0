//! Why a statistic or a hypothesis test could not be computed.

use std::fmt;

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

/// Which of the two samples of a comparison an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The reference sample (`a`, the baseline's samples).
    Baseline,
    /// The sample under test (`b`, this run's samples).
    New,
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Baseline => "baseline",
            Side::New => "new",
        })
    }
}

/// Why a two-sample hypothesis test could not be run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TestError {
    /// One side has fewer samples than the test needs.
    #[error("the {side} side has {n} sample(s); this test needs at least {needed}")]
    TooFewSamples {
        /// The side that is too small.
        side: Side,
        /// How many samples it has.
        n: usize,
        /// How many the test needs.
        needed: usize,
    },
    /// A sample was NaN or infinite.
    #[error("sample {index} of the {side} side is not a finite number ({value})")]
    NotFinite {
        /// The side holding the sample.
        side: Side,
        /// Position of the offending sample within its side.
        index: usize,
        /// Its value.
        value: f64,
    },
    /// A log-scale test met a sample that has no logarithm.
    #[error(
        "sample {index} of the {side} side is {value}; the log-scale test needs positive values"
    )]
    NotPositive {
        /// The side holding the sample.
        side: Side,
        /// Position of the offending sample within its side.
        index: usize,
        /// Its value.
        value: f64,
    },
    /// The confidence level was not strictly between 0 and 1.
    #[error("confidence level {0} is not strictly between 0 and 1")]
    InvalidConfidence(f64),
    /// An exact p-value was asked for, but the samples share values.
    #[error("the exact Mann-Whitney p-value needs samples without ties; use the asymptotic method")]
    ExactWithTies,
    /// An exact p-value was asked for, but the null distribution is too large to enumerate.
    #[error(
        "the exact Mann-Whitney p-value for sizes {n_baseline} and {n_new} is too large to \
         compute; use the asymptotic method"
    )]
    ExactTooLarge {
        /// Size of the baseline side.
        n_baseline: usize,
        /// Size of the new side.
        n_new: usize,
    },
}
