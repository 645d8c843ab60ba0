//! Opening: what is not perfkit's history is refused by name and left untouched; a location
//! that cannot be written says so; migrating is idempotent.

use std::path::Path;

use perfkit_store::{APPLICATION_ID, SCHEMA_VERSION, Store, StoreError};

use crate::support::{child, child_at, record, run_at, temp_store, testbed};

/// Opens `path`, expecting a refusal, and checks the file kept every byte and got no WAL.
fn refused(path: &Path) -> StoreError {
    let before = std::fs::read(path).unwrap();
    let err = Store::open(path).expect_err("the file should be refused");
    assert_eq!(
        std::fs::read(path).unwrap(),
        before,
        "the file was modified"
    );
    let wal = path.with_extension("db-wal");
    assert!(!wal.exists(), "a WAL was created beside the refused file");
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("untouched"), "{message}");
    err
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    std::fs::write(&path, "these are my notes, not a database\n".repeat(100)).unwrap();
    let err = refused(&path);
    assert!(matches!(err, StoreError::NotSqlite { .. }), "{err:?}");
}

#[test]
fn a_damaged_sqlite_file_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.extend(std::iter::repeat_n(0xA5, 4096));
    std::fs::write(&path, bytes).unwrap();
    let err = refused(&path);
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
}

#[test]
fn another_programs_sqlite_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');")
        .unwrap();
    drop(conn);
    let err = refused(&path);
    assert!(
        matches!(&err, StoreError::NotPerfkit { found, .. } if found.contains("no application_id")),
        "{err:?}"
    );

    let other = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch("PRAGMA application_id = 1234;").unwrap();
    drop(conn);
    let err = refused(&other);
    assert!(
        matches!(&err, StoreError::NotPerfkit { found, .. } if found.contains("0x000004d2")),
        "{err:?}"
    );
}

