//! [`Settings`]: what the environment asks of this run (`PERFKIT`, `PERFKIT_DB`, ...).

use std::path::{Path, PathBuf};

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
}

impl Settings {
    /// Reads `PERFKIT` and `PERFKIT_DB`, for a test whose crate lives in `manifest_dir`.
    pub fn from_env(manifest_dir: &Path) -> Result<Settings, String> {
        let perfkit = std::env::var("PERFKIT").ok();
        let (mode, smoke_reason) = mode_for(perfkit.as_deref(), cfg!(debug_assertions))?;
        let db = match std::env::var_os("PERFKIT_DB") {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => workspace_root(manifest_dir)
                .join(".perfkit")
                .join("history.db"),
        };
        Ok(Settings {
            mode,
            smoke_reason,
            lock_path: crate::measure::lock_path_for(&db),
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

/// The root of the cargo workspace holding `manifest_dir`: the nearest ancestor (or itself) whose
/// `Cargo.toml` declares `[workspace]`; the crate's own directory when none does.
pub fn workspace_root(manifest_dir: &Path) -> PathBuf {
    manifest_dir
        .ancestors()
        .find(|dir| {
            std::fs::read_to_string(dir.join("Cargo.toml"))
                .is_ok_and(|toml| toml.lines().any(|l| l.trim() == "[workspace]"))
        })
        .unwrap_or(manifest_dir)
        .to_path_buf()
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

    #[test]
    fn workspace_root_is_found_from_a_member() {
        let member = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = workspace_root(member);
        assert_eq!(root, member.parent().unwrap());
    }
}
