//! Human-readable output: units, and the block a perf test prints.
//!
//! Formatting only: values in, strings out. Printing happens in the runtime.

mod text;
mod units;

pub use text::{ResultBlock, budget_failure};
pub(crate) use units::sig4;
pub use units::{
    format_bytes, format_count, format_count_si, format_ns, format_percent, format_sig4,
    format_throughput,
};
