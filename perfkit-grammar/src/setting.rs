//! The verdict rule's numbers and the run's switches: [`threshold`], [`alpha`], [`mode`] and
//! [`flag`], each with its range checked here and nowhere else.

use crate::decimal::Decimal;
use crate::error::ValueError;

/// The smallest change called a regression, as a fraction (`"5%"` → 0.05).
///
/// A threshold is a percentage, with or without the sign: `"5%"`, `"5 %"`, `"5"` and `"2.5"`
/// are 5%, 5%, 5% and 2.5%. A number without `%` below 1 is refused as ambiguous: `0.05` is
/// 5% to someone used to fractions (criterion's `noise_threshold(0.05)`) and 0.05% to someone
/// reading "a bare number is a percentage"; `"5%"` and `"0.05%"` say which. Zero and negative
/// thresholds are refused; there is no upper limit (a 150% threshold is a factor of 2.5).
///
/// ```
/// use perfkit_grammar::threshold;
///
/// assert_eq!(threshold("5%"), Ok(0.05));
/// assert_eq!(threshold("5"), Ok(0.05));
/// assert_eq!(threshold("0.5%"), Ok(0.005));
/// assert!(threshold("0.05").is_err()); // 5% or 0.05%? write the `%`
/// ```
pub fn threshold(text: &str) -> Result<f64, ValueError> {
    let trimmed = text.trim();
    if trimmed.starts_with('-') {
        return Err(ValueError::ThresholdNotPositive);
    }
    let (number, percent_sign) = match trimmed.strip_suffix('%') {
        Some(number) => (number.trim_end(), true),
        None => (trimmed, false),
    };
    let malformed = || ValueError::MalformedThreshold {
        text: trimmed.to_owned(),
    };
    let decimal = Decimal::parse(number).ok_or_else(malformed)?;
    if decimal.is_zero() {
        return Err(ValueError::ThresholdNotPositive);
    }
    if !percent_sign && decimal.is_below_one() {
        let percent = decimal.hundredfold().ok_or_else(malformed)?;
        return Err(ValueError::AmbiguousThreshold {
            text: decimal.to_string(),
            percent: percent.to_string(),
        });
    }
    Ok(decimal.hundredth().to_f64())
}

/// The significance level of a baseline comparison: a decimal number greater than 0 and at
/// most 0.5 (`"0.01"`).
///
/// ```
/// assert_eq!(perfkit_grammar::alpha("0.01"), Ok(0.01));
/// assert!(perfkit_grammar::alpha("0.9").is_err());
/// ```
pub fn alpha(text: &str) -> Result<f64, ValueError> {
    let trimmed = text.trim();
    if trimmed.starts_with('-') {
        return Err(ValueError::AlphaOutOfRange);
    }
    let decimal = Decimal::parse(trimmed).ok_or_else(|| ValueError::MalformedAlpha {
        text: trimmed.to_owned(),
    })?;
    let alpha = decimal.to_f64();
    if alpha > 0.0 && alpha <= 0.5 {
        Ok(alpha)
    } else {
        Err(ValueError::AlphaOutOfRange)
    }
}

/// How perf tests run, as asked by the `PERFKIT` variable or `mode` in `perfkit.toml`. (A debug
/// build runs each routine once whatever is asked.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModeSetting {
    /// `full` (also an empty value): the whole sampling plan.
    Full,
    /// `quick`: a short plan for a rough signal.
    Quick,
    /// `off`: run each routine once, untimed.
    Off,
    /// `instructions`: count each routine's instructions under Valgrind's callgrind instead of
    /// timing it.
    Instructions,
}

