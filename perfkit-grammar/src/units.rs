//! The small languages inside the attribute's strings: durations, byte sizes, percentages and
//! geometric size ranges.
//!
//! Every function takes the string's value and returns an integer or a number, or a
//! [`ValueError`] that quotes the string; the caller says where the string came from. Numbers are decimal:
//! digits with optional `_` separators and an optional fractional part (`1_000`, `2.5`); no sign,
//! no exponent. Spaces around the number and the unit are ignored, so `"1.5 ms"` reads as
//! `"1.5ms"`. Arithmetic is exact (integers scaled by powers of ten), so `"0.1s"` is exactly
//! 100 000 000 ns; results are rounded to the nearest integer, halves away from zero.

use crate::decimal::{Decimal, Rounded};
use crate::error::{Quantity, ValueError};

/// The accepted time units and their length in nanoseconds. `μ` (Greek mu) is accepted as well
/// as `µ` (the micro sign), since keyboards produce either.
const TIME_UNITS: &[(&str, u128)] = &[
    ("ns", 1),
    ("us", 1_000),
    ("µs", 1_000),
    ("μs", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
];

/// The accepted byte units. A number without a unit counts bytes.
const BYTE_UNITS: &[(&str, u128)] = &[
    ("B", 1),
    ("KiB", 1 << 10),
    ("MiB", 1 << 20),
    ("GiB", 1 << 30),
    ("KB", 1_000),
    ("kB", 1_000),
    ("MB", 1_000_000),
    ("GB", 1_000_000_000),
];

/// The accepted count suffixes (decimal: `K` is a thousand). A number without one is a plain
/// count.
const COUNT_UNITS: &[(&str, u128)] = &[("K", 1_000), ("M", 1_000_000), ("G", 1_000_000_000)];

/// The most sizes a range may produce: each one is a separate measurement at run time.
pub const MAX_RANGE_SIZES: usize = 100;

/// Splits `"12.5 ms"` into `("12.5", "ms")`: the number is the longest prefix of digits, `_`
/// and `.`; the unit is the trimmed rest.
fn split_number(text: &str) -> (&str, &str) {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '_' || c == '.'))
        .unwrap_or(text.len());
    (&text[..end], text[end..].trim())
}

/// Reads `<number><unit>` with the unit looked up in `units`; `default_unit` applies when the
/// unit is missing (or `None`: a missing unit is an error).
fn quantity(
    text: &str,
    units: &[(&str, u128)],
    units_help: Quantity,
    default_unit: Option<u128>,
) -> Result<(Decimal, Rounded), ValueError> {
    let trimmed = text.trim();
    if trimmed.starts_with('-') {
        return Err(ValueError::Negative {
            text: text.to_owned(),
        });
    }
    let (number, unit) = split_number(trimmed);
    let Some(decimal) = Decimal::parse(number) else {
        return Err(ValueError::NotAQuantity {
            text: text.to_owned(),
            units: units_help,
        });
    };
    let factor = if unit.is_empty() {
        default_unit.ok_or_else(|| ValueError::MissingUnit {
            text: text.to_owned(),
            units: units_help,
        })?
    } else {
        match units.iter().find(|(name, _)| *name == unit) {
            Some(&(_, factor)) => factor,
            None => {
                return Err(ValueError::UnknownUnit {
                    unit: unit.to_owned(),
                    text: text.to_owned(),
                    units: units_help,
                });
            }
        }
    };
    let rounded = decimal.times(factor).ok_or_else(|| ValueError::TooLarge {
        text: text.to_owned(),
    })?;
    Ok((decimal, rounded))
}

/// A duration such as `"100ms"` or `"1.5 s"` in nanoseconds (`"0.4ns"` rounds to 0; the caller
/// decides whether that is allowed).
pub fn duration_ns(text: &str) -> Result<Rounded, ValueError> {
    quantity(text, TIME_UNITS, Quantity::Duration, None).map(|(_, rounded)| rounded)
}

/// A byte count such as `"64KiB"`, `"1.5MB"` or `"4096"`. Decimals must come to whole bytes.
pub fn bytes(text: &str) -> Result<u64, ValueError> {
    let (_, rounded) = quantity(text, BYTE_UNITS, Quantity::Bytes, Some(1))?;
    if rounded.exact {
        Ok(rounded.value)
    } else {
        Err(ValueError::FractionalBytes {
            text: text.to_owned(),
        })
    }
}

