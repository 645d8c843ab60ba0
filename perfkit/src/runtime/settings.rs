//! [`Settings`]: what the environment and `perfkit.toml` ask of this run.
//!
//! Precedence: a test's own attribute, then the environment (`PERFKIT`, `PERFKIT_DB`, ...),
//! then `perfkit.toml` at the workspace root, then the defaults.

use std::path::{Path, PathBuf};

use perfkit_store::DbLocation;

use super::config::{Config, Threshold, check_alpha, parse_threshold};
use crate::compare::VerdictRule;
use crate::measure::Mode;

/// The choices for a perf test run.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Full, quick, or a one-off smoke run.
    pub mode: Mode,
    /// Why timing is skipped, in [`Mode::Smoke`] (printed once per process).
    pub smoke_reason: &'static str,
    /// The lock file that serialises measurement across processes.
    pub lock_path: PathBuf,
    /// Where history is kept, and whether to write it.
    pub history: History,
    /// Significance level and threshold of the baseline comparison (before a test's own).
    pub rule: VerdictRule,
    /// Fail every perf test on a confirmed regression, not only those with `regression = ..`.
    pub gate: bool,
}

/// What a perf test does with history.
#[derive(Debug, Clone, PartialEq)]
pub enum History {
    /// Neither read nor write history (tests of the runtime itself).
    Off,
    /// Compare with the baseline in `db` and record the result there.
    Record(HistoryConfig),
    /// `PERFKIT_RECORD=0`: compare with the baseline when the store exists, record nothing.
    ReadOnly(HistoryConfig),
}

/// Where history is and how to pick the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryConfig {
    /// The database.
    pub db: DbLocation,
    /// `PERFKIT_BASELINE`: compare against this revision's merge-base.
    pub base: Option<String>,
    /// `PERFKIT_TESTBED`: this machine's name in history.
    pub testbed: Option<String>,
}

impl Settings {
    /// Settings that measure in `mode` with no history and the default verdict rule, locking
    /// `lock_path`: for tools and tests that drive [`crate::execute`] themselves.
    pub fn isolated(mode: Mode, lock_path: impl Into<PathBuf>) -> Settings {
        Settings {
            mode,
            smoke_reason: if mode == Mode::Smoke {
                "timing skipped"
            } else {
                ""
            },
            lock_path: lock_path.into(),
            history: History::Off,
            rule: VerdictRule::default(),
            gate: false,
        }
    }

    /// Reads the environment and `perfkit.toml` for a test whose crate is in `manifest_dir`.
    pub fn from_env(manifest_dir: &Path) -> Result<Settings, String> {
        let config = Config::load(&perfkit_store::workspace_root(manifest_dir))?;
        Settings::resolve(&|name| std::env::var(name).ok(), &config, manifest_dir)
    }

    /// Combines an environment (`env` looks variables up) with a config file.
    pub(crate) fn resolve(
        env: &dyn Fn(&str) -> Option<String>,
        config: &Config,
        manifest_dir: &Path,
    ) -> Result<Settings, String> {
        let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let mode = var("PERFKIT").or_else(|| config.mode.clone());
        let (mode, smoke_reason) = mode_for(mode.as_deref(), cfg!(debug_assertions))?;

        let db_setting = var("PERFKIT_DB").or_else(|| config.db.clone());
        let db = DbLocation::from_setting(db_setting.as_deref(), manifest_dir);
        let lock_path = match &db {
            DbLocation::Sqlite(path) => crate::measure::lock_path_for(path),
            DbLocation::Postgres(_) => {
                perfkit_store::default_db_path(manifest_dir).with_file_name("measure.lock")
            }
        };
        let store = HistoryConfig {
            db,
            base: var("PERFKIT_BASELINE").or_else(|| config.baseline.clone()),
            testbed: var("PERFKIT_TESTBED").or_else(|| config.testbed.clone()),
        };
        let record = match var("PERFKIT_RECORD") {
            Some(v) => flag(&v, "PERFKIT_RECORD")?,
            None => config.record.unwrap_or(true),
        };
        let history = if record {
            History::Record(store)
        } else {
            History::ReadOnly(store)
        };

        let mut rule = VerdictRule::default();
        if let Some(a) = var("PERFKIT_ALPHA") {
            let a: f64 = a
                .trim()
                .parse()
                .map_err(|_| format!("PERFKIT_ALPHA must be a number such as 0.01 (got {a:?})"))?;
            rule.alpha = check_alpha(a, "PERFKIT_ALPHA")?;
        } else if let Some(a) = config.alpha {
            rule.alpha = check_alpha(a, "alpha in perfkit.toml")?;
        }
        if let Some(t) = var("PERFKIT_THRESHOLD") {
            rule.threshold = parse_threshold(&Threshold::Percent(t), "PERFKIT_THRESHOLD")?;
        } else if let Some(t) = &config.threshold {
            rule.threshold = parse_threshold(t, "threshold in perfkit.toml")?;
        }
        let gate = match var("PERFKIT_GATE") {
            Some(v) => flag(&v, "PERFKIT_GATE")?,
            None => config.fail_on_regression.unwrap_or(false),
        };
        Ok(Settings {
            mode,
            smoke_reason,
            lock_path,
            history,
            rule,
            gate,
        })
    }
}

