//! Output: tables for people, markdown for pull requests, JSON for machines.
//!
//! Formatting only: values in, strings out; the commands decide where they go.

pub mod comparison;
pub mod json;
pub mod sparkline;
pub mod table;
pub mod units;
