//! The child side of the multi-process tests. In a normal test run `entry` finds no mode and
//! passes at once; a parent test starts this binary with `PERFKIT_STORE_TEST_CHILD=<mode>`
//! and `--exact child::entry` to run one of the modes below.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use perfkit_store::{DbLocation, Store, StoreError};

use crate::support::{CHILD_ENV, fake_commit, record, run_at, testbed};

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("child needs {name}"))
}

#[test]
fn entry() {
    let Ok(mode) = std::env::var(CHILD_ENV) else {
        return;
    };
    match mode.as_str() {
        "writer" => writer(),
        "looper" => looper(),
        "open" => open(),
        "read" => read(),
        other => panic!("unknown child mode {other}"),
    }
}

/// Waits for the start file, then records `COUNT` runs of one result each, one transaction
/// each, sharing commits with the other writers.
fn writer() {
    // A path or a postgres:// URL.
    let db = DbLocation::from_setting(Some(&var("DB")), std::path::Path::new("/"));
    let id: u64 = var("WRITER").parse().unwrap();
    let count: u64 = var("COUNT").parse().unwrap();
    let start = PathBuf::from(var("START"));
    let deadline = Instant::now() + Duration::from_secs(30);
    while !start.exists() {
        assert!(Instant::now() < deadline, "start file never appeared");
        std::thread::sleep(Duration::from_millis(1));
    }
    // Every writer opens (and so may create and migrate) the store at the same moment.
    let mut store = Store::open_location(&db).unwrap();
    let tb = testbed();
    for i in 0..count {
        let run = run_at(Some(fake_commit(i)), false, &tb);
        let name = format!("writer{id}/result{i}");
        store
            .record_run(&run, &[record(&name, id * 1000 + i)])
            .unwrap();
    }
}

/// Records runs of `PER_RUN` results forever, reporting each commit on stdout, until killed.
fn looper() {
    let db = PathBuf::from(var("DB"));
    let per_run: u64 = var("PER_RUN").parse().unwrap();
    let first: u64 = var("FIRST").parse().unwrap();
    let mut store = Store::open(&db).unwrap();
    let tb = testbed();
    let mut out = std::io::stdout();
    for i in first.. {
        let records: Vec<_> = (0..per_run)
            .map(|j| record(&format!("loop/{j}"), i * 1000 + j))
            .collect();
        store
            .record_run(&run_at(Some(fake_commit(i)), false, &tb), &records)
            .unwrap();
        writeln!(out, "@@committed {i}").unwrap();
        out.flush().unwrap();
    }
}

/// Opens `DB` and prints the outcome on one line.
fn open() {
    let db = PathBuf::from(var("DB"));
    match Store::open(&db) {
        Ok(_) => println!("@@opened"),
        Err(e @ StoreError::ReadOnly { .. }) => println!("@@read-only: {e}"),
        Err(e) => println!("@@other error: {e}"),
    }
}

/// Opens `DB` read-only and prints how many results it holds, or the error, on one line.
fn read() {
    let db = PathBuf::from(var("DB"));
    let results = Store::open_read_only(&db)
        .and_then(|store| store.benchmarks())
        .map(|b| b.iter().map(|b| b.results).sum::<u64>());
    match results {
        Ok(n) => println!("@@read {n}"),
        Err(e) => println!("@@error: {e}"),
    }
}
