//! The validated perf test: what `validate` produces and `expand` turns into tokens.
//!
//! These types mirror `perfkit::spec` (this crate cannot depend on perfkit); every value is
//! already an integer, a number or an enum, so expansion only prints them.

use std::fmt;

/// A statistic a time budget limits; mirrors `perfkit::__private::Stat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stat {
    Median,
    Mean,
    P50,
    P90,
    P95,
    P99,
    Max,
}

impl Stat {
    /// The variant's name in `perfkit::__private::Stat`.
    pub fn variant(self) -> &'static str {
        match self {
            Stat::Median => "Median",
            Stat::Mean => "Mean",
            Stat::P50 => "P50",
            Stat::P90 => "P90",
            Stat::P95 => "P95",
            Stat::P99 => "P99",
            Stat::Max => "Max",
        }
    }
}

/// A limit on one statistic, in nanoseconds (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TimeBudget {
    pub stat: Stat,
    pub limit_ns: u64,
}

/// Units of work per iteration; mirrors `perfkit::__private::Throughput`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Throughput {
    Bytes(u64),
    Elements(u64),
}

/// A growth class; mirrors `perfkit::__private::Complexity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Complexity {
    Constant,
    Logarithmic,
    Linear,
    Linearithmic,
    Quadratic,
    Cubic,
    Exponential,
}

/// Every accepted spelling inside `O(...)`, as tokens (see [`Complexity::parse`]).
const COMPLEXITY_SPELLINGS: &[(&[&str], Complexity)] = &[
    (&["1"], Complexity::Constant),
    (&["log", "n"], Complexity::Logarithmic),
    (&["n"], Complexity::Linear),
    (&["n", "log", "n"], Complexity::Linearithmic),
    (&["n", "^", "2"], Complexity::Quadratic),
    (&["n", "²"], Complexity::Quadratic),
    (&["n", "^", "3"], Complexity::Cubic),
    (&["n", "³"], Complexity::Cubic),
    (&["2", "^", "n"], Complexity::Exponential),
    (&["2", "ⁿ"], Complexity::Exponential),
];

/// The spellings listed when a class is not recognised.
pub(crate) const COMPLEXITY_HELP: &str =
    "\"O(1)\", \"O(log n)\", \"O(n)\", \"O(n log n)\", \"O(n^2)\", \"O(n^3)\" or \"O(2^n)\"";

impl Complexity {
    /// Reads `"O(n log n)"` and friends. The `O` may be lower case, and whitespace only matters
    /// where it separates words: `"O( n  log n )"` and `"o(n^ 2)"` are accepted, `"O(nlogn)"`
    /// is not. `²`, `³` and `ⁿ` may stand for `^2`, `^3` and `^n`.
    pub fn parse(text: &str) -> Option<Complexity> {
        let inner = text
            .trim()
            .strip_prefix(['O', 'o'])?
            .trim_start()
            .strip_prefix('(')?
            .trim_end()
            .strip_suffix(')')?;
        let tokens = tokens(inner);
        COMPLEXITY_SPELLINGS
            .iter()
            .find(|(spelling, _)| *spelling == tokens.as_slice())
            .map(|&(_, class)| class)
    }

    /// The variant's name in `perfkit::__private::Complexity`.
    pub fn variant(self) -> &'static str {
        match self {
            Complexity::Constant => "Constant",
            Complexity::Logarithmic => "Logarithmic",
            Complexity::Linear => "Linear",
            Complexity::Linearithmic => "Linearithmic",
            Complexity::Quadratic => "Quadratic",
            Complexity::Cubic => "Cubic",
            Complexity::Exponential => "Exponential",
        }
    }
}

/// Splits into words (runs of ASCII letters and digits) and single other characters, dropping
/// whitespace: `"n log n"` -> `["n", "log", "n"]`, `"n^2"` -> `["n", "^", "2"]`.
fn tokens(text: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut rest = text.trim_start();
    while let Some(first) = rest.chars().next() {
        let len = if first.is_ascii_alphanumeric() {
            rest.find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(rest.len())
        } else {
            first.len_utf8()
        };
        tokens.push(&rest[..len]);
        rest = rest[len..].trim_start();
    }
    tokens
}

/// Which of the three function forms the test has; mirrors `perfkit::__private::Routine`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Routine {
    /// `fn()`
    Plain,
    /// `fn(&mut Bencher)`
    Bencher,
    /// `fn(&mut Bencher, usize)`
    Sized,
}

impl Routine {
    /// The variant's name in `perfkit::__private::Routine`.
    pub fn variant(self) -> &'static str {
        match self {
            Routine::Plain => "Plain",
            Routine::Bencher => "Bencher",
            Routine::Sized => "Sized",
        }
    }
}

/// Everything the attribute declared, validated; mirrors `perfkit::__private::Spec` minus the
/// fields the expansion fills from the call site (`path`, `manifest_dir`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Spec {
    pub name: Option<String>,
    pub budgets: Vec<TimeBudget>,
    pub max_allocs: Option<u64>,
    pub max_bytes: Option<u64>,
    pub throughput: Option<Throughput>,
    pub samples: Option<u32>,
    pub warmup_ns: Option<u64>,
    pub time_ns: Option<u64>,
    pub regression: Option<f64>,
    pub alpha: Option<f64>,
    pub complexity: Option<Complexity>,
    pub sizes: Vec<u64>,
}

/// A perf test ready to expand: the user's function, its form and its spec.
pub(crate) struct PerfTest {
    pub function: syn::ItemFn,
    pub routine: Routine,
    pub spec: Spec,
}

impl fmt::Debug for PerfTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PerfTest")
            .field("function", &self.function.sig.ident)
            .field("routine", &self.routine)
            .field("spec", &self.spec)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_complexity_spelling() {
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
            assert_eq!(Complexity::parse(text), Some(class), "{text}");
        }
    }

    #[test]
    fn complexity_is_whitespace_and_case_tolerant() {
        assert_eq!(
            Complexity::parse(" O( n  log   n ) "),
            Some(Complexity::Linearithmic)
        );
        assert_eq!(Complexity::parse("o(n)"), Some(Complexity::Linear));
        assert_eq!(Complexity::parse("O (n ^ 2)"), Some(Complexity::Quadratic));
        assert_eq!(
            Complexity::parse("O(log  n)"),
            Some(Complexity::Logarithmic)
        );
    }

    #[test]
    fn unknown_complexity_classes() {
        for text in [
            "O(nlogn)", "O(n!)", "n", "O(n", "O(N)", "O(n^4)", "Θ(n)", "O()", "",
        ] {
            assert_eq!(Complexity::parse(text), None, "{text}");
        }
    }
}
