//! A writer killed (SIGKILL) in the middle of its transactions loses only what it had not
//! committed: the database opens afterwards and every committed result is intact.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use perfkit_store::{HistoryQuery, Store};

use crate::support::{child, fake_commit, record, testbed};

const PER_RUN: u64 = 50;

/// Starts a looping writer at run `first`, kills it once it reports `after` commits, and
/// returns the last run it reported committed.
fn write_then_kill(db: &Path, first: u64, after: u64) -> u64 {
    let mut writer = child("looper")
        .env("DB", db)
        .env("PER_RUN", PER_RUN.to_string())
        .env("FIRST", first.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(writer.stdout.take().unwrap());
    let mut last = None;
    for line in stdout.lines() {
        let line = line.unwrap();
        if let Some(n) = line.split("@@committed ").nth(1) {
            last = Some(n.trim().parse::<u64>().unwrap());
            if last == Some(first + after - 1) {
                // Child::kill is SIGKILL on Unix: no destructor, no rollback, no flush.
                writer.kill().unwrap();
                break;
            }
        }
    }
    let status = writer.wait().unwrap();
    assert!(!status.success(), "the writer was expected to die");
    last.expect("the writer committed nothing before it was killed")
}

fn assert_intact(db: &Path, committed: u64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    drop(conn);

    let store = Store::open(db).unwrap();
    let tb = testbed();
    let shas: Vec<String> = (0..=committed).map(|i| fake_commit(i).sha).collect();
    for j in 0..PER_RUN {
        let name = format!("loop/{j}");
        let points = store
            .history(&HistoryQuery::new(&name, &tb).along(&shas))
            .unwrap();
        assert_eq!(points.len() as u64, committed + 1, "{name}");
        for (i, p) in points.iter().enumerate() {
            assert_eq!(p.record, record(&name, i as u64 * 1000 + j));
        }
    }
    // A transaction is all or nothing: no run was left half-written.
    for c in store.commits().unwrap() {
        assert_eq!(c.results, c.runs * PER_RUN, "commit {}", c.commit.summary);
    }
}

#[test]
fn a_writer_killed_mid_write_leaves_every_committed_result_intact() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.db");
    let mut next = 0;
    for after in [3, 8, 5] {
        let last = write_then_kill(&db, next, after);
        assert_intact(&db, last);
        // A run may have committed after the last one reported; start past anything stored.
        next = Store::open(&db).unwrap().commits().unwrap().len() as u64;
    }
}
