//! `perfkit.toml` at the workspace root: the same choices as the environment variables, for a
//! whole workspace. The environment wins over the file; a test's attribute wins over both.
//!
//! ```toml
//! db = ".perfkit/history.db"   # or a postgres:// URL (PERFKIT_DB)
//! baseline = "main"            # compare against this revision's merge-base (PERFKIT_BASELINE)
//! testbed = "ci-large"         # name this machine (PERFKIT_TESTBED)
//! record = true                # false: measure without recording (PERFKIT_RECORD=0)
//! mode = "full"                # full, quick, off or instructions (PERFKIT)
//! alpha = 0.01                 # significance level of the baseline comparison (PERFKIT_ALPHA)
//! threshold = "5%"             # smallest change called a regression (PERFKIT_THRESHOLD)
//! fail_on_regression = false   # fail every perf test on a confirmed regression (PERFKIT_GATE=1)
//!
//! [[budget]]                   # budgets by benchmark name or pattern (see `file_budgets`)
//! benchmark = "api::search_*"
//! p99 = "50ms"
//! ```
//!
//! Values are read by `perfkit-grammar`, as the environment's and the attribute's are:
//! `threshold = 5`, `threshold = "5%"` and `PERFKIT_THRESHOLD=5` all mean 5%, and a number
//! without `%` below 1 (`threshold = 0.05`) is refused as ambiguous.

use std::path::{Path, PathBuf};

use perfkit_grammar::{self as grammar, ModeSetting, Origin, SettingError, ValueError};
use serde::Deserialize;

use super::file_budgets::{FileBudget, RawBudget};

/// Why `perfkit.toml` or an environment variable could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A value perfkit does not understand, named with where it came from.
    #[error(transparent)]
    Setting(#[from] SettingError),
    /// `perfkit.toml` exists but cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// `perfkit.toml` is not TOML, or has a key perfkit does not know.
    #[error(
        "{} is not a valid perfkit configuration: {source}\nvalid keys: db, baseline, testbed, \
         record, mode, alpha, threshold, fail_on_regression, and [[budget]] entries (benchmark, \
         budget, mean, p50, p90, p95, p99, max, max_error_rate, min_throughput)",
        path.display()
    )]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What the TOML parser said.
        #[source]
        source: toml::de::Error,
    },
}

/// The contents of `perfkit.toml`, every key optional and every value already checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// `PERFKIT_DB`.
    pub db: Option<String>,
    /// `PERFKIT_BASELINE`.
    pub baseline: Option<String>,
    /// `PERFKIT_TESTBED`.
    pub testbed: Option<String>,
    /// `PERFKIT_RECORD` as a boolean.
    pub record: Option<bool>,
    /// `PERFKIT`: full, quick, off or instructions.
    pub mode: Option<ModeSetting>,
    /// `PERFKIT_ALPHA`.
    pub alpha: Option<f64>,
    /// `PERFKIT_THRESHOLD`, as a fraction (5% is 0.05).
    pub threshold: Option<f64>,
    /// `PERFKIT_GATE=1`.
    pub fail_on_regression: Option<bool>,
    /// `[[budget]]` entries, in file order.
    pub budgets: Vec<FileBudget>,
}

/// The file as TOML has it, before the grammar reads its values.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    db: Option<String>,
    baseline: Option<String>,
    testbed: Option<String>,
    record: Option<bool>,
    mode: Option<String>,
    alpha: Option<Number>,
    threshold: Option<Number>,
    fail_on_regression: Option<bool>,
    #[serde(default)]
    budget: Vec<RawBudget>,
}

/// A value that may be written as a TOML number or string (`threshold = 5`, `"5%"`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Number {
    Integer(i64),
    Float(f64),
    Text(String),
}

impl Number {
    /// The text the grammar reads (Rust prints floats without exponents: 1e-3 is "0.001").
    fn text(&self) -> String {
        match self {
            Number::Integer(i) => i.to_string(),
            Number::Float(f) => f.to_string(),
            Number::Text(s) => s.clone(),
        }
    }

    /// The value as written in the file, for messages.
    fn written(&self) -> String {
        match self {
            Number::Text(s) => format!("{s:?}"),
            _ => self.text(),
        }
    }
}

impl Config {
    /// Reads `<root>/perfkit.toml`; a missing file is an empty config.
    pub fn load(root: &Path) -> Result<Config, SettingsError> {
        let path = root.join("perfkit.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(source) => Err(SettingsError::Unreadable { path, source }),
        }
    }

