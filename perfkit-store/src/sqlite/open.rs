//! Opening a history file: refuse what is not ours before writing a single byte, then set
//! the connection up and migrate.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::Path;

use std::time::Duration;

use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};

use super::APPLICATION_ID;
use super::migrations::{SCHEMA_VERSION, migrate};
use super::retry::{BUSY_TIMEOUT, Failure, retry, to_error};
use crate::error::StoreError;

/// Every SQLite 3 database file starts with these 16 bytes.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// What a file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    /// A new or empty database: no tables, no application id.
    Empty,
    /// perfkit's history at this schema version.
    Perfkit {
        /// `PRAGMA user_version`.
        version: u32,
    },
    /// Someone else's database.
    Foreign {
        /// `PRAGMA application_id`.
        application_id: i32,
        /// Its number of schema objects.
        objects: i64,
    },
}

/// Opens, validates, configures and migrates the history at `path`.
pub(crate) fn open(path: &Path) -> Result<Connection, StoreError> {
    if path.is_dir() {
        return Err(StoreError::Io {
            path: path.to_owned(),
            op: "opening the history database",
            source: io::Error::new(io::ErrorKind::IsADirectory, "it is a directory"),
        });
    }
    check_header(path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(|source| dir_error(path, dir, source))?;
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags)
        .map_err(|e| to_error(path, "opening", Failure::Sql(e)))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| to_error(path, "setting the busy timeout", Failure::Sql(e)))?;
    // SQLite silently opens a write-protected file read-only; say so now rather than at the
    // first write, which may be after a long measurement.
    if conn.is_readonly("main").unwrap_or(false) {
        return Err(StoreError::ReadOnly {
            path: path.to_owned(),
            cause: "the file is write-protected".to_owned(),
        });
    }
    let found = retry(path, "reading the header", || Ok(inspect(&conn)?))?;
    let version = check(path, found)?;

    // Everything below may write: only now is the file known to be perfkit's (or empty).
    retry(path, "switching to WAL", || {
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        Ok(mode)
    })?;
    retry(path, "configuring", || {
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
        Ok(())
    })?;
    if version < SCHEMA_VERSION {
        retry(path, "migrating", || migrate(&mut conn, path))?;
        super::write::fold_wal(&conn);
    }
    Ok(conn)
}

/// Opens the existing history at `path` for reading only, never writing a byte to it, so that
/// a write-protected file, or one in a write-protected directory, can be read.
///
/// A WAL-mode file is read with its `-shm` index when SQLite can open or create it; when it
/// cannot (a read-only directory without one), the file is opened as immutable: with no lock
/// anyone could hold there, and the WAL folded back after every write (see the module doc's
/// Files), the file alone is the history. A file with an older schema is copied into memory
/// and the copy migrated, so the file stays as it was.
pub(crate) fn open_read_only(path: &Path) -> Result<Connection, StoreError> {
    if path.is_dir() {
        return Err(StoreError::Io {
            path: path.to_owned(),
            op: "opening the history database",
            source: io::Error::new(io::ErrorKind::IsADirectory, "it is a directory"),
        });
    }
    if !path.exists() {
        return Err(StoreError::Io {
            path: path.to_owned(),
            op: "opening the history database",
            source: io::Error::new(io::ErrorKind::NotFound, "there is no such file"),
        });
    }
    check_header(path)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let found = match read_only_connection(path, flags) {
        Ok(found) => found,
        Err(e) if cannot_open_shm(&e) => {
            let uri = format!("file:{}?immutable=1", uri_path(path));
            read_only_connection(Path::new(&uri), flags | OpenFlags::SQLITE_OPEN_URI)
                .map_err(|e| to_error(path, "opening read-only", e))?
        }
        Err(e) => return Err(to_error(path, "opening read-only", e)),
    };
    let (conn, found) = found;
    if check(path, found)? == SCHEMA_VERSION {
        return Ok(conn);
    }
    // An older schema cannot be migrated in place without writing: migrate a copy in memory.
    let mut copy = Connection::open_in_memory()
        .map_err(|e| to_error(path, "copying an older schema", Failure::Sql(e)))?;
    retry(path, "copying an older schema", || {
        Backup::new(&conn, &mut copy)?.run_to_completion(i32::MAX, Duration::ZERO, None)?;
        Ok(())
    })?;
    retry(path, "migrating a copy of an older schema", || {
        migrate(&mut copy, path)
    })?;
    Ok(copy)
}

