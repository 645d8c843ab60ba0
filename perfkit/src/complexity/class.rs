//! [`Complexity`]: the growth classes perfkit can fit and check, their names and model functions.

use std::fmt;
use std::str::FromStr;

/// A growth class, from the simplest to the steepest.
///
/// The order (`Constant < Logarithmic < … < Exponential`) is the order of simplicity: a fit
/// prefers the earlier class when two fit about equally well, and [`Fit::is_within`] compares
/// with it.
///
/// [`Fit::is_within`]: super::Fit::is_within
///
/// ```
/// use perfkit::complexity::Complexity;
///
/// let declared: Complexity = "O(n log n)".parse().unwrap();
/// assert_eq!(declared, Complexity::Linearithmic);
/// assert_eq!("O(n^2)".parse::<Complexity>().unwrap().to_string(), "O(n²)");
/// assert!(Complexity::Linear < declared);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Complexity {
    /// O(1)
    Constant,
    /// O(log n)
    Logarithmic,
    /// O(n)
    Linear,
    /// O(n log n)
    Linearithmic,
    /// O(n²)
    Quadratic,
    /// O(n³)
    Cubic,
    /// O(2ⁿ)
    Exponential,
}

impl Complexity {
    /// Every class, simplest first.
    pub const ALL: [Complexity; 7] = [
        Complexity::Constant,
        Complexity::Logarithmic,
        Complexity::Linear,
        Complexity::Linearithmic,
        Complexity::Quadratic,
        Complexity::Cubic,
        Complexity::Exponential,
    ];

    /// The model function g(n) of this class: 1, log₂ n, n, n log₂ n, n², n³ or 2ⁿ.
    ///
    /// Logarithms are base 2, so a coefficient of O(log n) reads as "time per halving".
    /// Defined for n ≥ 1; 2ⁿ is infinite beyond n ≈ 1023.
    ///
    /// ```
    /// use perfkit::complexity::Complexity;
    ///
    /// assert_eq!(Complexity::Linearithmic.growth(8.0), 24.0);
    /// assert_eq!(Complexity::Exponential.growth(10.0), 1024.0);
    /// ```
    pub fn growth(self, n: f64) -> f64 {
        match self {
            Complexity::Constant => 1.0,
            Complexity::Logarithmic => n.log2(),
            Complexity::Linear => n,
            Complexity::Linearithmic => n * n.log2(),
            Complexity::Quadratic => n * n,
            Complexity::Cubic => n * n * n,
            Complexity::Exponential => n.exp2(),
        }
    }

    /// The model function as text, as it appears inside `O(…)`: `"1"`, `"log n"`, `"n log n"`,
    /// `"n²"`, `"2ⁿ"`.
    pub fn term(self) -> &'static str {
        match self {
            Complexity::Constant => "1",
            Complexity::Logarithmic => "log n",
            Complexity::Linear => "n",
            Complexity::Linearithmic => "n log n",
            Complexity::Quadratic => "n²",
            Complexity::Cubic => "n³",
            Complexity::Exponential => "2ⁿ",
        }
    }
}

impl fmt::Display for Complexity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "O({})", self.term())
    }
}

/// A string that names no growth class.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown complexity class `{input}`: expected one of O(1), O(log n), O(n), O(n log n), \
     O(n^2) or O(n²), O(n^3) or O(n³), O(2^n) or O(2ⁿ)"
)]
pub struct ParseComplexityError {
    /// The string as given.
    pub input: String,
}

impl FromStr for Complexity {
    type Err = ParseComplexityError;

    /// Accepts the [`Display`](fmt::Display) spelling and the ASCII one (`O(n^2)`, `O(2^n)`),
    /// ignoring whitespace and letter case (`o(N log N)`), since people type these by hand.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        let class = match key.as_str() {
            "o(1)" => Complexity::Constant,
            "o(logn)" => Complexity::Logarithmic,
            "o(n)" => Complexity::Linear,
            "o(nlogn)" => Complexity::Linearithmic,
            "o(n^2)" | "o(n²)" => Complexity::Quadratic,
            "o(n^3)" | "o(n³)" => Complexity::Cubic,
            "o(2^n)" | "o(2ⁿ)" => Complexity::Exponential,
            _ => {
                return Err(ParseComplexityError {
                    input: s.to_owned(),
                });
            }
        };
        Ok(class)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_documented_spelling() {
        let cases = [
            ("O(1)", Complexity::Constant),
            ("O(log n)", Complexity::Logarithmic),
            ("O(n)", Complexity::Linear),
            ("O(n log n)", Complexity::Linearithmic),
            ("O(n^2)", Complexity::Quadratic),
            ("O(n²)", Complexity::Quadratic),
            ("O(n^3)", Complexity::Cubic),
            ("O(n³)", Complexity::Cubic),
            ("O(2^n)", Complexity::Exponential),
            ("O(2ⁿ)", Complexity::Exponential),
        ];
        for (text, class) in cases {
            assert_eq!(text.parse::<Complexity>(), Ok(class), "{text}");
        }
    }

    #[test]
    fn parsing_ignores_whitespace_and_case() {
        assert_eq!(" O( n  log n ) ".parse(), Ok(Complexity::Linearithmic));
        assert_eq!("O(nlogn)".parse(), Ok(Complexity::Linearithmic));
        assert_eq!("o(N^2)".parse(), Ok(Complexity::Quadratic));
        assert_eq!("O(\tlog\nn)".parse(), Ok(Complexity::Logarithmic));
    }

    #[test]
    fn unknown_classes_are_rejected_with_the_input_and_the_choices() {
        for bad in ["", "O(n!)", "n", "O(n^4)", "O(sqrt n)", "O(n", "On)"] {
            let err = bad.parse::<Complexity>().unwrap_err();
            assert_eq!(err.input, bad);
            let message = err.to_string();
            assert!(message.contains(&format!("`{bad}`")), "{message}");
            assert!(message.contains("O(n log n)"), "{message}");
        }
    }

    #[test]
    fn display_uses_superscripts_and_round_trips() {
        let shown: Vec<String> = Complexity::ALL.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "O(1)",
                "O(log n)",
                "O(n)",
                "O(n log n)",
                "O(n²)",
                "O(n³)",
                "O(2ⁿ)"
            ]
        );
        for class in Complexity::ALL {
            assert_eq!(class.to_string().parse(), Ok(class));
        }
    }

    #[test]
    fn all_lists_every_class_simplest_first() {
        assert!(Complexity::ALL.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(Complexity::ALL.first(), Some(&Complexity::Constant));
        assert_eq!(Complexity::ALL.last(), Some(&Complexity::Exponential));
    }

    #[test]
    fn model_functions() {
        let at = |class: Complexity| class.growth(1024.0);
        assert_eq!(at(Complexity::Constant), 1.0);
        assert_eq!(at(Complexity::Logarithmic), 10.0);
        assert_eq!(at(Complexity::Linear), 1024.0);
        assert_eq!(at(Complexity::Linearithmic), 10240.0);
        assert_eq!(at(Complexity::Quadratic), 1024.0 * 1024.0);
        assert_eq!(at(Complexity::Cubic), 1024.0 * 1024.0 * 1024.0);
        assert_eq!(Complexity::Exponential.growth(20.0), 1_048_576.0);
        assert_eq!(Complexity::Logarithmic.growth(1.0), 0.0);
    }
}
