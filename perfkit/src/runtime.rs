//! The runtime behind `#[perf_test]`: plan, measure, summarise, check, print.

use crate::measure::Bencher;
use crate::spec::Spec;

/// The user's function, in one of the three forms `#[perf_test]` accepts.
#[derive(Debug, Clone, Copy)]
pub enum Routine {
    /// `fn()`: the whole body is timed.
    Plain(fn()),
    /// `fn(&mut Bencher)`: only what `b.iter(...)` runs is timed.
    Bencher(fn(&mut Bencher)),
    /// `fn(&mut Bencher, n: usize)`: run once per size in `sizes`.
    Sized(fn(&mut Bencher, usize)),
}

/// Runs one perf test to completion; panics (failing the test) when a budget is broken.
pub fn run(spec: &Spec, routine: Routine) {
    let _ = (spec, routine);
    unimplemented!("being written")
}
