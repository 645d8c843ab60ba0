//! [`MeasureLock`]: perf tests never measure at the same time as each other.
//!
//! Two layers: a process-wide mutex for the test threads of one binary, and an exclusive lock on
//! a file beside the history database for separate processes (nextest runs each test in a
//! process of its own, and several test binaries may run at once).

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

static PROCESS: Mutex<()> = Mutex::new(());

/// Held while a perf test measures; dropping it lets the next one start.
#[derive(Debug)]
pub struct MeasureLock {
    _file: Option<File>,
    _process: MutexGuard<'static, ()>,
    /// Why the cross-process layer is missing, when it is (the lock file could not be created).
    pub note: Option<String>,
}

impl MeasureLock {
    /// Waits for the process-wide lock, then for an exclusive lock on `file` (created with its
    /// directory if missing). When the file cannot be created, measurement is still serialised
    /// within this process and [`MeasureLock::note`] says why not across processes.
    pub fn acquire(file: &Path) -> MeasureLock {
        // A test that panicked while holding the mutex leaves no broken state behind it.
        let process = PROCESS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match lock_file(file) {
            Ok(f) => MeasureLock {
                _file: Some(f),
                _process: process,
                note: None,
            },
            Err(e) => MeasureLock {
                _file: None,
                _process: process,
                note: Some(format!(
                    "could not lock {} ({e}); perf tests in other processes may measure at the same time",
                    file.display()
                )),
            },
        }
    }
}

fn lock_file(path: &Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let f = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    f.lock()?;
    Ok(f)
}

/// The lock file that goes with a history database: `<db>.lock`.
pub fn lock_path_for(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}
