//! perfkit makes performance a tested, tracked property of a Rust codebase.
//!
//! Annotate a test with [`perf_test`] and `cargo test --release` measures it properly (warm-up,
//! adaptive sampling, percentiles, allocations), checks its budgets, and fails it when it breaks
//! one. This crate holds the runtime: measurement ([`measure`]), pure statistics ([`stats`]),
//! budget checks ([`compare`]), growth classes ([`complexity`]) and text reports ([`report`]).
//! It is not a history store (that is `perfkit-store`) nor a command-line tool (`cargo-perfkit`).
//!
//! ```no_run
//! use perfkit::perf_test;
//!
//! #[perf_test(budget = "2ms", p99 = "5ms")]
//! fn parse_request(b: &mut perfkit::Bencher) {
//!     let input = "GET / HTTP/1.1".repeat(100);   // setup: not timed
//!     b.iter(|| input.split(' ').count());         // only this is timed
//! }
//! ```
#![warn(missing_docs)]

pub mod alloc;
pub mod compare;
pub mod complexity;
#[cfg(feature = "criterion")]
pub mod criterion;
pub mod load;
pub mod measure;
/// What a metric is: its unit and which way is better (re-exported from the store, which
/// records them).
pub mod metric {
    pub use perfkit_store::{Better, MetricInfo};
}
pub mod profile;
pub mod report;
pub mod sides;
pub mod spec;
pub mod stats;
pub mod versus;

mod runtime;

pub use runtime::file_budgets::{self, FileBudget};
pub use runtime::{
    History, HistoryConfig, Measurement, Outcome, Settings, SettingsError, Variant, execute,
    execute_variants,
};

/// The small languages of perfkit's settings (durations, sizes, thresholds, modes), shared by
/// the attribute, the environment, `perfkit.toml` and `cargo perfkit`'s flags.
pub use perfkit_grammar as grammar;

pub use load::Load;
pub use measure::{BatchSize, Bencher, Samples};
pub use perfkit_macros::perf_test;
pub use spec::Spec;
pub use stats::Summary;
pub use std::hint::black_box;
pub use versus::{Comparison, ComparisonReport};

/// Items used by the code that `#[perf_test]` generates. Not public API: no semver promises.
#[doc(hidden)]
pub mod __private {
    pub use crate::complexity::Complexity;
    pub use crate::runtime::{BoxedFuture, Routine, Variant, arg_name, boxed, run, run_variants};
    pub use crate::spec::{LoadSpec, Spec, Stat, Throughput, TimeBudget};
}
