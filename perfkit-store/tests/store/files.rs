//! Which files make up the store: `history.db` alone is the history, also while the writer
//! that wrote it still holds its connection open (a perf-test process keeps one in a static).

use std::path::{Path, PathBuf};

use perfkit_store::{DEFAULT_METRIC, Store, StoredComparison};

use crate::support::{fake_commit, record, run_at, temp_store, testbed};

/// Copies `history.db` alone (no `-wal`, no `-shm`) into a fresh directory, as a CI cache or an
/// upload would, and opens the copy.
fn copy_alone(path: &Path) -> (tempfile::TempDir, PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("history.db");
    std::fs::copy(path, &copy).unwrap();
    let store = Store::open(&copy).unwrap();
    (dir, copy, store)
}

fn result_count(store: &Store) -> u64 {
    store.benchmarks().unwrap().iter().map(|b| b.results).sum()
}

/// The tables and results in a copy of `history.db` alone, read without perfkit (which would
/// create missing tables).
fn raw_copy(path: &Path) -> (i64, i64) {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("history.db");
    std::fs::copy(path, &copy).unwrap();
    let conn = rusqlite::Connection::open(&copy).unwrap();
    let tables = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let results = conn
        .query_row("SELECT count(*) FROM results", [], |r| r.get(0))
        .unwrap_or(-1);
    (tables, results)
}

/// Issue 11.2: the WAL was never folded back, so a copy of `history.db` lost the results (and
/// a fresh store copied alone had no tables at all).
#[test]
fn history_db_alone_holds_every_write_while_the_writer_is_open() {
    let (_dir, path, mut store) = temp_store();
    let (_c, _p, copy) = copy_alone(&path);
    assert_eq!(
        result_count(&copy),
        0,
        "a fresh store copied alone is a store"
    );

    let tb = testbed();
    let recorded = store
        .record_run(&run_at(Some(fake_commit(1)), false, &tb), &[record("a", 1)])
        .unwrap();
    assert_eq!(raw_copy(&path).1, 1, "record_run");

    let added = store.add_records(recorded.run, &[record("b", 2)]).unwrap();
    assert_eq!(raw_copy(&path).1, 2, "add_records");

    let comparison = StoredComparison {
        ratio: 1.5,
        ratio_ci_lower: 1.4,
        ratio_ci_upper: 1.6,
        p: 0.001,
        verdict: "regression".into(),
    };
    store.set_comparison(added[0], &comparison).unwrap();
    let (_c, _p, copy) = copy_alone(&path);
    let at = copy
        .results_at(&fake_commit(1).sha, &tb, DEFAULT_METRIC)
        .unwrap();
    let b = at.iter().find(|p| p.record.benchmark == "b").unwrap();
    assert_eq!(
        b.record.comparison.as_ref().map(|c| c.ratio),
        Some(1.5),
        "set_comparison"
    );

    for i in 2..5 {
        store
            .record_run(&run_at(Some(fake_commit(i)), false, &tb), &[record("a", i)])
            .unwrap();
    }
    let report = store.gc(std::num::NonZeroUsize::MIN, false).unwrap();
    assert!(report.runs > 0);
    let (_c, _p, copy) = copy_alone(&path);
    assert_eq!(
        result_count(&copy),
        result_count(&store),
        "gc's deletions reach the file"
    );
}

/// Issue 11.8: `gc` never returned space to the disk; the file only grew.
#[test]
fn gc_returns_the_space_it_pruned_to_the_disk() {
    let (_dir, path, mut store) = temp_store();
    let tb = testbed();
    for i in 0..20 {
        let records: Vec<_> = (0..20)
            .map(|j| record(&format!("b{j}"), i * 100 + j))
            .collect();
        store
            .record_run(&run_at(Some(fake_commit(i)), false, &tb), &records)
            .unwrap();
    }
    let before = std::fs::metadata(&path).unwrap().len();
    let report = store.gc(std::num::NonZeroUsize::MIN, false).unwrap();
    assert_eq!(report.runs, 19);
    let after = std::fs::metadata(&path).unwrap().len();
    assert!(after < before / 2, "{before} -> {after} bytes");
    assert_eq!(report.freed_bytes, before - after);
}
