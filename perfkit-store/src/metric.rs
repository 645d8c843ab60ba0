//! What a metric is: its unit and which way is better ([`MetricInfo`], [`Better`]).
//!
//! A result is the samples of one metric (`Record::metric`). Verdicts, budgets, history and
//! reports need two more facts about it: the unit its samples are in, and whether a rise is a
//! regression (time, latency, counts) or an improvement (throughput, a cache's hit rate). The
//! built-in metrics are described by [`MetricInfo::builtin`]; a metric a user's code defines
//! (`b.metric("hit_rate", …)`) is declared in the store ([`Store::declare_metric`]), which
//! keeps the latest declaration of each name, so old commits' results are read the way the
//! code now describes them.
//!
//! [`Store::declare_metric`]: crate::Store::declare_metric

use std::fmt;

/// Which way a metric improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Better {
    /// Smaller is better: time, latency, counts, error rate. A rise is a regression.
    #[default]
    Lower,
    /// Larger is better: throughput, hit rate. A fall is a regression.
    Higher,
}

impl Better {
    /// The name stored and accepted: `lower` or `higher`.
    pub fn as_str(self) -> &'static str {
        match self {
            Better::Lower => "lower",
            Better::Higher => "higher",
        }
    }

    /// Reads `lower` or `higher` back; anything else is `None`.
    ///
    /// ```
    /// use perfkit_store::Better;
    /// assert_eq!(Better::parse("higher"), Some(Better::Higher));
    /// assert_eq!(Better::parse("up"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Better> {
        match name {
            "lower" => Some(Better::Lower),
            "higher" => Some(Better::Higher),
            _ => None,
        }
    }
}

impl fmt::Display for Better {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A metric's name, the unit of its samples, and which way is better.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MetricInfo {
    /// The name results are stored under (`time`, `instructions`, `hit_rate`, ...).
    pub name: String,
    /// The unit of one sample, for people: `ns`, `/s`, `fraction`, `B`; empty for a plain
    /// count per iteration.
    pub unit: String,
    /// Which way is better.
    pub better: Better,
}

/// The metrics perfkit itself measures: name, unit, direction.
const BUILTIN: [(&str, &str, Better); 10] = [
    ("time", "ns", Better::Lower),
    ("instructions", "", Better::Lower),
    ("l1_misses", "", Better::Lower),
    ("ll_misses", "", Better::Lower),
    ("estimated_cycles", "", Better::Lower),
    ("latency", "ns", Better::Lower),
    ("throughput", "/s", Better::Higher),
    ("error_rate", "fraction", Better::Lower),
    ("allocs", "", Better::Lower),
    ("alloc_bytes", "B", Better::Lower),
];

impl MetricInfo {
    /// A metric described by its parts.
    pub fn new(name: impl Into<String>, unit: impl Into<String>, better: Better) -> MetricInfo {
        MetricInfo {
            name: name.into(),
            unit: unit.into(),
            better,
        }
    }

    /// The description of a metric perfkit measures itself, `None` for any other name.
    ///
    /// ```
    /// use perfkit_store::{Better, MetricInfo};
    /// assert_eq!(MetricInfo::builtin("throughput").unwrap().better, Better::Higher);
    /// assert_eq!(MetricInfo::builtin("time").unwrap().unit, "ns");
    /// assert_eq!(MetricInfo::builtin("hit_rate"), None);
    /// ```
    pub fn builtin(name: &str) -> Option<MetricInfo> {
        BUILTIN
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|&(n, unit, better)| MetricInfo::new(n, unit, better))
    }

    /// Whether `name` is one of the metrics perfkit measures itself (a user's metric may not
    /// take its name).
    pub fn is_builtin(name: &str) -> bool {
        BUILTIN.iter().any(|(n, _, _)| *n == name)
    }

    /// A row of the `metrics` table read back; a direction other than `lower` or `higher` is
    /// data this crate did not write, and the error says which.
    pub(crate) fn from_row(name: String, unit: String, better: &str) -> Result<MetricInfo, String> {
        match Better::parse(better) {
            Some(better) => Ok(MetricInfo::new(name, unit, better)),
            None => Err(format!(
                "metric `{name}` has direction `{better}`, not `lower` or `higher`"
            )),
        }
    }

    /// What a name nothing describes is taken to be: no unit, lower is better.
    pub fn undeclared(name: impl Into<String>) -> MetricInfo {
        MetricInfo::new(name, "", Better::Lower)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for better in [Better::Lower, Better::Higher] {
            assert_eq!(Better::parse(better.as_str()), Some(better));
        }
        assert_eq!(Better::parse("Lower"), None);
    }

    #[test]
    fn builtins_are_unique_and_described() {
        for (i, (name, _, _)) in BUILTIN.iter().enumerate() {
            assert!(BUILTIN[i + 1..].iter().all(|(n, _, _)| n != name), "{name}");
            assert!(MetricInfo::is_builtin(name));
        }
        assert_eq!(MetricInfo::undeclared("x").better, Better::Lower);
    }
}