    /// Reads the text of the file at `path`.
    pub(crate) fn parse(text: &str, path: &Path) -> Result<Config, SettingsError> {
        let file: File = toml::from_str(text).map_err(|source| SettingsError::Malformed {
            path: path.to_owned(),
            source,
        })?;
        let read = |key: &'static str,
                    value: Option<Number>,
                    parse: fn(&str) -> Result<f64, ValueError>| {
            value
                .map(|value| {
                    let origin = Origin::File {
                        key,
                        path: path.to_owned(),
                    };
                    SettingError::new(origin, &value.text(), parse)
                        .map_err(|e| e.written(value.written()))
                })
                .transpose()
        };
        let mode = file
            .mode
            .map(|mode| {
                let origin = Origin::File {
                    key: "mode",
                    path: path.to_owned(),
                };
                SettingError::new(origin, &mode, grammar::mode)
                    .map_err(|e| e.written(format!("{mode:?}")))
            })
            .transpose()?;
        Ok(Config {
            db: file.db,
            baseline: file.baseline,
            testbed: file.testbed,
            record: file.record,
            mode,
            alpha: read("alpha", file.alpha, grammar::alpha)?,
            threshold: read("threshold", file.threshold, grammar::threshold)?,
            fail_on_regression: file.fail_on_regression,
            budgets: file
                .budget
                .into_iter()
                .map(|raw| raw.parse(path))
                .collect::<Result<_, _>>()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, SettingsError> {
        Config::parse(text, Path::new("/ws/perfkit.toml"))
    }

    #[test]
    fn every_key_parses() {
        let c = parse(
            "db = \"h.db\"\nbaseline = \"main\"\ntestbed = \"ci\"\nrecord = false\n\
             mode = \"quick\"\nalpha = 0.05\nthreshold = \"2.5%\"\nfail_on_regression = true\n",
        )
        .unwrap();
        assert_eq!(c.db.as_deref(), Some("h.db"));
        assert_eq!(c.record, Some(false));
        assert_eq!(c.mode, Some(ModeSetting::Quick));
        assert_eq!(c.alpha, Some(0.05));
        assert_eq!(c.threshold, Some(0.025));
        assert_eq!(c.fail_on_regression, Some(true));
    }

    #[test]
    fn unknown_keys_are_named() {
        let err = parse("treshold = 0.1").unwrap_err().to_string();
        assert!(
            err.contains("/ws/perfkit.toml") && err.contains("treshold"),
            "{err}"
        );
    }

    /// Issue 11: `threshold = 5` meant 500% here (the gate was off) and `"0.05"` meant 0.05%.
    #[test]
    fn a_threshold_reads_as_in_the_environment() {
        for (text, fraction) in [
            ("threshold = 5", 0.05),
            ("threshold = 5.0", 0.05),
            ("threshold = \"5\"", 0.05),
            ("threshold = \"5%\"", 0.05),
            ("threshold = \"0.5%\"", 0.005),
            ("threshold = 150", 1.5),
        ] {
            assert_eq!(parse(text).unwrap().threshold, Some(fraction), "{text}");
        }
        assert_eq!(
            parse("threshold = 0.05").unwrap_err().to_string(),
            "`threshold = 0.05` in /ws/perfkit.toml: threshold `0.05` is ambiguous: a number \
             without `%` is a percentage, so write 5% if you mean 5 percent (a fraction of \
             0.05), or 0.05% if you mean 0.05 percent"
        );
        assert_eq!(
            parse("threshold = \"0.05\"").unwrap_err().to_string(),
            "`threshold = \"0.05\"` in /ws/perfkit.toml: threshold `0.05` is ambiguous: a \
             number without `%` is a percentage, so write 5% if you mean 5 percent (a fraction \
             of 0.05), or 0.05% if you mean 0.05 percent"
        );
    }

    #[test]
    fn bad_values_name_the_key_and_the_file_without_debug_text() {
        let err = parse("threshold = \"abc\"").unwrap_err().to_string();
        assert_eq!(
            err,
            "`threshold = \"abc\"` in /ws/perfkit.toml: malformed threshold `abc`: write a \
             percentage like 5% (a bare 5 means 5% too)"
        );
        assert!(!err.contains("Percent("), "{err}");
        assert_eq!(
            parse("mode = \"fast\"").unwrap_err().to_string(),
            "`mode = \"fast\"` in /ws/perfkit.toml: unknown mode `fast`; expected full (the \
             default), quick, off or instructions"
        );
        assert_eq!(
            parse("alpha = 0.9").unwrap_err().to_string(),
            "`alpha = 0.9` in /ws/perfkit.toml: alpha must be greater than 0 and at most 0.5, \
             like 0.01"
        );
        assert!(parse("threshold = -5").is_err());
        assert!(parse("alpha = \"0.01\"").is_ok());
    }
}
