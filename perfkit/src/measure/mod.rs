//! Measurement: the clock, the sampling plan, and [`Bencher`].
//!
//! This is where perfkit touches the clock; everything downstream ([`crate::stats`],
//! [`crate::compare`]) works on the [`Samples`] produced here. [`layout`] randomises the
//! process's memory layout once before the first measurement.

mod bencher;
pub mod callgrind;
mod clock;
pub mod layout;
mod lock;
mod plan;
pub(crate) mod sampler;
pub(crate) mod team;

pub use bencher::{Allocations, BatchSize, Bencher, Direction, MetricError, MetricValues, Samples};
pub use clock::Clock;
pub use lock::{MeasureLock, lock_path_for};
pub use plan::{Mode, Plan};
