//! [`ValueError`]: why a value was rejected, as a sentence that quotes it; [`SettingError`]:
//! the same, with the environment variable or `perfkit.toml` key it came from.

use std::fmt;
use std::path::PathBuf;

use crate::units::MAX_RANGE_SIZES;

/// Why a value was rejected. Each message quotes the value and says what would be accepted;
/// the caller adds where the value came from (a token's span, a variable, a key, a flag).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// A duration, size or percentage starting with `-`; callers that forbid zero say so.
    #[error("`{text:?}` is negative")]
    Negative {
        /// The value as given.
        text: String,
    },
    /// No number where a quantity was expected.
    #[error("expected a number followed by a unit ({units}), found `{text:?}`")]
    NotAQuantity {
        /// The value as given.
        text: String,
        /// Which units are accepted.
        units: Quantity,
    },
    /// A duration without a unit.
    #[error("missing unit in `{text:?}`; expected {units}")]
    MissingUnit {
        /// The value as given.
        text: String,
        /// Which units are accepted.
        units: Quantity,
    },
    /// A unit not in the list.
    #[error("unknown unit `{unit}` in `{text:?}`; expected {units}")]
    UnknownUnit {
        /// The unit as given.
        unit: String,
        /// The value as given.
        text: String,
        /// Which units are accepted.
        units: Quantity,
    },
    /// More than 64 bits of nanoseconds or bytes.
    #[error("`{text:?}` is too large")]
    TooLarge {
        /// The value as given.
        text: String,
    },
    /// A count with a fraction left over (`"1.0005K"`).
    #[error("`{text:?}` is not a whole number")]
    FractionalCount {
        /// The value as given.
        text: String,
    },
    /// A byte size with a fraction of a byte.
    #[error("`{text:?}` is not a whole number of bytes")]
    FractionalBytes {
        /// The value as given.
        text: String,
    },
    /// Not `<start>..=<end> x<factor>`.
    #[error("malformed size range `{text:?}`: write it like \"1000..=64000 x2\"")]
    MalformedRange {
        /// The value as given.
        text: String,
    },
    /// A range starting at zero.
    #[error("the sizes in `{text:?}` must start above zero")]
    RangeStartsAtZero {
        /// The value as given.
        text: String,
    },
    /// A range whose factor does not grow.
    #[error("the factor in `{text:?}` must be greater than 1")]
    RangeFactorTooSmall {
        /// The value as given.
        text: String,
    },
    /// A range with more than [`MAX_RANGE_SIZES`] sizes.
    #[error("`{text:?}` gives more than {MAX_RANGE_SIZES} sizes; use a larger factor")]
    RangeTooManySizes {
        /// The value as given.
        text: String,
    },
    /// A range with a single size.
    #[error("`{text:?}` gives fewer than two sizes; widen the range or lower the factor")]
    RangeTooFewSizes {
        /// The value as given.
        text: String,
    },
    /// Not `bytes:<size>` or `elements:<count>`.
    #[error("malformed throughput `{text:?}`: write it like \"bytes:4096\" or \"elements:1000\"")]
    MalformedThroughput {
        /// The value as given.
        text: String,
    },
    /// A kind other than `bytes` or `elements`.
    #[error("unknown throughput kind `{kind}` in `{text:?}`; expected `bytes` or `elements`")]
    UnknownThroughputKind {
        /// The kind as given.
        kind: String,
        /// The value as given.
        text: String,
    },
    /// `elements:1.5` and the like.
    #[error(
        "malformed throughput `{text:?}`: the number of elements must be a whole number, like \
         \"elements:1000\""
    )]
    FractionalElements {
        /// The value as given.
        text: String,
    },
    /// A throughput of zero or less.
    #[error("throughput must be greater than zero")]
    ZeroThroughput,
    /// Not a number, with or without `%`.
    #[error("malformed threshold `{text}`: write a percentage like 5% (a bare 5 means 5% too)")]
    MalformedThreshold {
        /// The value as given.
        text: String,
    },
    /// A bare number below 1: a fraction (0.05 for 5%) or a percentage (0.05%)?
    #[error(
        "threshold `{text}` is ambiguous: a number without `%` is a percentage, so write \
         {percent}% if you mean {percent} percent (a fraction of {text}), or {text}% if you \
         mean {text} percent"
    )]
    AmbiguousThreshold {
        /// The value as given.
        text: String,
        /// The value read as a fraction, in percent.
        percent: String,
    },
    /// Zero or negative.
    #[error("a threshold must be greater than zero, like 5%")]
    ThresholdNotPositive,
    /// Not a decimal number.
    #[error("malformed significance level `{text}`: write a number like 0.01")]
    MalformedAlpha {
        /// The value as given.
        text: String,
    },
    /// Outside (0, 0.5].
    #[error("alpha must be greater than 0 and at most 0.5, like 0.01")]
    AlphaOutOfRange,
    /// Not `full`, `quick` or `off`.
    #[error("unknown mode `{text}`; expected full (the default), quick, off or instructions")]
    UnknownMode {
        /// The value as given.
        text: String,
    },
    /// Not `<number>/<unit>`: a rate needs its time unit.
    #[error(
        "malformed rate `{text:?}`: write a number of requests per unit of time, like \"500/s\" \
         (units: /s, /min, /h)"
    )]
    MalformedRate {
        /// The value as given.
        text: String,
    },
    /// A rate of zero.
    #[error("a rate must be greater than zero, like \"500/s\"")]
    ZeroRate,
    /// Not a percentage with its `%`.
    #[error("malformed percentage `{text:?}`: write it with its sign, like \"1%\" or \"0.5%\"")]
    MalformedPercentage {
        /// The value as given.
        text: String,
    },
    /// Above 100%.
    #[error("`{text:?}` is more than 100%")]
    PercentageAbove100 {
        /// The value as given.
        text: String,
    },
    /// Not a yes/no word.
    #[error("`{text}` is neither on nor off; use 1 or 0 (or true/false, yes/no, on/off)")]
    NotAFlag {
        /// The value as given.
        text: String,
    },
}

