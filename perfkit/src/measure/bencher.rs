//! [`Bencher`]: what a perf test's routine uses to mark the code to time.

/// How many inputs `iter_batched` prepares at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchSize {
    /// Small inputs: prepare a whole batch, then time it.
    SmallInput,
    /// Large inputs: prepare one input per iteration.
    LargeInput,
    /// Exactly this many inputs per batch.
    NumIterations(u64),
}

/// Per-iteration times of one measurement.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    /// Time per iteration of each sample, in nanoseconds.
    pub times_ns: Vec<f64>,
}

/// Handed to a perf test's routine; times the closure passed to one of its `iter` methods.
#[derive(Debug, Default)]
pub struct Bencher {
    _private: (),
}

impl Bencher {
    /// Times `routine`.
    pub fn iter<O, R: FnMut() -> O>(&mut self, routine: R) {
        let _ = routine;
    }
}