fn flag(value: &str, name: &str) -> Result<bool, String> {
    match value.trim() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => Err(format!(
            "{name}={other:?} is not understood; use {name}=1 or {name}=0"
        )),
    }
}

/// The mode for a `PERFKIT` value in a debug or optimised build.
fn mode_for(perfkit: Option<&str>, debug: bool) -> Result<(Mode, &'static str), String> {
    let asked = match perfkit.map(str::trim) {
        None | Some("") | Some("full") => Mode::Full,
        Some("quick") => Mode::Quick,
        Some("off") => return Ok((Mode::Smoke, "PERFKIT=off: timing skipped")),
        Some(other) => {
            return Err(format!(
                "PERFKIT={other:?} is not a mode perfkit knows; use PERFKIT=full (the default), \
                 PERFKIT=quick or PERFKIT=off"
            ));
        }
    };
    if debug {
        Ok((
            Mode::Smoke,
            "debug build: timing skipped; run with --release",
        ))
    } else {
        Ok((asked, ""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(vars: &[(&str, &str)], config: &Config) -> Result<Settings, String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let env = move |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        Settings::resolve(&env, config, Path::new("/nonexistent/ws/member"))
    }

    #[test]
    fn modes() {
        assert_eq!(mode_for(None, false).unwrap().0, Mode::Full);
        assert_eq!(mode_for(Some("quick"), false).unwrap().0, Mode::Quick);
        assert_eq!(mode_for(Some("off"), false).unwrap().0, Mode::Smoke);
        assert_eq!(mode_for(Some("quick"), true).unwrap().0, Mode::Smoke);
        let (mode, why) = mode_for(None, true).unwrap();
        assert_eq!(mode, Mode::Smoke);
        assert!(why.contains("--release"));
    }

    #[test]
    fn unknown_mode_is_an_error_that_lists_the_choices() {
        let err = mode_for(Some("fast"), false).unwrap_err();
        assert!(
            err.contains("\"fast\"") && err.contains("PERFKIT=quick"),
            "{err}"
        );
    }

    #[test]
    fn defaults() {
        let s = resolve(&[], &Config::default()).unwrap();
        assert_eq!(s.rule, VerdictRule::default());
        assert!(!s.gate);
        let History::Record(store) = s.history else {
            panic!("records by default")
        };
        assert_eq!(
            store.db,
            DbLocation::Sqlite("/nonexistent/ws/member/.perfkit/history.db".into())
        );
        assert_eq!(
            s.lock_path,
            PathBuf::from("/nonexistent/ws/member/.perfkit/history.db.lock")
        );
    }

    #[test]
    fn the_environment_wins_over_the_file() {
        let config = Config {
            alpha: Some(0.05),
            threshold: Some(Threshold::Fraction(0.1)),
            fail_on_regression: Some(true),
            record: Some(true),
            testbed: Some("from-file".into()),
            ..Config::default()
        };
        let s = resolve(&[], &config).unwrap();
        assert_eq!((s.rule.alpha, s.rule.threshold, s.gate), (0.05, 0.1, true));
        let s = resolve(
            &[
                ("PERFKIT_ALPHA", "0.001"),
                ("PERFKIT_THRESHOLD", "2%"),
                ("PERFKIT_GATE", "0"),
                ("PERFKIT_RECORD", "0"),
                ("PERFKIT_TESTBED", "from-env"),
            ],
            &config,
        )
        .unwrap();
        assert_eq!(
            (s.rule.alpha, s.rule.threshold, s.gate),
            (0.001, 0.02, false)
        );
        let History::ReadOnly(store) = s.history else {
            panic!("PERFKIT_RECORD=0 is read-only")
        };
        assert_eq!(store.testbed.as_deref(), Some("from-env"));
    }

    #[test]
    fn bad_values_name_their_source() {
        let err = resolve(&[("PERFKIT_RECORD", "maybe")], &Config::default()).unwrap_err();
        assert!(err.contains("PERFKIT_RECORD=\"maybe\""), "{err}");
        let err = resolve(&[("PERFKIT_ALPHA", "0.9")], &Config::default()).unwrap_err();
        assert!(err.contains("PERFKIT_ALPHA"), "{err}");
        let config = Config {
            threshold: Some(Threshold::Percent("lots".into())),
            ..Config::default()
        };
        let err = resolve(&[], &config).unwrap_err();
        assert!(err.contains("threshold in perfkit.toml"), "{err}");
    }
}
