//! Judging results: budget checks and comparison with a baseline.
//!
//! Pure: summaries and samples in, verdicts out; no clock, no IO.

mod budget;
mod verdict;

pub use budget::{BudgetCheck, Limit, check_budgets};
pub use verdict::{Comparison, Verdict, VerdictRule, control_fdr};
