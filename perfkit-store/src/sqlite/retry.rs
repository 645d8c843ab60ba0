//! Waiting out other writers: the busy timeout, then retries with backoff.

use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rusqlite::ErrorCode;

use crate::error::StoreError;

/// How long SQLite itself waits for a lock before reporting busy.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long perfkit keeps retrying a busy operation in total before giving up.
const GIVE_UP_AFTER: Duration = Duration::from_secs(60);

/// Why a database operation failed, before the path and operation are attached.
#[derive(Debug)]
pub(crate) enum Failure {
    /// SQLite said no.
    Sql(rusqlite::Error),
    /// Stored data that cannot be read back.
    Invalid(String),
    /// A run that does not exist.
    UnknownRun(i64),
    /// Already a complete error.
    Store(StoreError),
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Failure {
        Failure::Sql(e)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure::Store(e)
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// Runs `op` until it succeeds, fails for a reason other than a lock, or a minute has passed.
///
/// The busy timeout alone is not enough: SQLite skips the busy handler in some cases (a
/// writer whose read snapshot went stale, recovery of a WAL after a crash) and returns busy at
/// once. Each attempt must therefore be a whole transaction, safe to run again.
pub(crate) fn retry<T>(
    path: &Path,
    op: &'static str,
    mut attempt: impl FnMut() -> Result<T, Failure>,
) -> Result<T, StoreError> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        match attempt() {
            Ok(value) => return Ok(value),
            Err(Failure::Sql(e)) if is_busy(&e) => {
                if start.elapsed() >= GIVE_UP_AFTER {
                    return Err(StoreError::Busy {
                        path: path.to_owned(),
                        waited: start.elapsed(),
                    });
                }
                std::thread::sleep(pause + jitter(pause));
                pause = (pause * 2).min(Duration::from_millis(250));
            }
            Err(failure) => return Err(to_error(path, op, failure)),
        }
    }
}

/// Up to `pause` more, so processes that collided do not retry in lockstep.
fn jitter(pause: Duration) -> Duration {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let seed = u64::from(nanos ^ std::process::id().rotate_left(16));
    let max = u64::try_from(pause.as_micros()).unwrap_or(u64::MAX).max(1);
    Duration::from_micros(seed % max)
}

/// Attaches the path and the operation, and names the failures that have a remedy.
pub(crate) fn to_error(path: &Path, op: &'static str, failure: Failure) -> StoreError {
    let path = path.to_owned();
    match failure {
        Failure::Store(e) => e,
        Failure::Invalid(what) => StoreError::InvalidData { path, what },
        Failure::UnknownRun(run) => StoreError::UnknownRun { path, run },
        Failure::Sql(source) => match source.sqlite_error_code() {
            Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied | ErrorCode::CannotOpen) => {
                StoreError::ReadOnly {
                    path,
                    cause: source.to_string(),
                }
            }
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StoreError::Corrupt {
                path,
                cause: source.to_string(),
            },
            Some(ErrorCode::DiskFull) => StoreError::DiskFull {
                path,
                op,
                cause: source.to_string(),
            },
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy {
                path,
                waited: GIVE_UP_AFTER,
            },
            _ => StoreError::Sqlite { path, op, source },
        },
    }
}
