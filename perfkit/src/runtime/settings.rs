//! [`Settings`]: what the environment asks of this run (`PERFKIT`, `PERFKIT_DB`, ...).

use std::path::{Path, PathBuf};

use perfkit_store::DbLocation;

use crate::measure::Mode;

/// The environment's choices for a perf test run.
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
}

/// What a perf test does with history.
#[derive(Debug, Clone, PartialEq)]
pub enum History {
    /// Neither read nor write history (tests of the runtime itself).
    Off,
    /// Compare with the baseline in `db` and record the result there.
    Record {
        /// The store.
        db: DbLocation,
        /// `PERFKIT_BASELINE`: compare against this revision's merge-base instead.
        base: Option<String>,
    },
    /// `PERFKIT_RECORD=0`: compare with the baseline when the store exists, record nothing.
    ReadOnly {
        /// The store.
        db: DbLocation,
        /// As for [`History::Record`].
        base: Option<String>,
    },
}

impl Settings {
    /// Reads `PERFKIT` and `PERFKIT_DB`, for a test whose crate lives in `manifest_dir`.
    pub fn from_env(manifest_dir: &Path) -> Result<Settings, String> {
        let perfkit = std::env::var("PERFKIT").ok();
        let (mode, smoke_reason) = mode_for(perfkit.as_deref(), cfg!(debug_assertions))?;
        let db = DbLocation::from_env(manifest_dir);
        let lock_path = match &db {
            DbLocation::Sqlite(path) => crate::measure::lock_path_for(path),
            DbLocation::Postgres(_) => {
                perfkit_store::default_db_path(manifest_dir).with_file_name("measure.lock")
            }
        };
        let base = std::env::var("PERFKIT_BASELINE")
            .ok()
            .filter(|b| !b.trim().is_empty());
        let record = std::env::var("PERFKIT_RECORD").ok();
        let history = match record.as_deref().map(str::trim) {
            Some("0" | "false" | "no" | "off") => History::ReadOnly { db, base },
            None | Some("" | "1" | "true" | "yes" | "on") => History::Record { db, base },
            Some(other) => {
                return Err(format!(
                    "PERFKIT_RECORD={other:?} is not understood; use PERFKIT_RECORD=0 to measure \
                     without recording, or leave it unset"
                ));
            }
        };
        Ok(Settings {
            mode,
            smoke_reason,
            lock_path,
            history,
        })
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
}
