//! `perfkit.toml` at the workspace root: the same choices as the environment variables, for a
//! whole workspace. The environment wins over the file; a test's attribute wins over both.
//!
//! ```toml
//! db = ".perfkit/history.db"   # or a postgres:// URL (PERFKIT_DB)
//! baseline = "main"            # compare against this revision's merge-base (PERFKIT_BASELINE)
//! testbed = "ci-large"         # name this machine (PERFKIT_TESTBED)
//! record = true                # false: measure without recording (PERFKIT_RECORD=0)
//! mode = "full"                # full, quick or off (PERFKIT)
//! alpha = 0.01                 # significance level of the baseline comparison (PERFKIT_ALPHA)
//! threshold = "5%"             # smallest change called a regression (PERFKIT_THRESHOLD)
//! fail_on_regression = false   # fail every perf test on a confirmed regression (PERFKIT_GATE=1)
//! ```

use std::path::Path;

use serde::Deserialize;

/// The contents of `perfkit.toml`; every key optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `PERFKIT_DB`.
    pub db: Option<String>,
    /// `PERFKIT_BASELINE`.
    pub baseline: Option<String>,
    /// `PERFKIT_TESTBED`.
    pub testbed: Option<String>,
    /// `PERFKIT_RECORD` as a boolean.
    pub record: Option<bool>,
    /// `PERFKIT`: full, quick or off.
    pub mode: Option<String>,
    /// `PERFKIT_ALPHA`.
    pub alpha: Option<f64>,
    /// `PERFKIT_THRESHOLD`: `"5%"` or `0.05`.
    pub threshold: Option<Threshold>,
    /// `PERFKIT_GATE=1`.
    pub fail_on_regression: Option<bool>,
}

/// A threshold written as a percentage string (`"5%"`) or a fraction (`0.05`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Threshold {
    /// `0.05`
    Fraction(f64),
    /// `"5%"`
    Percent(String),
}

impl Config {
    /// Reads `<root>/perfkit.toml`; a missing file is an empty config.
    pub fn load(root: &Path) -> Result<Config, String> {
        let path = root.join("perfkit.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    fn parse(text: &str, path: &Path) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| {
            format!(
                "{} is not a valid perfkit configuration: {e}\nvalid keys: db, baseline, \
                 testbed, record, mode, alpha, threshold, fail_on_regression",
                path.display()
            )
        })
    }
}

/// Reads a threshold: `"5%"`, `"5"` (percent) or a fraction such as `0.05`, which must be
/// positive. `what` names its source in the error.
pub fn parse_threshold(value: &Threshold, what: &str) -> Result<f64, String> {
    let fraction = match value {
        Threshold::Fraction(f) => Some(*f),
        Threshold::Percent(s) => s
            .trim()
            .trim_end_matches('%')
            .trim()
            .parse::<f64>()
            .ok()
            .map(|p| p / 100.0),
    };
    match fraction {
        Some(f) if f.is_finite() && f > 0.0 => Ok(f),
        _ => Err(format!(
            "{what} must be a positive percentage such as \"5%\" (got {value:?})"
        )),
    }
}

/// Reads a significance level in (0, 0.5]. `what` names its source in the error.
pub fn check_alpha(alpha: f64, what: &str) -> Result<f64, String> {
    if alpha > 0.0 && alpha <= 0.5 {
        Ok(alpha)
    } else {
        Err(format!(
            "{what} must be greater than 0 and at most 0.5 (got {alpha})"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_parses() {
        let c = Config::parse(
            "db = \"h.db\"\nbaseline = \"main\"\ntestbed = \"ci\"\nrecord = false\n\
             mode = \"quick\"\nalpha = 0.05\nthreshold = \"2.5%\"\nfail_on_regression = true\n",
            Path::new("perfkit.toml"),
        )
        .unwrap();
        assert_eq!(c.db.as_deref(), Some("h.db"));
        assert_eq!(c.record, Some(false));
        assert_eq!(c.fail_on_regression, Some(true));
        assert_eq!(
            parse_threshold(c.threshold.as_ref().unwrap(), "t"),
            Ok(0.025)
        );
    }

    #[test]
    fn unknown_keys_are_named() {
        let err = Config::parse("treshold = 0.1", Path::new("/ws/perfkit.toml")).unwrap_err();
        assert!(
            err.contains("/ws/perfkit.toml") && err.contains("treshold"),
            "{err}"
        );
    }

    #[test]
    fn thresholds_and_alphas_are_checked() {
        assert_eq!(parse_threshold(&Threshold::Fraction(0.05), "t"), Ok(0.05));
        assert_eq!(
            parse_threshold(&Threshold::Percent("10 %".into()), "t"),
            Ok(0.1)
        );
        assert!(parse_threshold(&Threshold::Percent("-5%".into()), "t").is_err());
        assert!(parse_threshold(&Threshold::Percent("five".into()), "t").is_err());
        assert!(check_alpha(0.0, "a").is_err() && check_alpha(0.6, "a").is_err());
        assert_eq!(check_alpha(0.01, "a"), Ok(0.01));
    }
}
