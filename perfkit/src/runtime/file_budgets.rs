//! `[[budget]]` entries of `perfkit.toml`: budgets kept beside the service rather than on the
//! test, keyed by benchmark name or a pattern with `*`.
//!
//! ```toml
//! [[budget]]
//! benchmark = "playbook::service::users_search_fts"   # or "playbook::service::*"
//! p95 = "2s"
//! p99 = "3s"
//! max_error_rate = "1%"
//! min_throughput = "200/s"
//! ```
//!
//! A test's own attribute wins, statistic by statistic: a test that declares `p99` keeps its
//! own and takes the file's `p95`. When several entries match, the first in the file that sets
//! a statistic gives it (put specific names before patterns). `max_error_rate` and
//! `min_throughput` apply to load tests only; the time statistics are latency budgets there.

use perfkit_grammar::{self as grammar, Origin, SettingError};
use serde::Deserialize;
use std::path::Path;

use crate::spec::{LoadSpec, Spec, Stat, TimeBudget};

/// One `[[budget]]` entry, its values parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct FileBudget {
    /// The benchmark's name, or a pattern where `*` stands for any text.
    pub benchmark: String,
    /// Limits on time (or, for a load test, latency) statistics, in ns.
    pub time: Vec<TimeBudget>,
    /// The largest share of failed requests (load tests).
    pub max_error_rate: Option<f64>,
    /// The fewest successful requests per second (load tests).
    pub min_throughput: Option<f64>,
}

/// A `[[budget]]` entry as TOML has it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBudget {
    benchmark: String,
    budget: Option<String>,
    mean: Option<String>,
    p50: Option<String>,
    p90: Option<String>,
    p95: Option<String>,
    p99: Option<String>,
    max: Option<String>,
    max_error_rate: Option<String>,
    min_throughput: Option<String>,
}

impl RawBudget {
    /// The entry with every value read by the grammar; an error names the key and the file.
    pub(super) fn parse(self, path: &Path) -> Result<FileBudget, SettingError> {
        let origin = |key: &'static str| Origin::File {
            key,
            path: path.to_owned(),
        };
        let mut time = Vec::new();
        for (key, stat, value) in [
            ("budget", Stat::Median, &self.budget),
            ("mean", Stat::Mean, &self.mean),
            ("p50", Stat::P50, &self.p50),
            ("p90", Stat::P90, &self.p90),
            ("p95", Stat::P95, &self.p95),
            ("p99", Stat::P99, &self.p99),
            ("max", Stat::Max, &self.max),
        ] {
            if let Some(text) = value {
                let ns = SettingError::new(origin(key), text, |t| {
                    grammar::duration_ns(t).map(|r| r.value)
                })
                .map_err(|e| e.written(format!("{text:?}")))?;
                time.push(TimeBudget {
                    stat,
                    limit_ns: ns.max(1),
                });
            }
        }
        let read = |key: &'static str, value: &Option<String>, parse: fn(&str) -> _| {
            value
                .as_ref()
                .map(|text| {
                    SettingError::new(origin(key), text, parse)
                        .map_err(|e| e.written(format!("{text:?}")))
                })
                .transpose()
        };
        Ok(FileBudget {
            max_error_rate: read("max_error_rate", &self.max_error_rate, grammar::percentage)?,
            min_throughput: read("min_throughput", &self.min_throughput, grammar::rate)?,
            benchmark: self.benchmark,
            time,
        })
    }
}