#[test]
fn a_newer_schema_is_refused_untouched_naming_both_versions() {
    let (_dir, path, mut store) = temp_store();
    store
        .record_run(&run_at(None, false, &testbed()), &[record("a", 1)])
        .unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    // Fold the WAL into the file and drop it, so the bytes compared are the whole database.
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    drop(conn);
    let err = refused(&path);
    match &err {
        StoreError::NewerSchema {
            found, supported, ..
        } => {
            assert_eq!((*found, *supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
        }
        other => panic!("{other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains(&format!("version {}", SCHEMA_VERSION + 1)),
        "{message}"
    );
    assert!(message.contains("Upgrade perfkit"), "{message}");
}

#[test]
fn opening_twice_migrates_once_and_keeps_the_data() {
    let (_dir, path, mut store) = temp_store();
    store
        .record_run(&run_at(None, false, &testbed()), &[record("a", 1)])
        .unwrap();
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.benchmarks().unwrap()[0].results, 1);
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (app, version): (i32, u32) = conn
        .query_row(
            "SELECT (SELECT application_id FROM pragma_application_id),
                    (SELECT user_version FROM pragma_user_version)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((app, version), (APPLICATION_ID, SCHEMA_VERSION));
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn an_empty_file_becomes_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    std::fs::write(&path, "").unwrap();
    Store::open(&path).unwrap();
}

#[test]
fn a_directory_is_not_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::open(dir.path()).unwrap_err();
    assert!(err.to_string().contains("is a directory"), "{err}");
}

/// Runs the `open` child against `db`, as an unprivileged user when this process may write
/// where permissions say it may not (root may write anywhere).
fn open_without_privileges(db: &Path, privileged: bool) -> String {
    child_without_privileges("open", db, privileged)
}

/// Runs the child in `mode` against `db` as in [`open_without_privileges`].
fn child_without_privileges(mode: &str, db: &Path, privileged: bool) -> String {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    // The unprivileged user may not reach this binary or the current directory (a checkout
    // under /root, say), so it runs a world-readable copy from a world-readable directory.
    let exe_dir = tempfile::tempdir().unwrap();
    let mut cmd = if privileged {
        let exe = exe_dir.path().join("store-test");
        std::fs::copy(std::env::current_exe().unwrap(), &exe).unwrap();
        for path in [exe_dir.path(), &exe] {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let mut cmd = child_at(&exe, mode);
        cmd.current_dir(exe_dir.path()).uid(65534).gid(65534);
        cmd
    } else {
        child(mode)
    };
    cmd.env("DB", db);
    let out = cmd
        .output()
        .expect("cannot run the test binary as user 65534 (nobody)");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .find_map(|l| l.split("@@").nth(1))
        .unwrap_or_else(|| panic!("the child said nothing: {stdout}"))
        .to_owned()
}

#[test]
fn a_read_only_location_is_a_clear_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();

    // A directory nobody may create the store in.
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let privileged = std::fs::write(locked.join("probe"), "").is_ok();
    let said = open_without_privileges(&locked.join(".perfkit").join("history.db"), privileged);
    assert!(said.starts_with("read-only: "), "{said}");
    assert!(said.contains("locked/.perfkit"), "{said}");
    assert!(said.contains("PERFKIT_DB"), "{said}");

    // An existing store that is write-protected.
    let db = dir.path().join("history.db");
    Store::open(&db).unwrap();
    let _ = std::fs::remove_file(locked.join("probe"));
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let said = open_without_privileges(&db, privileged);
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(said.starts_with("read-only: "), "{said}");
    assert!(said.contains("history.db"), "{said}");
}

/// Issue 11.5: `list`, `history`, `export`, `check`, `compare`, `baseline` and
/// `PERFKIT_RECORD=0` refused a write-protected store. Read-only, it is read: beside a
/// writable directory, in a write-protected one, and while a writer holds it open.
#[test]
fn a_write_protected_store_can_be_read() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    let dir = tempfile::tempdir().unwrap();
    mode(dir.path(), 0o755);
    let privileged = {
        let locked = dir.path().join("probe-dir");
        std::fs::create_dir(&locked).unwrap();
        mode(&locked, 0o555);
        std::fs::write(locked.join("probe"), "").is_ok()
    };
    let db = dir.path().join("history.db");
    let mut store = Store::open(&db).unwrap();
    let tb = testbed();
    store
        .record_run(&run_at(None, false, &tb), &[record("a", 1), record("b", 2)])
        .unwrap();
    drop(store);
    mode(&db, 0o444);

    // The directory is writable (SQLite may create the WAL index there), the file is not.
    mode(dir.path(), 0o777);
    let said = child_without_privileges("read", &db, privileged);
    assert_eq!(said, "read 2");

    // Neither is writable, and no WAL index exists.
    mode(dir.path(), 0o555);
    let said = child_without_privileges("read", &db, privileged);
    assert_eq!(said, "read 2");

    // A writer (this process) holds the file open, so its WAL and index exist.
    mode(dir.path(), 0o755);
    mode(&db, 0o644);
    let mut writer = Store::open(&db).unwrap();
    writer
        .record_run(&run_at(None, false, &tb), &[record("c", 3)])
        .unwrap();
    mode(&db, 0o444);
    mode(dir.path(), 0o555);
    let said = child_without_privileges("read", &db, privileged);
    mode(dir.path(), 0o755);
    drop(writer);
    assert_eq!(said, "read 3");

    // Writing through a read-only store says why.
    let mut reader = Store::open_read_only(&db).unwrap();
    let err = reader
        .record_run(&run_at(None, false, &tb), &[record("d", 4)])
        .unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err:?}");
}

/// A store written by an older perfkit (schema version 1) is read read-only through a
/// migrated copy, and the file is left as it was.
#[test]
fn an_older_schema_is_read_read_only_without_migrating_the_file() {
    let (_dir, path, mut store) = temp_store();
    store
        .record_run(&run_at(None, false, &testbed()), &[record("old", 1)])
        .unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    // Undo migrations 6 (profiles), 5 (metrics), 4 (uid), 3 (metric) and 2 (imported).
    conn.execute_batch(
        "DROP TABLE profiles;
         DROP TABLE metrics;
         DROP INDEX runs_by_uid;
         ALTER TABLE runs DROP COLUMN uid;
         DROP INDEX results_by_series;
         ALTER TABLE results DROP COLUMN metric;
         CREATE INDEX results_by_series ON results(benchmark_id, testbed_id, commit_id, dirty);
         DROP TABLE imported;
         PRAGMA user_version = 1;",
    )
    .unwrap();
    drop(conn);
    let before = std::fs::read(&path).unwrap();
    let reader = Store::open_read_only(&path).unwrap();
    let names: Vec<String> = reader
        .benchmarks()
        .unwrap()
        .into_iter()
        .map(|b| b.name)
        .collect();
    assert_eq!(names, ["old"]);
    drop(reader);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file was modified"
    );
}
