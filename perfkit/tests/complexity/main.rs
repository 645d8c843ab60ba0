//! Real timings, classified: routines of known complexity measured with [`perfkit::Bencher`] and
//! fitted with [`perfkit::complexity::fit`], and a [`perfkit::Comparison`] of two duplicate
//! finders. Both are `#[ignore]`d (they take minutes and need an optimised build):
//!
//! ```text
//! cargo test --release -p perfkit --test complexity -- --ignored --nocapture
//! COMPLEXITY_ROUTINE=sort cargo test ...   # only the routines whose name contains "sort"
//! ```

mod classify;
mod routines;
mod versus;