/// `full`, `quick`, `off` or `instructions`; empty means `full`.
///
/// ```
/// use perfkit_grammar::{ModeSetting, mode};
///
/// assert_eq!(mode("quick"), Ok(ModeSetting::Quick));
/// assert!(mode("fast").is_err());
/// ```
pub fn mode(text: &str) -> Result<ModeSetting, ValueError> {
    match text.trim() {
        "" | "full" => Ok(ModeSetting::Full),
        "quick" => Ok(ModeSetting::Quick),
        "off" => Ok(ModeSetting::Off),
        "instructions" => Ok(ModeSetting::Instructions),
        other => Err(ValueError::UnknownMode {
            text: other.to_owned(),
        }),
    }
}

/// A yes/no switch: `1`, `true`, `yes`, `on` or `0`, `false`, `no`, `off`.
pub fn flag(text: &str) -> Result<bool, ValueError> {
    match text.trim() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => Err(ValueError::NotAFlag {
            text: other.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_percentages_with_or_without_the_sign() {
        assert_eq!(threshold("5%"), Ok(0.05));
        assert_eq!(threshold(" 5 % "), Ok(0.05));
        assert_eq!(threshold("5"), Ok(0.05));
        assert_eq!(threshold("2.5"), Ok(0.025));
        assert_eq!(threshold("1"), Ok(0.01));
        assert_eq!(threshold("150%"), Ok(1.5));
        assert_eq!(threshold("0.5%"), Ok(0.005));
        assert_eq!(threshold("0.05%"), Ok(0.0005));
    }

    /// Issue 11: `threshold = 0.05` meant 5% in perfkit.toml and 0.05% as a string there.
    #[test]
    fn a_bare_fraction_is_ambiguous() {
        let error = threshold("0.05").unwrap_err();
        assert_eq!(
            error,
            ValueError::AmbiguousThreshold {
                text: "0.05".into(),
                percent: "5".into()
            }
        );
        assert_eq!(
            error.to_string(),
            "threshold `0.05` is ambiguous: a number without `%` is a percentage, so write 5% \
             if you mean 5 percent (a fraction of 0.05), or 0.05% if you mean 0.05 percent"
        );
        assert!(matches!(
            threshold("0.125"),
            Err(ValueError::AmbiguousThreshold { percent, .. }) if percent == "12.5"
        ));
    }

    #[test]
    fn bad_thresholds() {
        for zero_or_less in ["0", "0%", "-5%", "-5", "0.0"] {
            assert_eq!(
                threshold(zero_or_less),
                Err(ValueError::ThresholdNotPositive),
                "{zero_or_less}"
            );
        }
        for malformed in ["five", "%", "", "5%%", "5 percent", "1e3", "Percent(\"5\")"] {
            assert!(
                matches!(
                    threshold(malformed),
                    Err(ValueError::MalformedThreshold { .. })
                ),
                "{malformed}"
            );
        }
        assert_eq!(
            threshold("abc").unwrap_err().to_string(),
            "malformed threshold `abc`: write a percentage like 5% (a bare 5 means 5% too)"
        );
    }

    #[test]
    fn alphas() {
        assert_eq!(alpha("0.01"), Ok(0.01));
        assert_eq!(alpha(" 0.5 "), Ok(0.5));
        for out in ["0", "0.0", "0.51", "1", "-0.01"] {
            assert_eq!(alpha(out), Err(ValueError::AlphaOutOfRange), "{out}");
        }
        assert_eq!(
            alpha("1%").unwrap_err().to_string(),
            "malformed significance level `1%`: write a number like 0.01"
        );
    }

    #[test]
    fn modes_and_flags() {
        assert_eq!(mode(""), Ok(ModeSetting::Full));
        assert_eq!(mode(" full "), Ok(ModeSetting::Full));
        assert_eq!(mode("off"), Ok(ModeSetting::Off));
        assert_eq!(mode("instructions"), Ok(ModeSetting::Instructions));
        assert_eq!(
            mode("fast").unwrap_err().to_string(),
            "unknown mode `fast`; expected full (the default), quick, off or instructions"
        );
        assert_eq!(flag("yes"), Ok(true));
        assert_eq!(flag("0"), Ok(false));
        assert!(flag("maybe").is_err());
    }
}
