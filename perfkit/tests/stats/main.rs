//! Integration tests of `perfkit::stats`: reference values from scipy and statsmodels, and
//! property tests of the invariants the statistics promise.

#[rustfmt::skip]
mod reference;
mod samples;

mod adjust;
mod judge;
mod judge_props;
mod mann_whitney;
mod summary_props;
mod welch;
mod welch_props;