/// A count such as `"1.2M"` (1 200 000), `"800K"` or `"1_500"`, as `max_instructions` takes it.
/// Decimals must come to a whole count.
///
/// ```
/// assert_eq!(perfkit_grammar::count("1.2M"), Ok(1_200_000));
/// assert!(perfkit_grammar::count("1.2X").is_err());
/// ```
pub fn count(text: &str) -> Result<u64, ValueError> {
    let (_, rounded) = quantity(text, COUNT_UNITS, Quantity::Count, Some(1))?;
    if rounded.exact {
        Ok(rounded.value)
    } else {
        Err(ValueError::FractionalCount {
            text: text.to_owned(),
        })
    }
}

/// A whole, non-negative number such as `"1_000"`.
pub fn integer(text: &str) -> Option<u64> {
    let decimal = Decimal::parse(text.trim())?;
    if decimal.scale != 0 {
        return None;
    }
    u64::try_from(decimal.mantissa).ok()
}

/// A geometric range such as `"1000..=64000 x2"`: start, start·f, start·f², … while at most
/// the end, each rounded to the nearest integer, repeats (possible with small starts and
/// factors) dropped. `×` may stand for `x`. At least two sizes and at most
/// [`MAX_RANGE_SIZES`].
pub fn size_range(text: &str) -> Result<Vec<u64>, ValueError> {
    let error = |make: fn(String) -> ValueError| make(text.to_owned());
    let malformed = || error(|text| ValueError::MalformedRange { text });
    let (start, rest) = text.split_once("..=").ok_or_else(malformed)?;
    let (end, factor) = rest.split_once(['x', '×']).ok_or_else(malformed)?;
    let start = integer(start).ok_or_else(malformed)?;
    let end = integer(end).ok_or_else(malformed)?;
    let factor = Decimal::parse(factor.trim()).ok_or_else(malformed)?;
    if start == 0 {
        return Err(error(|text| ValueError::RangeStartsAtZero { text }));
    }
    if factor.mantissa <= 10u128.pow(factor.scale) {
        return Err(error(|text| ValueError::RangeFactorTooSmall { text }));
    }
    let factor = factor.to_f64();
    // A hair of tolerance so that an end reached exactly (1000 · 1.1^k) is not lost to
    // floating-point error.
    let limit = end as f64 * (1.0 + 1e-12);
    let mut sizes: Vec<u64> = Vec::new();
    for step in 0.. {
        let exact = start as f64 * factor.powi(step);
        if exact > limit {
            break;
        }
        let size = exact.round() as u64;
        if sizes.last() != Some(&size) {
            if sizes.len() == MAX_RANGE_SIZES {
                return Err(error(|text| ValueError::RangeTooManySizes { text }));
            }
            sizes.push(size);
        }
    }
    if sizes.len() < 2 {
        return Err(error(|text| ValueError::RangeTooFewSizes { text }));
    }
    Ok(sizes)
}

/// Units of work done by one iteration, for throughput per second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throughput {
    /// Bytes processed per iteration (`"bytes:4096"`, `"bytes:4KiB"`).
    Bytes(u64),
    /// Elements processed per iteration (`"elements:1000"`).
    Elements(u64),
}

/// A throughput such as `"bytes:4KiB"` or `"elements:1_000"`; zero is rejected.
pub fn throughput(text: &str) -> Result<Throughput, ValueError> {
    let Some((kind, amount)) = text.split_once(':') else {
        return Err(ValueError::MalformedThroughput {
            text: text.to_owned(),
        });
    };
    match kind.trim() {
        "bytes" => match bytes(amount) {
            Ok(0) | Err(ValueError::Negative { .. }) => Err(ValueError::ZeroThroughput),
            Ok(bytes) => Ok(Throughput::Bytes(bytes)),
            Err(error) => Err(error),
        },
        "elements" => match integer(amount) {
            Some(0) => Err(ValueError::ZeroThroughput),
            Some(elements) => Ok(Throughput::Elements(elements)),
            None if amount.trim().starts_with('-') => Err(ValueError::ZeroThroughput),
            None => Err(ValueError::FractionalElements {
                text: text.to_owned(),
            }),
        },
        other => Err(ValueError::UnknownThroughputKind {
            kind: other.to_owned(),
            text: text.to_owned(),
        }),
    }
}

