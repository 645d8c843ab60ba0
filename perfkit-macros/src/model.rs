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

/// Units of work per iteration, as the grammar reads them; mirrors
/// `perfkit::__private::Throughput`.
pub(crate) use perfkit_grammar::Throughput;

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

/// Every accepted spelling, with whitespace removed and in lower case (see
/// [`Complexity::parse`]).
const COMPLEXITY_SPELLINGS: &[(&str, Complexity)] = &[
    ("o(1)", Complexity::Constant),
    ("o(logn)", Complexity::Logarithmic),
    ("o(n)", Complexity::Linear),
    ("o(nlogn)", Complexity::Linearithmic),
    ("o(n^2)", Complexity::Quadratic),
    ("o(n²)", Complexity::Quadratic),
    ("o(n^3)", Complexity::Cubic),
    ("o(n³)", Complexity::Cubic),
    ("o(2^n)", Complexity::Exponential),
    ("o(2ⁿ)", Complexity::Exponential),
];

/// The spellings listed when a class is not recognised.
pub(crate) const COMPLEXITY_HELP: &str =
    "\"O(1)\", \"O(log n)\", \"O(n)\", \"O(n log n)\", \"O(n^2)\", \"O(n^3)\" or \"O(2^n)\"";

impl Complexity {
    /// Reads `"O(n log n)"` and friends, ignoring whitespace and letter case (`"o(N logN)"`),
    /// with `²`, `³` and `ⁿ` standing for `^2`, `^3` and `^n`: the same rule as
    /// `perfkit::complexity::Complexity`'s `FromStr`, so a class reads the same in the attribute
    /// and on the command line.
    pub fn parse(text: &str) -> Option<Complexity> {
        let key: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        COMPLEXITY_SPELLINGS
            .iter()
            .find(|(spelling, _)| *spelling == key)
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

/// Which of the three function forms the test has; mirrors `perfkit::__private::Routine`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Routine {
    /// `fn()`
    Plain,
    /// `fn(&mut Bencher)`
    Bencher,
    /// `fn(&mut Bencher, usize)`
    Sized,
    /// `fn(&mut Load)`: a load test.
    Load,
    /// `async fn()`: the whole future is timed.
    Async,
}

impl Routine {
    /// The variant's name in `perfkit::__private::Routine`.
    pub fn variant(self) -> &'static str {
        match self {
            Routine::Plain => "Plain",
            Routine::Bencher => "Bencher",
            Routine::Sized => "Sized",
            Routine::Load => "Load",
            Routine::Async => "Async",
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
    pub max_instructions: Option<u64>,
    pub throughput: Option<Throughput>,
    pub samples: Option<u32>,
    pub warmup_ns: Option<u64>,
    pub time_ns: Option<u64>,
    pub regression: Option<f64>,
    pub alpha: Option<f64>,
    pub complexity: Option<Complexity>,
    pub sizes: Vec<u64>,
    pub load: Option<LoadSpec>,
    pub threads: Vec<u64>,
}

/// The load-test options; mirrors `perfkit::__private::LoadSpec`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct LoadSpec {
    pub concurrency: Option<u32>,
    pub rate_per_s: Option<f64>,
    pub requests: Option<u64>,
    pub duration_ns: Option<u64>,
    pub timeout_ns: Option<u64>,
    pub max_error_rate: Option<f64>,
    pub min_throughput: Option<f64>,
}

/// What makes one test several benchmarks (besides `threads`, which is in the [`Spec`]): the
/// types its generic function is run at and the arguments it is run with.
#[derive(Clone, Default)]
pub(crate) struct Variants {
    /// `types = [...]`, each with its name as printed in the benchmark's name.
    pub types: Vec<(syn::Type, String)>,
    /// `args = [...]`, the expressions as written.
    pub args: Vec<syn::Expr>,
    /// How the function takes its argument: by value, `&` or `&mut`.
    pub pass: Pass,
}

/// How the function takes each of the `args`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Pass {
    #[default]
    Value,
    Ref,
    Mut,
}

impl Variants {
    /// Whether the test is its one function (threads aside): no `types`, no `args`.
    pub fn is_empty(&self) -> bool {
        self.types.is_empty() && self.args.is_empty()
    }
}

/// A perf test ready to expand: the user's function, its form and its spec.
pub(crate) struct PerfTest {
    pub function: syn::ItemFn,
    pub routine: Routine,
    pub spec: Spec,
    pub variants: Variants,
}

impl fmt::Debug for PerfTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PerfTest")
            .field("function", &self.function.sig.ident)
            .field("routine", &self.routine)
            .field("spec", &self.spec)
            .field("types", &self.variants.types.len())
            .field("args", &self.variants.args.len())
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
    fn complexity_ignores_whitespace_and_case() {
        let cases = [
            (" O( n  log   n ) ", Complexity::Linearithmic),
            ("O(nlogn)", Complexity::Linearithmic),
            ("o(N)", Complexity::Linear),
            ("O (n ^ 2)", Complexity::Quadratic),
            ("O(LOG n)", Complexity::Logarithmic),
        ];
        for (text, class) in cases {
            assert_eq!(Complexity::parse(text), Some(class), "{text}");
        }
    }

    #[test]
    fn unknown_complexity_classes() {
        for text in ["O(n!)", "n", "O(n", "O(n^4)", "Θ(n)", "O()", "O(n log)", ""] {
            assert_eq!(Complexity::parse(text), None, "{text}");
        }
    }
}
