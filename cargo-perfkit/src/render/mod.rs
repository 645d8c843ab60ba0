//! Output: tables for people, markdown for pull requests, JSON for machines.
//!
//! Formatting only: values in, strings out; the commands decide where they go. Text perfkit
//! does not control goes through [`escape`], one function per output kind.

pub mod comparison;
pub mod escape;
pub mod json;
pub mod sparkline;
pub mod table;
pub mod units;
