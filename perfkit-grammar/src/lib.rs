//! The small languages of perfkit's settings, and the one place each is parsed and its range
//! checked: durations (`"1.5ms"`), byte sizes (`"64KiB"`), size ranges (`"1000..=64000 x2"`),
//! throughputs (`"bytes:4KiB"`), regression thresholds (`"5%"`), significance levels
//! (`0.01`), request rates (`"500/s"`), percentages (`"1%"`), modes (`quick`) and switches (`1`).
//!
//! One grammar serves every source: the `#[perf_test]` attribute (at compile time, through
//! `perfkit-macros`), the `PERFKIT_*` environment variables and `perfkit.toml` (at run time,
//! through `perfkit`), and `cargo perfkit`'s flags. So `threshold = 5` in `perfkit.toml`,
//! `PERFKIT_THRESHOLD=5`, `--threshold 5` and `regression = "5%"` all mean 5%.
//!
//! This crate depends on nothing of perfkit's (the attribute's crate cannot depend on the
//! runtime, which depends on it). It only reads text: it returns numbers, or a [`ValueError`]
//! that quotes the text; the caller says where the text came from ([`SettingError`], or a
//! token's span in the attribute).
//!
//! ```
//! use perfkit_grammar::{duration_ns, threshold};
//!
//! assert_eq!(duration_ns("1.5 ms").unwrap().value, 1_500_000);
//! assert_eq!(threshold("5"), threshold("5%"));
//! ```
#![warn(missing_docs)]

mod decimal;
mod error;
mod load;
mod setting;
mod units;

pub use decimal::Rounded;
pub use error::{Origin, Quantity, SettingError, ValueError};
pub use load::{percentage, rate};
pub use setting::{ModeSetting, alpha, flag, mode, threshold};
pub use units::{
    MAX_RANGE_SIZES, Throughput, bytes, count, duration_ns, integer, is_exact_zero, size_range,
    throughput,
};