/// A read-only connection to `path` and what the file is.
fn read_only_connection(path: &Path, flags: OpenFlags) -> Result<(Connection, Found), Failure> {
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let found = retry(path, "reading the header", || Ok(inspect(&conn)?))?;
    Ok((conn, found))
}

/// Whether opening failed because the WAL index (`-shm`) could not be opened or created.
fn cannot_open_shm(failure: &Failure) -> bool {
    let code = match failure {
        Failure::Sql(e) => e.sqlite_error_code(),
        Failure::Store(StoreError::ReadOnly { .. }) => return true,
        _ => None,
    };
    matches!(
        code,
        Some(rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly)
    )
}

/// `path` as the path part of an SQLite URI: `%`, `?` and `#` escaped.
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

/// Reads what the file is, without writing to it.
pub(crate) fn inspect(conn: &Connection) -> rusqlite::Result<Found> {
    let (application_id, version, objects): (i32, i64, i64) = conn.query_row(
        "SELECT (SELECT application_id FROM pragma_application_id),
                (SELECT user_version FROM pragma_user_version),
                (SELECT count(*) FROM sqlite_schema)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(match application_id {
        APPLICATION_ID => Found::Perfkit {
            version: u32::try_from(version).unwrap_or(u32::MAX),
        },
        0 if objects == 0 && version == 0 => Found::Empty,
        _ => Found::Foreign {
            application_id,
            objects,
        },
    })
}

/// The schema version to migrate from, or the error that refuses the file.
pub(crate) fn check(path: &Path, found: Found) -> Result<u32, StoreError> {
    match found {
        Found::Empty => Ok(0),
        Found::Perfkit { version } if version <= SCHEMA_VERSION => Ok(version),
        Found::Perfkit { version } => Err(StoreError::NewerSchema {
            path: path.to_owned(),
            found: version,
            supported: SCHEMA_VERSION,
            crate_version: env!("CARGO_PKG_VERSION"),
        }),
        Found::Foreign {
            application_id: 0,
            objects,
        } => Err(StoreError::NotPerfkit {
            path: path.to_owned(),
            found: format!("it has no application_id and {objects} schema objects"),
        }),
        Found::Foreign { application_id, .. } => Err(StoreError::NotPerfkit {
            path: path.to_owned(),
            found: format!(
                "its application_id is {application_id:#010x}, perfkit's is {APPLICATION_ID:#010x}"
            ),
        }),
    }
}

/// Refuses a non-empty file that does not start with SQLite's header. SQLite would refuse it
/// too, but only after perfkit had asked it to open the file for writing.
fn check_header(path: &Path) -> Result<(), StoreError> {
    let mut file = match File::open(path) {
        Ok(file) => file,
        // Missing: it will be created. Unreadable: opening it reports why.
        Err(_) => return Ok(()),
    };
    let mut header = Vec::with_capacity(SQLITE_HEADER.len());
    let read = file
        .by_ref()
        .take(SQLITE_HEADER.len() as u64)
        .read_to_end(&mut header);
    match read {
        Ok(0) => Ok(()),
        Ok(_) if header == SQLITE_HEADER => Ok(()),
        Ok(_) => Err(StoreError::NotSqlite {
            path: path.to_owned(),
        }),
        Err(source) => Err(StoreError::Io {
            path: path.to_owned(),
            op: "reading the header",
            source,
        }),
    }
}

fn dir_error(path: &Path, dir: &Path, source: io::Error) -> StoreError {
    match source.kind() {
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            StoreError::ReadOnly {
                path: path.to_owned(),
                cause: format!("cannot create the directory {}: {source}", dir.display()),
            }
        }
        _ => StoreError::Io {
            path: dir.to_owned(),
            op: "creating the directory",
            source,
        },
    }
}