/// A kind of quantity; shown as the list of its units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// A duration: `ns`, `us`, `µs`, `ms` or `s`.
    Duration,
    /// A byte size: `B`, `KiB`, `MiB`, `GiB`, `KB`, `MB` or `GB`.
    Bytes,
    /// A count: a plain number or one with `K`, `M` or `G` (thousands, millions, billions).
    Count,
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Quantity::Duration => "ns, us, µs, ms or s",
            Quantity::Bytes => "B, KiB, MiB, GiB, KB, MB or GB",
            Quantity::Count => "none, K, M or G",
        })
    }
}

/// Where a setting's value came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// An environment variable, such as `PERFKIT_THRESHOLD`.
    Env(&'static str),
    /// A key of a `perfkit.toml` file.
    File {
        /// The key, such as `threshold`.
        key: &'static str,
        /// The file.
        path: PathBuf,
    },
}

/// A rejected setting: where it came from, as written there, and why.
///
/// ```
/// use perfkit_grammar::{Origin, SettingError, threshold};
///
/// let error = SettingError::new(Origin::Env("PERFKIT_THRESHOLD"), "lots", threshold);
/// assert_eq!(
///     error.unwrap_err().to_string(),
///     "PERFKIT_THRESHOLD=\"lots\": malformed threshold `lots`: write a percentage like 5% \
///      (a bare 5 means 5% too)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {error}", origin = self.shown())]
pub struct SettingError {
    /// Where it came from.
    pub origin: Origin,
    /// The value as written there (in `perfkit.toml`, strings keep their quotes).
    pub value: String,
    /// Why it was rejected.
    pub error: ValueError,
}

impl SettingError {
    /// Parses `text` with `parse` (one of this crate's functions), naming `origin` on error.
    pub fn new<T>(
        origin: Origin,
        text: &str,
        parse: impl FnOnce(&str) -> Result<T, ValueError>,
    ) -> Result<T, SettingError> {
        parse(text).map_err(|error| SettingError {
            origin,
            value: text.to_owned(),
            error,
        })
    }

    /// The value as the source wrote it, when that differs from the text parsed: a string in
    /// `perfkit.toml` keeps its quotes (`"fast"`), a number does not (`0.05`).
    pub fn written(mut self, value: impl Into<String>) -> SettingError {
        self.value = value.into();
        self
    }

    fn shown(&self) -> Shown<'_> {
        Shown(self)
    }
}

/// `PERFKIT_THRESHOLD="lots"` or `` `threshold = "lots"` in /ws/perfkit.toml ``.
struct Shown<'a>(&'a SettingError);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let SettingError { origin, value, .. } = self.0;
        match origin {
            Origin::Env(name) => write!(f, "{name}={value:?}"),
            Origin::File { key, path } => write!(f, "`{key} = {value}` in {}", path.display()),
        }
    }
}
