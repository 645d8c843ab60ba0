//! The small languages inside the attribute's strings: durations, byte sizes, percentages and
//! geometric size ranges.
//!
//! Every function takes the string's value and returns an integer or a number, or a message that
//! quotes the string; the caller puts the message on the literal's span. Numbers are decimal:
//! digits with optional `_` separators and an optional fractional part (`1_000`, `2.5`); no sign,
//! no exponent. Spaces around the number and the unit are ignored, so `"1.5 ms"` reads as
//! `"1.5ms"`. Arithmetic is exact (integers scaled by powers of ten), so `"0.1s"` is exactly
//! 100 000 000 ns; results are rounded to the nearest integer, halves away from zero.

/// Why a string was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UnitError {
    /// It starts with `-`; the caller knows whether zero would have been allowed.
    Negative,
    /// Anything else, as a complete message.
    Malformed(String),
}

/// A value converted to integer units, and whether rounding was needed to get there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rounded {
    /// The value rounded to the nearest integer.
    pub value: u64,
    /// Whether the value was already an integer (no rounding happened).
    pub exact: bool,
}

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
const TIME_UNITS_HELP: &str = "ns, us, µs, ms or s";

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
const BYTE_UNITS_HELP: &str = "B, KiB, MiB, GiB, KB, MB or GB";

/// The most sizes a range may produce: each one is a separate measurement at run time.
pub(crate) const MAX_RANGE_SIZES: usize = 100;

/// A non-negative decimal number, exactly: `mantissa / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Decimal {
    mantissa: u128,
    scale: u32,
}

impl Decimal {
    /// Reads digits with `_` separators and an optional fractional part; `None` when `text` is
    /// anything else (including empty) or has more digits than fit.
    fn parse(text: &str) -> Option<Decimal> {
        let (whole, fraction) = match text.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (text, None),
        };
        let mut mantissa: u128 = 0;
        let mut scale = 0u32;
        let mut push = |digits: &str, fractional: bool| -> Option<()> {
            if !digits.starts_with(|c: char| c.is_ascii_digit()) {
                return None;
            }
            for c in digits.chars() {
                if c == '_' {
                    continue;
                }
                let digit = c.to_digit(10)?;
                mantissa = mantissa.checked_mul(10)?.checked_add(u128::from(digit))?;
                if fractional {
                    scale += 1;
                }
            }
            Some(())
        };
        push(whole, false)?;
        if let Some(fraction) = fraction {
            push(fraction, true)?;
        }
        // 10^38 is the largest power of ten a u128 holds.
        (scale <= 38).then_some(Decimal { mantissa, scale })
    }

    fn is_zero(self) -> bool {
        self.mantissa == 0
    }

    /// `self * factor`, rounded to the nearest integer; `None` when it does not fit in a u64.
    fn times(self, factor: u128) -> Option<Rounded> {
        let numerator = self.mantissa.checked_mul(factor)?;
        let denominator = 10u128.pow(self.scale);
        let quotient = numerator / denominator;
        let remainder = numerator % denominator;
        let rounded = if remainder * 2 >= denominator {
            quotient + 1
        } else {
            quotient
        };
        Some(Rounded {
            value: u64::try_from(rounded).ok()?,
            exact: remainder == 0,
        })
    }

    /// The nearest `f64`. Exact-to-nearest for mantissas below 2^53 and up to 22 decimals.
    fn to_f64(self) -> f64 {
        #[allow(clippy::cast_precision_loss)] // documented: exact below 2^53
        let mantissa = self.mantissa as f64;
        mantissa / 10f64.powi(self.scale as i32)
    }
}

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
    units_help: &str,
    default_unit: Option<u128>,
) -> Result<(Decimal, Rounded), UnitError> {
    let trimmed = text.trim();
    if trimmed.starts_with('-') {
        return Err(UnitError::Negative);
    }
    let (number, unit) = split_number(trimmed);
    let Some(decimal) = Decimal::parse(number) else {
        return Err(UnitError::Malformed(format!(
            "expected a number followed by a unit ({units_help}), found `{text:?}`"
        )));
    };
    let factor = if unit.is_empty() {
        match default_unit {
            Some(factor) => factor,
            None => {
                return Err(UnitError::Malformed(format!(
                    "missing unit in `{text:?}`; expected {units_help}"
                )));
            }
        }
    } else {
        match units.iter().find(|(name, _)| *name == unit) {
            Some(&(_, factor)) => factor,
            None => {
                return Err(UnitError::Malformed(format!(
                    "unknown unit `{unit}` in `{text:?}`; expected {units_help}"
                )));
            }
        }
    };
    let rounded = decimal
        .times(factor)
        .ok_or_else(|| UnitError::Malformed(format!("`{text:?}` is too large")))?;
    Ok((decimal, rounded))
}

/// A duration such as `"100ms"` or `"1.5 s"` in nanoseconds (`"0.4ns"` rounds to 0; the caller
/// decides whether that is allowed).
pub(crate) fn duration_ns(text: &str) -> Result<Rounded, UnitError> {
    quantity(text, TIME_UNITS, TIME_UNITS_HELP, None).map(|(_, rounded)| rounded)
}

