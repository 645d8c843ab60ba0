//! Judging results: budget checks and comparison with a baseline.
//!
//! Pure: summaries and samples in, verdicts out; no clock, no IO.

mod budget;

pub use budget::{BudgetCheck, Limit, check_budgets};
