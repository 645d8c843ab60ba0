//! Descriptive statistics and hypothesis tests on samples.
//!
//! Pure: functions from slices to values; no clock, no IO, no printing.

mod summary;

pub use summary::{Interval, Outliers, StatsError, Summary};
