//! Many processes writing at once lose nothing and never see "database is locked".

use std::process::Stdio;

use perfkit_store::{HistoryQuery, Store};

use crate::backends::locations;
use crate::support::{child, record, testbed};

const WRITERS: u64 = 8;
const EACH: u64 = 50;

#[test]
fn eight_processes_writing_fifty_results_each_lose_nothing() {
    for at in locations() {
        eight_writers(&at.location);
    }
}

fn eight_writers(location: &perfkit_store::DbLocation) {
    let dir = tempfile::tempdir().unwrap();
    // No store exists yet: the writers race to create and migrate it, too.
    let db = match location {
        perfkit_store::DbLocation::Sqlite(path) => path.display().to_string(),
        perfkit_store::DbLocation::Postgres(url) => url.clone(),
    };
    let start = dir.path().join("go");
    let children: Vec<_> = (0..WRITERS)
        .map(|id| {
            child("writer")
                .env("DB", &db)
                .env("WRITER", id.to_string())
                .env("COUNT", EACH.to_string())
                .env("START", &start)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    std::fs::write(&start, "").unwrap();
    for c in children {
        let out = c.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "a writer failed:\n{text}");
        assert!(!text.contains("locked"), "a writer saw a lock:\n{text}");
    }

    let store = Store::open_location(location).unwrap();
    let benchmarks = store.benchmarks().unwrap();
    assert_eq!(benchmarks.len() as u64, WRITERS * EACH);
    assert_eq!(
        benchmarks.iter().map(|b| b.results).sum::<u64>(),
        WRITERS * EACH
    );
    let tb = testbed();
    for id in 0..WRITERS {
        for i in 0..EACH {
            let name = format!("writer{id}/result{i}");
            let points = store.history(&HistoryQuery::new(&name, &tb)).unwrap();
            assert_eq!(points.len(), 1, "{name}");
            assert_eq!(points[0].record, record(&name, id * 1000 + i), "{name}");
        }
    }
    // The writers shared 50 commits: each stored once, with one run per writer.
    let commits = store.commits().unwrap();
    assert_eq!(commits.len() as u64, EACH);
    assert!(
        commits
            .iter()
            .all(|c| c.runs == WRITERS && c.results == WRITERS)
    );
}
