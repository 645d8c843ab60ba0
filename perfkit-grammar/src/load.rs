//! The load-test languages: a [`rate`] of requests per unit of time (`"500/s"`), for the
//! arrival rate of an open loop and a minimum throughput alike, and a [`percentage`] (`"1%"`),
//! for a maximum error rate.

use crate::decimal::Decimal;
use crate::error::ValueError;

/// The accepted time units of a rate and their length in seconds.
const RATE_UNITS: &[(&str, f64)] = &[("s", 1.0), ("min", 60.0), ("h", 3600.0)];

/// Requests per second from `"500/s"`, `"1.5/s"`, `"30000/min"` or `"1_000 / h"`. The unit is
/// required: a bare `500` could be per second or per minute. Zero is refused (a rate of zero
/// sends nothing; a minimum throughput of zero checks nothing).
///
/// ```
/// use perfkit_grammar::rate;
///
/// assert_eq!(rate("500/s"), Ok(500.0));
/// assert_eq!(rate("120/min"), Ok(2.0));
/// assert!(rate("500").is_err()); // per second? per minute? say which
/// ```
pub fn rate(text: &str) -> Result<f64, ValueError> {
    let trimmed = text.trim();
    if trimmed.starts_with('-') {
        return Err(ValueError::Negative {
            text: text.to_owned(),
        });
    }
    let malformed = || ValueError::MalformedRate {
        text: text.to_owned(),
    };
    let (number, unit) = trimmed.split_once('/').ok_or_else(malformed)?;
    let decimal = Decimal::parse(number.trim()).ok_or_else(malformed)?;
    let seconds = RATE_UNITS
        .iter()
        .find(|(name, _)| *name == unit.trim())
        .map(|&(_, seconds)| seconds)
        .ok_or_else(malformed)?;
    if decimal.is_zero() {
        return Err(ValueError::ZeroRate);
    }
    Ok(decimal.to_f64() / seconds)
}

/// A share from `"1%"` or `"0.5 %"`, as a fraction (0.01, 0.005), between 0% and 100%
/// inclusive. The sign is required, so `0.01` cannot be misread as 1% or 0.01%.
///
/// ```
/// use perfkit_grammar::percentage;
///
/// assert_eq!(percentage("1%"), Ok(0.01));
/// assert_eq!(percentage("0%"), Ok(0.0));
/// assert!(percentage("1").is_err());
/// assert!(percentage("101%").is_err());
/// ```
pub fn percentage(text: &str) -> Result<f64, ValueError> {
    let trimmed = text.trim();
    if trimmed.starts_with('-') {
        return Err(ValueError::Negative {
            text: text.to_owned(),
        });
    }
    let malformed = || ValueError::MalformedPercentage {
        text: text.to_owned(),
    };
    let number = trimmed.strip_suffix('%').ok_or_else(malformed)?;
    let decimal = Decimal::parse(number.trim_end()).ok_or_else(malformed)?;
    let fraction = decimal.hundredth().to_f64();
    if fraction > 1.0 {
        return Err(ValueError::PercentageAbove100 {
            text: text.to_owned(),
        });
    }
    Ok(fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates() {
        assert_eq!(rate("500/s"), Ok(500.0));
        assert_eq!(rate(" 1_000 / s "), Ok(1000.0));
        assert_eq!(rate("0.5/s"), Ok(0.5));
        assert_eq!(rate("600/min"), Ok(10.0));
        assert_eq!(rate("7200/h"), Ok(2.0));
    }

    #[test]
    fn bad_rates() {
        for malformed in [
            "500",
            "500/",
            "/s",
            "500/sec",
            "fast/s",
            "500 per s",
            "",
            "5e2/s",
        ] {
            assert!(
                matches!(rate(malformed), Err(ValueError::MalformedRate { .. })),
                "{malformed}"
            );
        }
        assert_eq!(rate("0/s"), Err(ValueError::ZeroRate));
        assert!(matches!(rate("-5/s"), Err(ValueError::Negative { .. })));
        assert_eq!(
            rate("500").unwrap_err().to_string(),
            "malformed rate `\"500\"`: write a number of requests per unit of time, like \
             \"500/s\" (units: /s, /min, /h)"
        );
    }

    #[test]
    fn percentages() {
        assert_eq!(percentage("1%"), Ok(0.01));
        assert_eq!(percentage("0.5 %"), Ok(0.005));
        assert_eq!(percentage("0%"), Ok(0.0));
        assert_eq!(percentage("100%"), Ok(1.0));
    }

    #[test]
    fn bad_percentages() {
        for malformed in ["1", "0.01", "%", "one%", "1%%", ""] {
            assert!(
                matches!(
                    percentage(malformed),
                    Err(ValueError::MalformedPercentage { .. })
                ),
                "{malformed}"
            );
        }
        assert!(matches!(
            percentage("100.5%"),
            Err(ValueError::PercentageAbove100 { .. })
        ));
        assert!(matches!(
            percentage("-1%"),
            Err(ValueError::Negative { .. })
        ));
    }
}
