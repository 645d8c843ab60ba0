//! Measurement: the clock, the sampling plan, and [`Bencher`].

mod bencher;

pub use bencher::{BatchSize, Bencher, Samples};
