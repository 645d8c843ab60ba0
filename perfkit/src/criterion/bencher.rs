//! criterion's [`Bencher`] on perfkit's: each `iter*` method runs one whole perfkit
//! measurement (warm-up, samples, allocation pass).

use std::marker::PhantomData;
use std::time::Duration;

use super::measurement::{Measurement, WallTime};
use crate::measure;

/// How many inputs `iter_batched` prepares before timing them (criterion's sizes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BatchSize {
    /// Inputs that are cheap to hold: prepared a tenth of a sample at a time.
    SmallInput,
    /// Inputs that take much memory: prepared and timed one at a time in perfkit.
    LargeInput,
    /// One input per timed call.
    PerIteration,
    /// Criterion's number of batches per sample; perfkit prepares a tenth of a sample at a
    /// time, as for `SmallInput`.
    NumBatches(u64),
    /// This many inputs per batch.
    NumIterations(u64),
}

impl BatchSize {
    /// perfkit's batch size. `LargeInput` and `PerIteration` become one input at a time (the
    /// clock is read per call, so memory stays bounded whatever the input's size).
    pub(crate) fn to_perfkit(self) -> measure::BatchSize {
        match self {
            BatchSize::SmallInput | BatchSize::NumBatches(_) => measure::BatchSize::SmallInput,
            BatchSize::LargeInput | BatchSize::PerIteration => measure::BatchSize::LargeInput,
            BatchSize::NumIterations(n) => measure::BatchSize::NumIterations(n),
        }
    }
}

/// Handed to a benchmark's closure; times the routine given to one of its `iter*` methods.
///
/// Call one `iter*` method once per closure: it runs the whole measurement. (Criterion calls
/// the closure once per sample; perfkit calls it once, so code around `b.iter` is setup that
/// runs once.)
#[derive(Debug)]
pub struct Bencher<'a, M: Measurement = WallTime> {
    pub(crate) inner: &'a mut measure::Bencher,
    pub(crate) measurement: PhantomData<M>,
}

impl<M: Measurement> Bencher<'_, M> {
    /// Times `routine`; its output is dropped inside the timing.
    pub fn iter<O, R: FnMut() -> O>(&mut self, routine: R) {
        self.inner.iter(routine);
    }

    /// Times `routine`; its output is dropped outside the timing.
    pub fn iter_with_large_drop<O, R: FnMut() -> O>(&mut self, mut routine: R) {
        self.iter_batched(|| (), |()| routine(), BatchSize::SmallInput);
    }

    /// Times `routine` on inputs made by `setup`, one input per call (criterion's
    /// `iter_batched(setup, routine, BatchSize::PerIteration)`).
    pub fn iter_with_setup<I, O, S, R>(&mut self, setup: S, routine: R)
    where
        S: FnMut() -> I,
        R: FnMut(I) -> O,
    {
        self.iter_batched(setup, routine, BatchSize::PerIteration);
    }

    /// Times `routine` on inputs made by `setup`; setup and dropping the outputs are not timed.
    pub fn iter_batched<I, O, S, R>(&mut self, setup: S, routine: R, size: BatchSize)
    where
        S: FnMut() -> I,
        R: FnMut(I) -> O,
    {
        self.inner.iter_batched(setup, routine, size.to_perfkit());
    }

    /// Times `routine` on a mutable reference to inputs made by `setup`; setup, and dropping
    /// the inputs and outputs, are not timed.
    pub fn iter_batched_ref<I, O, S, R>(&mut self, setup: S, mut routine: R, size: BatchSize)
    where
        S: FnMut() -> I,
        R: FnMut(&mut I) -> O,
    {
        // The input leaves the timed call with its output, so both are dropped untimed.
        self.inner.iter_batched(
            setup,
            |mut input| {
                let output = routine(&mut input);
                (input, output)
            },
            size.to_perfkit(),
        );
    }

    /// Times with a clock of your own: `routine(iters)` runs the code `iters` times and returns
    /// how long that took.
    pub fn iter_custom<R: FnMut(u64) -> Duration>(&mut self, routine: R) {
        self.inner.iter_custom(routine);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::{Mode, Plan};

    #[test]
    fn batch_sizes_map_to_perfkits() {
        use measure::BatchSize as P;
        assert_eq!(BatchSize::SmallInput.to_perfkit(), P::SmallInput);
        assert_eq!(BatchSize::NumBatches(4).to_perfkit(), P::SmallInput);
        assert_eq!(BatchSize::LargeInput.to_perfkit(), P::LargeInput);
        assert_eq!(BatchSize::PerIteration.to_perfkit(), P::LargeInput);
        assert_eq!(
            BatchSize::NumIterations(7).to_perfkit(),
            P::NumIterations(7)
        );
    }

    /// Every method measures through perfkit's bencher: one call, samples taken.
    #[test]
    fn every_method_is_one_measurement() {
        let plan = Plan {
            fixed_samples: Some(3),
            min_samples: 3,
            max_samples: 3,
            warmup: Duration::ZERO,
            ..Plan::QUICK
        };
        type Method = fn(&mut Bencher<'_>);
        let methods: [(&str, Method); 6] = [
            ("iter", |b| b.iter(|| 1 + 1)),
            ("iter_with_large_drop", |b| {
                b.iter_with_large_drop(|| vec![0u8; 16])
            }),
            ("iter_with_setup", |b| {
                b.iter_with_setup(|| vec![1u8; 16], |v| v.len())
            }),
            ("iter_batched", |b| {
                b.iter_batched(|| 3u64, |x| x * 2, BatchSize::NumIterations(5))
            }),
            ("iter_batched_ref", |b| {
                b.iter_batched_ref(|| vec![1u8], |v| v.push(2), BatchSize::SmallInput)
            }),
            ("iter_custom", |b| b.iter_custom(Duration::from_nanos)),
        ];
        for (name, method) in methods {
            let mut inner = measure::Bencher::new(plan, Mode::Quick);
            method(&mut Bencher {
                inner: &mut inner,
                measurement: PhantomData,
            });
            assert_eq!(inner.iter_calls(), 1, "{name}");
            let samples = inner.take_samples().expect(name);
            assert_eq!(samples.times_ns.len(), 3, "{name}");
        }
    }
}
