//! Where history lives: [`DbLocation`], chosen by `PERFKIT_DB` or else
//! `<workspace root>/.perfkit/history.db`.
//!
//! The default sits at the workspace root and outside `target/`, so every crate of a workspace
//! shares one history and `cargo clean` does not destroy it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Where the store is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbLocation {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL URL (`postgres://...`). Displayed without its password.
    Postgres(String),
}

impl DbLocation {
    /// `PERFKIT_DB` when set and not empty, else [`default_db_path`].
    ///
    /// A relative `PERFKIT_DB` is taken from the workspace root rather than the current
    /// directory, because `cargo test` runs each package in its own directory and one setting
    /// must mean one file for the whole workspace.
    pub fn from_env(manifest_dir: &Path) -> DbLocation {
        let value = std::env::var("PERFKIT_DB")
            .ok()
            .filter(|v| !v.trim().is_empty());
        DbLocation::from_setting(value.as_deref(), manifest_dir)
    }

    /// The location a `PERFKIT_DB`-style setting names (`None`: the default).
    ///
    /// ```
    /// use perfkit_store::DbLocation;
    /// use std::path::Path;
    /// let root = Path::new("/nonexistent/ws");
    /// assert_eq!(
    ///     DbLocation::from_setting(Some("postgres://ci@db/perf"), root),
    ///     DbLocation::Postgres("postgres://ci@db/perf".into())
    /// );
    /// assert_eq!(
    ///     DbLocation::from_setting(Some("/tmp/h.db"), root),
    ///     DbLocation::Sqlite("/tmp/h.db".into())
    /// );
    /// ```
    pub fn from_setting(setting: Option<&str>, manifest_dir: &Path) -> DbLocation {
        match setting.map(str::trim) {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                DbLocation::Postgres(url.to_owned())
            }
            Some(path) => {
                let path = PathBuf::from(path);
                if path.is_absolute() {
                    DbLocation::Sqlite(path)
                } else {
                    DbLocation::Sqlite(workspace_root(manifest_dir).join(path))
                }
            }
            None => DbLocation::Sqlite(default_db_path(manifest_dir)),
        }
    }
}

impl std::fmt::Display for DbLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbLocation::Sqlite(path) => write!(f, "{}", path.display()),
            DbLocation::Postgres(url) => f.write_str(&crate::redact_url(url)),
        }
    }
}

/// `<workspace root>/.perfkit/history.db` for the crate whose manifest is in `manifest_dir`.
pub fn default_db_path(manifest_dir: &Path) -> PathBuf {
    workspace_root(manifest_dir)
        .join(".perfkit")
        .join("history.db")
}

/// The nearest directory at or above `manifest_dir` whose `Cargo.toml` declares `[workspace]`;
/// `manifest_dir` itself when none does. Cached per process, since every perf test asks.
pub fn workspace_root(manifest_dir: &Path) -> PathBuf {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, PathBuf>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(root) = cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(manifest_dir)
    {
        return root.clone();
    }
    let root = manifest_dir
        .ancestors()
        .find(|dir| declares_workspace(&dir.join("Cargo.toml")))
        .unwrap_or(manifest_dir)
        .to_owned();
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(manifest_dir.to_owned(), root.clone());
    root
}

/// Whether a manifest has a `[workspace]` table (or a `[workspace.*]` one, which implies it).
fn declares_workspace(manifest: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(manifest) else {
        return false;
    };
    text.lines().any(|line| {
        let line = line.trim();
        line == "[workspace]" || line.starts_with("[workspace.")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_workspace_above_a_member() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("Cargo.toml"), "[workspace]\nmembers = [\"a\"]\n").unwrap();
        let member = root.join("a");
        std::fs::create_dir(&member).unwrap();
        std::fs::write(member.join("Cargo.toml"), "[package]\nname = \"a\"\n").unwrap();
        assert_eq!(workspace_root(&member), root);
        assert_eq!(default_db_path(&member), root.join(".perfkit/history.db"));
        assert_eq!(
            DbLocation::from_setting(Some("h.db"), &member),
            DbLocation::Sqlite(root.join("h.db"))
        );
    }

    #[test]
    fn a_lone_package_is_its_own_root() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
        assert_eq!(workspace_root(dir.path()), dir.path());
    }
}