/// Whether `name` matches `pattern`, where `*` stands for any text (also none).
pub fn matches(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// `spec` with the file's budgets for its benchmark added where the attribute set none. The
/// merged budget list is leaked: a spec's budgets are `'static`, and a test process merges each
/// spec at most a few times.
pub fn apply(spec: &Spec, entries: &[FileBudget]) -> Spec {
    let name = spec.benchmark_name();
    let matching: Vec<&FileBudget> = entries
        .iter()
        .filter(|e| matches(&e.benchmark, name))
        .collect();
    if matching.is_empty() {
        return *spec;
    }
    let mut budgets: Vec<TimeBudget> = spec.budgets.to_vec();
    for entry in &matching {
        for b in &entry.time {
            if !budgets.iter().any(|own| own.stat == b.stat) {
                budgets.push(*b);
            }
        }
    }
    let load = spec.load.map(|own| {
        let first = |pick: fn(&FileBudget) -> Option<f64>| matching.iter().find_map(|e| pick(e));
        LoadSpec {
            max_error_rate: own.max_error_rate.or_else(|| first(|e| e.max_error_rate)),
            min_throughput: own.min_throughput.or_else(|| first(|e| e.min_throughput)),
            ..own
        }
    });
    Spec {
        budgets: Box::leak(budgets.into_boxed_slice()),
        load,
        ..*spec
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(matches("a::b", "a::b"));
        assert!(!matches("a::b", "a::bc"));
        assert!(matches("a::*", "a::b"));
        assert!(matches("*::search_*", "playbook::service::search_fast"));
        assert!(matches("*", "anything"));
        assert!(!matches("b::*", "a::b"));
        assert!(matches("a*b*c", "abc"));
        assert!(!matches("a*b*c", "acb"));
    }

    fn entry(benchmark: &str, p99_ns: u64, max_error_rate: Option<f64>) -> FileBudget {
        FileBudget {
            benchmark: benchmark.to_owned(),
            time: vec![
                TimeBudget {
                    stat: Stat::P99,
                    limit_ns: p99_ns,
                },
                TimeBudget {
                    stat: Stat::P95,
                    limit_ns: p99_ns / 2,
                },
            ],
            max_error_rate,
            min_throughput: None,
        }
    }

    #[test]
    fn the_attribute_wins_statistic_by_statistic() {
        static OWN: [TimeBudget; 1] = [TimeBudget {
            stat: Stat::P99,
            limit_ns: 7,
        }];
        let spec = Spec {
            path: "svc::search",
            budgets: &OWN,
            load: Some(LoadSpec {
                max_error_rate: None,
                concurrency: Some(4),
                ..LoadSpec::DEFAULT
            }),
            ..Spec::DEFAULT
        };
        let merged = apply(
            &spec,
            &[
                entry("other", 1, Some(0.5)),
                entry("svc::search", 1_000, Some(0.01)),
                entry("svc::*", 5_000, Some(0.2)),
            ],
        );
        assert_eq!(
            merged.budgets,
            [
                TimeBudget {
                    stat: Stat::P99,
                    limit_ns: 7
                },
                TimeBudget {
                    stat: Stat::P95,
                    limit_ns: 500
                }
            ]
        );
        assert_eq!(merged.load.unwrap().max_error_rate, Some(0.01));
        assert_eq!(apply(&Spec::DEFAULT, &[entry("x", 1, None)]), Spec::DEFAULT);
    }

    #[test]
    fn entries_parse_with_the_grammar() {
        let raw: RawBudget = toml::from_str(
            "benchmark = \"a::*\"\np99 = \"3ms\"\nmax_error_rate = \"1%\"\nmin_throughput = \
             \"600/min\"\n",
        )
        .unwrap();
        let parsed = raw.parse(Path::new("/ws/perfkit.toml")).unwrap();
        assert_eq!(parsed.time[0].limit_ns, 3_000_000);
        assert_eq!(
            (parsed.max_error_rate, parsed.min_throughput),
            (Some(0.01), Some(10.0))
        );
        let raw: RawBudget = toml::from_str("benchmark = \"a\"\nmin_throughput = \"600\"").unwrap();
        assert_eq!(
            raw.parse(Path::new("/ws/perfkit.toml"))
                .unwrap_err()
                .to_string(),
            "`min_throughput = \"600\"` in /ws/perfkit.toml: malformed rate `\"600\"`: write a \
             number of requests per unit of time, like \"500/s\" (units: /s, /min, /h)"
        );
    }
}
