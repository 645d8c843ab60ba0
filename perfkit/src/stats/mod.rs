//! Descriptive statistics and hypothesis tests on samples.
//!
//! Pure: functions from slices to values; no clock, no IO, no printing.

mod confidence;
mod dist;
mod error;
mod interval;
mod moments;
mod outliers;
mod percentile;
mod summary;

pub use error::{Side, StatsError, TestError};
pub use interval::Interval;
pub use outliers::Outliers;
pub use percentile::{mad, median, percentile};
pub use summary::Summary;
