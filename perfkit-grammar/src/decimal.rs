//! [`Decimal`]: a non-negative decimal number read exactly, so that `"0.1s"` is exactly
//! 100 000 000 ns and `"0.05"` is exactly five hundredths.

use std::fmt;

/// A non-negative decimal number, exactly: `mantissa / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decimal {
    pub mantissa: u128,
    pub scale: u32,
}

/// A value converted to integer units, and whether rounding was needed to get there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rounded {
    /// The value rounded to the nearest integer.
    pub value: u64,
    /// Whether the value was already an integer (no rounding happened).
    pub exact: bool,
}

impl Decimal {
    /// Reads digits with `_` separators and an optional fractional part; `None` when `text` is
    /// anything else (including empty) or has more digits than fit.
    pub fn parse(text: &str) -> Option<Decimal> {
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

    pub fn is_zero(self) -> bool {
        self.mantissa == 0
    }

    /// Whether the number is below one.
    pub fn is_below_one(self) -> bool {
        self.mantissa < 10u128.pow(self.scale)
    }

    /// The number divided by 100, exactly (`5` becomes `0.05`).
    pub fn hundredth(self) -> Decimal {
        Decimal {
            mantissa: self.mantissa,
            scale: self.scale + 2,
        }
    }

    /// The number times 100, exactly, when it has at least two decimals or is a whole number.
    pub fn hundredfold(self) -> Option<Decimal> {
        match self.scale.checked_sub(2) {
            Some(scale) => Some(Decimal {
                mantissa: self.mantissa,
                scale,
            }),
            None => Some(Decimal {
                mantissa: self.mantissa.checked_mul(10u128.pow(2 - self.scale))?,
                scale: 0,
            }),
        }
    }

    /// `self * factor`, rounded to the nearest integer; `None` when it does not fit in a u64.
    pub fn times(self, factor: u128) -> Option<Rounded> {
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
    pub fn to_f64(self) -> f64 {
        #[allow(clippy::cast_precision_loss)] // documented: exact below 2^53
        let mantissa = self.mantissa as f64;
        mantissa / 10f64.powi(self.scale as i32)
    }
}

/// Plain decimal notation without trailing zeros: `5`, `0.05`, `2.5`.
impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.mantissa.to_string();
        let scale = self.scale as usize;
        let (whole, fraction) = if digits.len() > scale {
            let (whole, fraction) = digits.split_at(digits.len() - scale);
            (whole.to_owned(), fraction.to_owned())
        } else {
            ("0".to_owned(), format!("{digits:0>scale$}"))
        };
        let fraction = fraction.trim_end_matches('0');
        if fraction.is_empty() {
            write!(f, "{whole}")
        } else {
            write!(f, "{whole}.{fraction}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse(text).unwrap()
    }

    #[test]
    fn parses_digits_separators_and_fractions() {
        assert_eq!(
            d("1_000"),
            Decimal {
                mantissa: 1000,
                scale: 0
            }
        );
        assert_eq!(
            d("2.50"),
            Decimal {
                mantissa: 250,
                scale: 2
            }
        );
        for bad in ["", ".5", "5.", "1.2.3", "-1", "1e3", "x"] {
            assert_eq!(Decimal::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn displays_without_trailing_zeros() {
        assert_eq!(d("5").to_string(), "5");
        assert_eq!(d("0.05").to_string(), "0.05");
        assert_eq!(d("2.50").to_string(), "2.5");
        assert_eq!(d("0.05").hundredfold().unwrap().to_string(), "5");
        assert_eq!(d("0.5").hundredfold().unwrap().to_string(), "50");
        assert_eq!(d("0.125").hundredfold().unwrap().to_string(), "12.5");
        assert_eq!(d("5").hundredth().to_string(), "0.05");
    }

    #[test]
    fn below_one() {
        assert!(d("0.999").is_below_one());
        assert!(!d("1").is_below_one());
        assert!(!d("1.0").is_below_one());
    }
}
