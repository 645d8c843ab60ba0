//! [`Settings`]: what the environment and `perfkit.toml` ask of this run.
//!
//! Precedence: a test's own attribute, then the environment (`PERFKIT`, `PERFKIT_DB`, ...),
//! then `perfkit.toml` at the workspace root, then the defaults.

use std::path::{Path, PathBuf};
use std::time::Duration;

use perfkit_grammar::{self as grammar, ModeSetting, Origin, SettingError, ValueError};
use perfkit_store::DbLocation;

use super::config::{Config, SettingsError};
use perfkit_store::MetricInfo;

use crate::compare::{VerdictRule, configured_rule, default_rule};
use crate::measure::Mode;
use crate::profile::ProfilePlan;

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
    /// Significance level and threshold of the baseline comparison of time (before a test's
    /// own).
    pub rule: VerdictRule,
    /// The same for counts (instructions mode): the configured alpha and threshold, else the
    /// counts' defaults ([`crate::compare::default_rule`]).
    pub count_rule: VerdictRule,
    /// Fail every perf test on a confirmed regression, not only those with `regression = ..`.
    pub gate: bool,
    /// `[[budget]]` entries of `perfkit.toml`, added to a test's own budgets.
    pub budgets: Vec<super::file_budgets::FileBudget>,
    /// `PERFKIT_PROFILE=1`: also profile each test's routine after measuring it, this long
    /// (`PERFKIT_PROFILE_TIME`, default [`ProfilePlan::DEFAULT`]).
    pub profile: Option<ProfilePlan>,
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
            count_rule: default_rule(&counts()),
            gate: false,
            budgets: Vec::new(),
            profile: None,
        }
    }

    /// The rule for judging `metric`: [`Settings::count_rule`] for counts, else
    /// [`Settings::rule`], facing the metric's direction.
    pub fn rule_for(&self, metric: &MetricInfo) -> VerdictRule {
        configured_rule(metric, self.rule, self.count_rule)
    }

    /// Reads the environment and `perfkit.toml` for a test whose crate is in `manifest_dir`.
    pub fn from_env(manifest_dir: &Path) -> Result<Settings, SettingsError> {
        let config = Config::load(&perfkit_store::workspace_root(manifest_dir))?;
        Settings::resolve(&|name| std::env::var(name).ok(), &config, manifest_dir)
    }

    /// Combines an environment (`env` looks variables up) with a config file.
    pub(crate) fn resolve(
        env: &dyn Fn(&str) -> Option<String>,
        config: &Config,
        manifest_dir: &Path,
    ) -> Result<Settings, SettingsError> {
        let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let mode = read(&var, "PERFKIT", grammar::mode)?.or(config.mode);
        let (mode, smoke_reason) = mode_for(mode, cfg!(debug_assertions));

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
        let record = read(&var, "PERFKIT_RECORD", grammar::flag)?
            .or(config.record)
            .unwrap_or(true);
        let history = if record {
            History::Record(store)
        } else {
            History::ReadOnly(store)
        };

        let mut rule = VerdictRule::default();
        let mut count_rule = default_rule(&counts());
        if let Some(alpha) = read(&var, "PERFKIT_ALPHA", grammar::alpha)?.or(config.alpha) {
            rule.alpha = alpha;
            count_rule.alpha = alpha;
        }
        let threshold = read(&var, "PERFKIT_THRESHOLD", grammar::threshold)?;
        if let Some(threshold) = threshold.or(config.threshold) {
            rule.threshold = threshold;
            count_rule.threshold = threshold;
        }
        let gate = read(&var, "PERFKIT_GATE", grammar::flag)?
            .or(config.fail_on_regression)
            .unwrap_or(false);
        let profile = read(&var, "PERFKIT_PROFILE", grammar::flag)?
            .unwrap_or(false)
            .then_some(ProfilePlan::DEFAULT);
        let profile_time = read(&var, "PERFKIT_PROFILE_TIME", grammar::duration_ns)?;
        let profile = match (profile, profile_time) {
            (Some(_), Some(ns)) => Some(ProfilePlan::for_time(Duration::from_nanos(ns.value))),
            (profile, _) => profile,
        };
        Ok(Settings {
            mode,
            smoke_reason,
            lock_path,
            history,
            rule,
            count_rule,
            gate,
            budgets: config.budgets.clone(),
            profile,
        })
    }
}

/// The description of instruction counts, whose default rule the counts' rule starts from.
fn counts() -> MetricInfo {
    MetricInfo::builtin("instructions").expect("instructions is a built-in metric")
}

/// The environment variable `name` read by `parse`; `None` when it is unset or blank.
fn read<T>(
    var: &dyn Fn(&str) -> Option<String>,
    name: &'static str,
    parse: fn(&str) -> Result<T, ValueError>,
) -> Result<Option<T>, SettingError> {
    var(name)
        .map(|value| SettingError::new(Origin::Env(name), &value, parse))
        .transpose()
}

