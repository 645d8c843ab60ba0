//! Comparing algorithms: "which of these variants wins, and from which input size?".
//!
//! [`Comparison`] measures named variants on the same inputs across sizes and returns a
//! [`ComparisonReport`]. (Not to be confused with [`compare::Comparison`](crate::compare::Comparison),
//! one benchmark against its baseline in history.)
//!
//! - `builder`: the [`Comparison`] builder and its run (the only part that touches the clock).
//! - `counted`: the run under `PERFKIT=instructions`: each variant counted under callgrind.
//! - `interleave`: the sampling loop that takes the variants' samples in alternating rounds.
//! - `report`: [`ComparisonReport`] and what follows from it — [`Speedup`]s, winners,
//!   growth classes, the [`Crossover`]. Pure.
//! - `assert`: [`ComparisonReport::assert_faster`] and
//!   [`assert_faster_from`](ComparisonReport::assert_faster_from). Pure.
//! - `table`: the report's `Display`. Pure.
//!
//! # Definitions
//!
//! - **Speedup** of A over B at a size: geomean(B) / geomean(A) with its 95% CI, from Welch's
//!   t-test on log-times ([`log_welch`](crate::stats::log_welch)). 2.0 reads "A is twice as fast".
//! - **Winner** at a size: the variant with the lowest geometric mean. It is a **clear** winner
//!   when its speedup CI over every other variant lies entirely above 1.
//! - **"A is faster than B"** holds at a size when the speedup CI of A over B lies entirely
//!   above 1.
//! - **Crossover**: among the sizes with a clear winner, the first size of the final winner's
//!   streak, provided another variant clearly won before it; the final winner must clearly win
//!   at the largest size. Its [`estimate`](Crossover::estimate) interpolates where the two are
//!   equally fast. See [`ComparisonReport::crossover`].
//!
//! ```no_run
//! use perfkit::Comparison;
//!
//! let report = Comparison::new("contains")
//!     .sizes([100, 1_000, 10_000])
//!     .setup(|n| (0..n as u32).collect::<Vec<u32>>())
//!     .variant("linear scan", |v| v.contains(&(v.len() as u32 / 2)))
//!     .variant("binary search", |v| v.binary_search(&(v.len() as u32 / 2)).is_ok())
//!     .run();
//! println!("{report}");
//! report.assert_faster_from("binary search", "linear scan", 1_000);
//! ```

mod assert;
mod builder;
mod counted;
mod interleave;
mod report;
mod table;

pub use builder::Comparison;
pub use report::{ComparisonReport, Crossover, SizeResult, Speedup};