/// A byte count such as `"64KiB"`, `"1.5MB"` or `"4096"`. Decimals must come to whole bytes.
pub(crate) fn bytes(text: &str) -> Result<u64, UnitError> {
    let (_, rounded) = quantity(text, BYTE_UNITS, BYTE_UNITS_HELP, Some(1))?;
    if rounded.exact {
        Ok(rounded.value)
    } else {
        Err(UnitError::Malformed(format!(
            "`{text:?}` is not a whole number of bytes"
        )))
    }
}

/// A whole, non-negative number such as `"1_000"`.
pub(crate) fn integer(text: &str) -> Option<u64> {
    let decimal = Decimal::parse(text.trim())?;
    if decimal.scale != 0 {
        return None;
    }
    u64::try_from(decimal.mantissa).ok()
}

/// A percentage such as `"5%"` or `"2.5 %"` as a fraction (0.05, 0.025). Zero is returned as
/// zero; the caller decides whether that is allowed.
pub(crate) fn percent(text: &str) -> Result<f64, UnitError> {
    let trimmed = text.trim();
    if trimmed.starts_with('-') {
        return Err(UnitError::Negative);
    }
    let malformed = || {
        UnitError::Malformed(format!(
            "malformed percentage `{text:?}`: write it like \"5%\""
        ))
    };
    let number = trimmed.strip_suffix('%').ok_or_else(malformed)?.trim_end();
    let decimal = Decimal::parse(number).ok_or_else(malformed)?;
    let fraction = Decimal {
        mantissa: decimal.mantissa,
        scale: decimal.scale + 2,
    };
    Ok(fraction.to_f64())
}

/// A geometric range such as `"1000..=64000 x2"`: start, start·f, start·f², … while at most
/// the end, each rounded to the nearest integer, repeats (possible with small starts and
/// factors) dropped. `×` may stand for `x`. At least two sizes and at most
/// [`MAX_RANGE_SIZES`].
pub(crate) fn size_range(text: &str) -> Result<Vec<u64>, String> {
    let malformed =
        || format!("malformed size range `{text:?}`: write it like \"1000..=64000 x2\"");
    let (start, rest) = text.split_once("..=").ok_or_else(malformed)?;
    let (end, factor) = rest.split_once(['x', '×']).ok_or_else(malformed)?;
    let start = integer(start).ok_or_else(malformed)?;
    let end = integer(end).ok_or_else(malformed)?;
    let factor = Decimal::parse(factor.trim()).ok_or_else(malformed)?;
    if start == 0 {
        return Err(format!("the sizes in `{text:?}` must start above zero"));
    }
    if factor.mantissa <= 10u128.pow(factor.scale) {
        return Err(format!("the factor in `{text:?}` must be greater than 1"));
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
                return Err(format!(
                    "`{text:?}` gives more than {MAX_RANGE_SIZES} sizes; use a larger factor"
                ));
            }
            sizes.push(size);
        }
    }
    if sizes.len() < 2 {
        return Err(format!(
            "`{text:?}` gives fewer than two sizes; widen the range or lower the factor"
        ));
    }
    Ok(sizes)
}

/// Whether a duration or byte string is exactly zero (as opposed to rounding to zero).
pub(crate) fn is_exact_zero(text: &str) -> bool {
    let (number, _) = split_number(text.trim());
    Decimal::parse(number).is_some_and(Decimal::is_zero)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns(text: &str) -> u64 {
        duration_ns(text).unwrap().value
    }

    fn message(result: Result<impl std::fmt::Debug, UnitError>) -> String {
        match result.unwrap_err() {
            UnitError::Malformed(message) => message,
            UnitError::Negative => "negative".to_owned(),
        }
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
        assert_eq!(duration_ns("-5ms"), Err(UnitError::Negative));
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
    fn percentages_become_fractions() {
        assert_eq!(percent("5%"), Ok(0.05));
        assert_eq!(percent("2.5%"), Ok(0.025));
        assert_eq!(percent(" 10 % "), Ok(0.1));
        assert_eq!(percent("150%"), Ok(1.5));
        assert_eq!(percent("0%"), Ok(0.0));
        assert_eq!(percent("-5%"), Err(UnitError::Negative));
        assert_eq!(
            message(percent("5")),
            "malformed percentage `\"5\"`: write it like \"5%\""
        );
        assert!(message(percent("five%")).starts_with("malformed percentage"));
        assert!(message(percent("%")).starts_with("malformed percentage"));
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
        assert_eq!(size_range("1000..64000 x2").unwrap_err(), malformed);
        assert!(
            size_range("1000..=64000")
                .unwrap_err()
                .starts_with("malformed")
        );
        assert!(
            size_range("a..=64000 x2")
                .unwrap_err()
                .starts_with("malformed")
        );
        assert!(
            size_range("1000..=64000 xz")
                .unwrap_err()
                .starts_with("malformed")
        );
        assert_eq!(
            size_range("1000..=64000 x1").unwrap_err(),
            "the factor in `\"1000..=64000 x1\"` must be greater than 1"
        );
        assert_eq!(
            size_range("0..=64000 x2").unwrap_err(),
            "the sizes in `\"0..=64000 x2\"` must start above zero"
        );
        assert_eq!(
            size_range("1000..=1500 x2").unwrap_err(),
            "`\"1000..=1500 x2\"` gives fewer than two sizes; widen the range or lower the factor"
        );
        assert!(
            size_range("1..=1000000000 x1.01")
                .unwrap_err()
                .contains("more than 100 sizes")
        );
    }
}
