//! Criterion's API on perfkit: an existing `benches/` suite written for criterion runs under
//! `cargo bench` with perfkit's sampler, result lines, history, verdicts and gate, by changing
//! its `use criterion::…` line to `use perfkit::criterion::…`.
//!
//! Each benchmark is recorded under the id criterion gives it (`group/function/parameter`), so
//! `cargo perfkit history`, `check` and `ab` work on it like on a perf test. `cargo bench --
//! <filter>` (a regular expression), `--exact`, `--list` and `--test` (each benchmark once,
//! untimed) behave as criterion's do; `--quick` uses perfkit's quick plan. Without `--bench`
//! (`cargo test --benches`) perfkit's rule for `cargo test` applies, as to perf tests: a debug
//! build runs each benchmark once, an optimised build measures and records (which is how
//! `cargo perfkit run -- --benches` and `cargo perfkit ab BASE -- --benches` measure a suite).
//!
//! What maps: `sample_size` → a fixed number of samples, `warm_up_time` → the warm-up,
//! `measurement_time` → the cap on sampling time (perfkit stops earlier once the median is
//! precise), `significance_level` → alpha, `noise_threshold` → the verdict's threshold,
//! `Throughput` → recorded throughput. What is ignored, with a note printed once: criterion's
//! own statistics (`nresamples`, `confidence_level`), plots, saved baselines (perfkit's
//! baseline is a commit in history) and sampling modes. Criterion calls a benchmark's closure
//! once per sample; perfkit calls it once, so code around `b.iter` is setup that runs once.
//!
//! - `id`: [`BenchmarkId`] and the id in history. Pure.
//! - `config`: the configuration and its mapping onto perfkit's plan and rule. Pure.
//! - `args`: the command line. Pure.
//! - `runner`, `group`, `bencher`: [`Criterion`], [`BenchmarkGroup`], [`Bencher`].
//! - `harness`: running one benchmark through the perf-test runtime ([`crate::execute`]).
//!
//! ```no_run
//! // benches/fib.rs, with `[[bench]] name = "fib" harness = false` in Cargo.toml
//! use perfkit::criterion::{Criterion, black_box, criterion_group, criterion_main};
//!
//! fn fibonacci(n: u64) -> u64 {
//!     (1..n).fold((0, 1), |(a, b), _| (b, a + b)).1
//! }
//!
//! fn bench(c: &mut Criterion) {
//!     c.bench_function("fib 20", |b| b.iter(|| fibonacci(black_box(20))));
//! }
//!
//! criterion_group!(benches, bench);
//! criterion_main!(benches);
//! ```

mod args;
mod bencher;
mod config;
mod group;
mod harness;
mod id;
mod runner;

pub use args::ArgsError;
pub use bencher::{BatchSize, Bencher};
pub use config::{AxisScale, PlotConfiguration, PlottingBackend, SamplingMode, Throughput};
pub use group::BenchmarkGroup;
pub use id::{BenchmarkId, IntoBenchmarkId};
pub use runner::Criterion;
pub use std::hint::black_box;

pub use crate::{criterion_group, criterion_main};

/// What criterion measures with. perfkit measures wall time.
pub mod measurement {
    /// A measurement criterion can make; perfkit implements [`WallTime`] only.
    pub trait Measurement {}

    /// Wall-clock time (criterion's default measurement).
    #[derive(Debug, Clone, Copy, Default)]
    pub struct WallTime;

    impl Measurement for WallTime {}
}

/// Defines a function that runs a set of benchmark functions, as criterion's macro does:
/// `criterion_group!(benches, f1, f2)` or, with a configuration,
/// `criterion_group! { name = benches; config = Criterion::default().sample_size(10); targets = f1, f2 }`.
#[macro_export]
macro_rules! criterion_group {
    (name = $name:ident; config = $config:expr; targets = $( $target:path ),+ $(,)*) => {
        /// The function which runs the benchmarks.
        pub fn $name() {
            let mut criterion: $crate::criterion::Criterion<_> = $config
                .__manifest_dir(::core::env!("CARGO_MANIFEST_DIR"))
                .configure_from_args();
            $(
                $target(&mut criterion);
            )+
        }
    };
    ($name:ident, $( $target:path ),+ $(,)*) => {
        $crate::criterion_group! {
            name = $name;
            config = $crate::criterion::Criterion::default();
            targets = $( $target ),+
        }
    };
}

/// Defines `main` for a benchmark target (`harness = false`): runs the groups, then ends the
/// process as criterion's macro does (status 1 when a benchmark failed).
#[macro_export]
macro_rules! criterion_main {
    ( $( $group:path ),+ $(,)* ) => {
        fn main() {
            $(
                $group();
            )+
            $crate::criterion::Criterion::default()
                .configure_from_args()
                .final_summary();
        }
    };
}
