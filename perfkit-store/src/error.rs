//! [`StoreError`]: everything that can go wrong while keeping history, each saying what to do.

use std::path::PathBuf;
use std::time::Duration;

/// Why a history operation failed.
///
/// Every variant about a database names its path; the ones about a file perfkit refuses to
/// use also promise that the file was left exactly as it was.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The file exists but is not a SQLite database.
    #[error(
        "{path} is not a SQLite database (it does not start with the SQLite header), so it is not \
         perfkit's history; perfkit left it untouched. Move it away, or set PERFKIT_DB to another path."
    )]
    NotSqlite {
        /// The file.
        path: PathBuf,
    },

    /// The file is a SQLite database that belongs to something else.
    #[error(
        "{path} is a SQLite database but not perfkit's history ({found}); perfkit left it \
         untouched. Move it away, or set PERFKIT_DB to another path."
    )]
    NotPerfkit {
        /// The file.
        path: PathBuf,
        /// What identifies it as foreign, e.g. `application_id 0x1234abcd`.
        found: String,
    },

    /// The database was written by a newer perfkit whose schema this one does not know.
    #[error(
        "{path} has history schema version {found}, but this perfkit-store {crate_version} knows \
         versions up to {supported}; perfkit left it untouched. Upgrade perfkit, or set PERFKIT_DB \
         to another path."
    )]
    NewerSchema {
        /// The file, or the PostgreSQL URL without its password.
        path: PathBuf,
        /// The schema version found (`PRAGMA user_version`, or PostgreSQL's `perfkit_schema`).
        found: u32,
        /// The newest schema version this crate knows.
        supported: u32,
        /// This crate's version.
        crate_version: &'static str,
    },

    /// SQLite reports the file as damaged.
    #[error(
        "{path} is damaged ({cause}); perfkit left it untouched. Move it away (`sqlite3 FILE \
         .recover` may rescue its history), or set PERFKIT_DB to another path."
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// SQLite's description.
        cause: String,
    },

    /// The database or its directory cannot be written.
    #[error(
        "cannot write the history database {path}: {cause}. Make that location writable, or set \
         PERFKIT_DB to a writable path (PERFKIT_RECORD=0 measures without recording)."
    )]
    ReadOnly {
        /// The file.
        path: PathBuf,
        /// What refused the write.
        cause: String,
    },

    /// A PostgreSQL database that holds tables, but not perfkit's history.
    #[error(
        "the PostgreSQL database {url} is not perfkit's history ({found}); perfkit left it \
         untouched. Point PERFKIT_DB (or --db) at an empty database, e.g. one made with \
         `createdb perfkit`."
    )]
    ForeignDatabase {
        /// The URL, without its password.
        url: String,
        /// What perfkit found there.
        found: String,
    },

    /// The PostgreSQL server could not be reached, or kept failing, for as long as perfkit
    /// retries.
    #[error(
        "cannot reach the history database {url} ({op}; retried for {waited:?}): {cause}. \
         Check that the server is running and the URL's host, port, user and database are \
         right, then run again."
    )]
    Unreachable {
        /// The URL, without its password.
        url: String,
        /// What perfkit was doing.
        op: &'static str,
        /// How long perfkit retried.
        waited: Duration,
        /// The last failure, in words.
        cause: String,
        /// The last failure.
        #[source]
        source: postgres::Error,
    },

    /// Any other PostgreSQL failure (a refused login, a missing database, a failed statement).
    #[error(
        "history database {url}: {op} failed: {cause}. Check the URL's user, password and \
         database and the server's log, or set PERFKIT_DB to another store."
    )]
    Postgres {
        /// The URL, without its password.
        url: String,
        /// What perfkit was doing.
        op: &'static str,
        /// The server's or the client's error, in words.
        cause: String,
        /// The server's or the client's error.
        #[source]
        source: postgres::Error,
    },

    /// The disk (or the file system's quota) holding the database is full.
    #[error(
        "the disk holding the history database {path} is full ({cause}): {op} was not done, and \
         the history written before is intact. Free space on that disk (`cargo perfkit gc` \
         prunes old history), or set PERFKIT_DB to a path on another disk."
    )]
    DiskFull {
        /// The file.
        path: PathBuf,
        /// What perfkit was doing.
        op: &'static str,
        /// SQLite's description.
        cause: String,
    },

    /// Other processes kept the database locked for longer than perfkit waits.
    #[error(
        "the history database {path} stayed locked by other processes for {waited:?}; perfkit \
         gave up. Look for a stuck process holding it (`fuser FILE`), then run again."
    )]
    Busy {
        /// The file.
        path: PathBuf,
        /// How long perfkit retried.
        waited: Duration,
    },

    /// Any other SQLite failure.
    #[error(
        "history database {path}: {op} failed: {source}. If it persists, move the file away \
         or set PERFKIT_DB to another path."
    )]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// What perfkit was doing.
        op: &'static str,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },

    /// A file system operation failed.
    #[error(
        "{path}: {op} failed: {source}. Check that the path is a writable directory or file, \
         or set PERFKIT_DB to another path."
    )]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What perfkit was doing.
        op: &'static str,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// Stored data that this crate cannot read back (for example a samples blob of odd length).
    #[error(
        "history database {path}: {what}; the file may have been edited by hand. Move it \
         away, or set PERFKIT_DB to another path."
    )]
    InvalidData {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        what: String,
    },

    /// A declaration of a metric under the name of one perfkit measures itself.
    #[error(
        "`{name}` is a metric perfkit measures itself, with its own unit and direction; give \
         your metric another name (for example `my_{name}`)"
    )]
    BuiltinMetric {
        /// The name.
        name: String,
    },

    /// A revision (`PERFKIT_BASELINE`, `--base`) that git cannot resolve to a commit.
    #[error(
        "git cannot resolve `{rev}` to a commit ({cause}); use a branch, tag, SHA or HEAD~N that \
         exists in this clone (fetch it first if it lives on a remote)"
    )]
    UnknownRevision {
        /// The revision as given.
        rev: String,
        /// git's description.
        cause: String,
    },

    /// Two commits without a common ancestor, so no merge-base to take a baseline from.
    #[error(
        "{head} and `{base}` have no common ancestor{}, so there is no merge-base to compare \
         against; choose a base revision on the same history",
        if *shallow {
            " in this shallow clone (fetch more history: `git fetch --unshallow`)"
        } else {
            ""
        }
    )]
    NoMergeBase {
        /// The commit measured.
        head: String,
        /// The base revision as given.
        base: String,
        /// Whether the clone is shallow, the likely reason.
        shallow: bool,
    },

    /// A git operation needed a repository and there is none.
    #[error(
        "{what} needs a git repository, and {dir} is not in one; run inside a git clone, or \
         drop the base revision"
    )]
    NoRepository {
        /// What was asked.
        what: String,
        /// Where perfkit looked.
        dir: PathBuf,
    },

    /// Any other git failure.
    #[error("git: {op} failed: {source}. Check the repository with `git status`.")]
    Git {
        /// What perfkit was doing.
        op: String,
        /// libgit2's error.
        #[source]
        source: git2::Error,
    },

    /// A run id that the store does not hold.
    #[error(
        "history database {path}: there is no run {run}; record the run with \
         `Store::record_run` first (a run id from another database does not carry over)"
    )]
    UnknownRun {
        /// The file.
        path: PathBuf,
        /// The id asked for.
        run: i64,
    },
}