/// Whether a duration or byte string is exactly zero (as opposed to rounding to zero).
pub fn is_exact_zero(text: &str) -> bool {
    let (number, _) = split_number(text.trim());
    Decimal::parse(number).is_some_and(Decimal::is_zero)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns(text: &str) -> u64 {
        duration_ns(text).unwrap().value
    }

    fn message(result: Result<impl std::fmt::Debug, ValueError>) -> String {
        result.unwrap_err().to_string()
    }

    #[test]
    fn counts_take_decimal_suffixes() {
        assert_eq!(count("1.2M"), Ok(1_200_000));
        assert_eq!(count("800 K"), Ok(800_000));
        assert_eq!(count("1_500"), Ok(1_500));
        assert_eq!(count("2G"), Ok(2_000_000_000));
        assert_eq!(count("0"), Ok(0));
        assert!(matches!(
            count("1.0005K"),
            Err(ValueError::FractionalCount { .. })
        ));
        assert!(matches!(count("-1M"), Err(ValueError::Negative { .. })));
        assert_eq!(
            count("1.2X").unwrap_err().to_string(),
            "unknown unit `X` in `\"1.2X\"`; expected none, K, M or G"
        );
        assert!(matches!(
            count("lots"),
            Err(ValueError::NotAQuantity { .. })
        ));
    }

    #[test]
    fn durations_in_every_unit() {
        assert_eq!(ns("7ns"), 7);
        assert_eq!(ns("7us"), 7_000);
        assert_eq!(ns("7µs"), 7_000);
        assert_eq!(ns("7μs"), 7_000);
        assert_eq!(ns("7ms"), 7_000_000);
        assert_eq!(ns("7s"), 7_000_000_000);
    }

    #[test]
    fn durations_with_decimals_spaces_and_separators() {
        assert_eq!(ns("1.5ms"), 1_500_000);
        assert_eq!(ns("0.1s"), 100_000_000);
        assert_eq!(ns("2.25 us"), 2_250);
        assert_eq!(ns(" 100 ms "), 100_000_000);
        assert_eq!(ns("1_000ns"), 1_000);
        assert_eq!(ns("0.000000001s"), 1);
    }

    #[test]
    fn durations_round_to_the_nearest_nanosecond() {
        assert_eq!(
            duration_ns("1.5ns").unwrap(),
            Rounded {
                value: 2,
                exact: false
            }
        );
        assert_eq!(
            duration_ns("1.49ns").unwrap(),
            Rounded {
                value: 1,
                exact: false
            }
        );
        assert_eq!(
            duration_ns("0.4ns").unwrap(),
            Rounded {
                value: 0,
                exact: false
            }
        );
        assert_eq!(
            duration_ns("0.0015us").unwrap(),
            Rounded {
                value: 2,
                exact: false
            }
        );
        assert!(duration_ns("3ms").unwrap().exact);
    }

    #[test]
    fn bad_durations_are_explained() {
        assert_eq!(
            message(duration_ns("10mss")),
            "unknown unit `mss` in `\"10mss\"`; expected ns, us, µs, ms or s"
        );
        assert_eq!(
            message(duration_ns("100")),
            "missing unit in `\"100\"`; expected ns, us, µs, ms or s"
        );
        assert_eq!(
            message(duration_ns("ms")),
            "expected a number followed by a unit (ns, us, µs, ms or s), found `\"ms\"`"
        );
        assert_eq!(
            message(duration_ns("1.2.3ms")),
            message(duration_ns("1.2.3ms"))
        );
        assert!(message(duration_ns("1.2.3ms")).starts_with("expected a number"));
        assert!(message(duration_ns(".5ms")).starts_with("expected a number"));
        assert!(message(duration_ns("5.ms")).starts_with("expected a number"));
        assert!(message(duration_ns("99999999999999s")).ends_with("is too large"));
        assert_eq!(
            duration_ns("-5ms"),
            Err(ValueError::Negative {
                text: "-5ms".into()
            })
        );
    }

    #[test]
    fn zero_is_told_apart_from_rounding_to_zero() {
        assert!(is_exact_zero("0ms"));
        assert!(is_exact_zero("0.000 s"));
        assert!(!is_exact_zero("0.4ns"));
    }

    #[test]
    fn byte_sizes_in_every_unit() {
        assert_eq!(bytes("4096"), Ok(4096));
        assert_eq!(bytes("12B"), Ok(12));
        assert_eq!(bytes("64KiB"), Ok(65_536));
        assert_eq!(bytes("2MiB"), Ok(2 << 20));
        assert_eq!(bytes("1GiB"), Ok(1 << 30));
        assert_eq!(bytes("3KB"), Ok(3_000));
        assert_eq!(bytes("3kB"), Ok(3_000));
        assert_eq!(bytes("3MB"), Ok(3_000_000));
        assert_eq!(bytes("3GB"), Ok(3_000_000_000));
        assert_eq!(bytes("0B"), Ok(0));
    }

    #[test]
    fn byte_sizes_with_decimals_must_be_whole() {
        assert_eq!(bytes("1.5KiB"), Ok(1_536));
        assert_eq!(bytes("1.3 KB"), Ok(1_300));
        assert_eq!(
            message(bytes("0.1KiB")),
            "`\"0.1KiB\"` is not a whole number of bytes"
        );
        assert_eq!(
            message(bytes("3kb")),
            "unknown unit `kb` in `\"3kb\"`; expected B, KiB, MiB, GiB, KB, MB or GB"
        );
    }

    #[test]
    fn integers() {
        assert_eq!(integer("1_000"), Some(1_000));
        assert_eq!(integer(" 7 "), Some(7));
        assert_eq!(integer("1.0"), None);
        assert_eq!(integer("x"), None);
        assert_eq!(integer(""), None);
    }

    #[test]
    fn geometric_ranges() {
        assert_eq!(
            size_range("1000..=64000 x2"),
            Ok(vec![1000, 2000, 4000, 8000, 16000, 32000, 64000])
        );
        assert_eq!(
            size_range("1000..=10000 x2"),
            Ok(vec![1000, 2000, 4000, 8000])
        );
        assert_eq!(
            size_range("1_000 ..= 4_000 × 2"),
            Ok(vec![1000, 2000, 4000])
        );
        assert_eq!(size_range("100..=400 x1.5"), Ok(vec![100, 150, 225, 338]));
        assert_eq!(size_range("1..=8 x1.5"), Ok(vec![1, 2, 3, 5, 8]));
        assert_eq!(
            size_range("1000..=1331 x1.1"),
            Ok(vec![1000, 1100, 1210, 1331])
        );
    }

    #[test]
    fn bad_geometric_ranges() {
        let malformed =
            "malformed size range `\"1000..64000 x2\"`: write it like \"1000..=64000 x2\"";
        assert_eq!(
            size_range("1000..64000 x2").unwrap_err().to_string(),
            malformed
        );
        assert!(
            size_range("1000..=64000")
                .unwrap_err()
                .to_string()
                .starts_with("malformed")
        );
        assert!(
            size_range("a..=64000 x2")
                .unwrap_err()
                .to_string()
                .starts_with("malformed")
        );
        assert!(
            size_range("1000..=64000 xz")
                .unwrap_err()
                .to_string()
                .starts_with("malformed")
        );
        assert_eq!(
            message(size_range("1000..=64000 x1")),
            "the factor in `\"1000..=64000 x1\"` must be greater than 1"
        );
        assert_eq!(
            message(size_range("0..=64000 x2")),
            "the sizes in `\"0..=64000 x2\"` must start above zero"
        );
        assert_eq!(
            message(size_range("1000..=1500 x2")),
            "`\"1000..=1500 x2\"` gives fewer than two sizes; widen the range or lower the factor"
        );
        assert!(
            size_range("1..=1000000000 x1.01")
                .unwrap_err()
                .to_string()
                .contains("more than 100 sizes")
        );
    }

    #[test]
    fn throughputs() {
        assert_eq!(throughput("bytes:4KiB"), Ok(Throughput::Bytes(4_096)));
        assert_eq!(
            throughput(" elements : 1_000 "),
            Ok(Throughput::Elements(1_000))
        );
        for zero in ["bytes:0", "bytes:-1", "elements:0", "elements:-1"] {
            assert_eq!(throughput(zero), Err(ValueError::ZeroThroughput), "{zero}");
        }
        assert_eq!(
            message(throughput("items:5")),
            "unknown throughput kind `items` in `\"items:5\"`; expected `bytes` or `elements`"
        );
        assert!(message(throughput("4096")).starts_with("malformed throughput"));
        assert!(message(throughput("elements:1.5")).contains("whole number"));
    }
}
