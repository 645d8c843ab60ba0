//! Growth classes and fitting measured times to them ("is this O(n) or O(n²)?").
//!
//! Pure: functions from measured points to a [`Fit`]; no clock, no IO.

mod class;

pub use class::Complexity;