/// The mode for a `PERFKIT` setting in a debug or optimised build.
fn mode_for(asked: Option<ModeSetting>, debug: bool) -> (Mode, &'static str) {
    let asked = match asked {
        None | Some(ModeSetting::Full) => Mode::Full,
        Some(ModeSetting::Quick) => Mode::Quick,
        Some(ModeSetting::Instructions) => Mode::Instructions,
        Some(ModeSetting::Off) => return (Mode::Smoke, "PERFKIT=off: timing skipped"),
    };
    if debug {
        (
            Mode::Smoke,
            "debug build: timing skipped; run with --release",
        )
    } else {
        (asked, "")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(vars: &[(&str, &str)], config: &Config) -> Result<Settings, SettingsError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let env = move |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        Settings::resolve(&env, config, Path::new("/nonexistent/ws/member"))
    }

    fn error(vars: &[(&str, &str)], config: &Config) -> String {
        resolve(vars, config).unwrap_err().to_string()
    }

    #[test]
    fn modes() {
        assert_eq!(mode_for(None, false).0, Mode::Full);
        assert_eq!(mode_for(Some(ModeSetting::Quick), false).0, Mode::Quick);
        assert_eq!(mode_for(Some(ModeSetting::Off), false).0, Mode::Smoke);
        assert_eq!(
            mode_for(Some(ModeSetting::Instructions), false).0,
            Mode::Instructions
        );
        assert_eq!(
            mode_for(Some(ModeSetting::Instructions), true).0,
            Mode::Smoke
        );
        assert_eq!(mode_for(Some(ModeSetting::Quick), true).0, Mode::Smoke);
        let (mode, why) = mode_for(None, true);
        assert_eq!(mode, Mode::Smoke);
        assert!(why.contains("--release"));
    }

    #[test]
    fn an_unknown_mode_names_the_variable_and_lists_the_choices() {
        assert_eq!(
            error(&[("PERFKIT", "fast")], &Config::default()),
            "PERFKIT=\"fast\": unknown mode `fast`; expected full (the default), quick, off or \
             instructions"
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
            threshold: Some(0.1),
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
    fn counts_default_to_their_own_threshold_unless_one_is_configured() {
        let s = resolve(&[], &Config::default()).unwrap();
        assert_eq!(
            s.rule_for(&MetricInfo::builtin("time").unwrap()).threshold,
            0.05
        );
        assert_eq!(
            s.rule_for(&MetricInfo::builtin("instructions").unwrap())
                .threshold,
            0.005
        );
        assert_eq!(
            s.rule_for(&MetricInfo::builtin("estimated_cycles").unwrap())
                .threshold,
            0.005
        );
        let s = resolve(&[("PERFKIT_THRESHOLD", "3%")], &Config::default()).unwrap();
        assert_eq!(
            s.rule_for(&MetricInfo::builtin("time").unwrap()).threshold,
            0.03
        );
        assert_eq!(
            s.rule_for(&MetricInfo::builtin("instructions").unwrap())
                .threshold,
            0.03
        );
    }

    /// Issue 11: the same threshold text means the same in the environment and the file.
    #[test]
    fn the_environment_and_the_file_read_a_threshold_alike() {
        let path = Path::new("/ws/perfkit.toml");
        for (env, toml) in [
            ("5", "threshold = 5"),
            ("5%", "threshold = \"5%\""),
            ("2.5", "threshold = 2.5"),
            ("0.5%", "threshold = \"0.5%\""),
        ] {
            let from_env = resolve(&[("PERFKIT_THRESHOLD", env)], &Config::default()).unwrap();
            let from_file = resolve(&[], &Config::parse(toml, path).unwrap()).unwrap();
            assert_eq!(
                from_env.rule.threshold, from_file.rule.threshold,
                "{env} / {toml}"
            );
        }
        let from_env = error(&[("PERFKIT_THRESHOLD", "0.05")], &Config::default());
        assert!(from_env.starts_with("PERFKIT_THRESHOLD=\"0.05\": threshold `0.05` is ambiguous"));
        assert!(Config::parse("threshold = 0.05", path).is_err());
    }

    #[test]
    fn bad_values_name_their_source() {
        assert_eq!(
            error(&[("PERFKIT_RECORD", "maybe")], &Config::default()),
            "PERFKIT_RECORD=\"maybe\": `maybe` is neither on nor off; use 1 or 0 (or \
             true/false, yes/no, on/off)"
        );
        assert_eq!(
            error(&[("PERFKIT_ALPHA", "0.9")], &Config::default()),
            "PERFKIT_ALPHA=\"0.9\": alpha must be greater than 0 and at most 0.5, like 0.01"
        );
        let err = error(&[("PERFKIT_THRESHOLD", "lots")], &Config::default());
        assert_eq!(
            err,
            "PERFKIT_THRESHOLD=\"lots\": malformed threshold `lots`: write a percentage like \
             5% (a bare 5 means 5% too)"
        );
    }
}
