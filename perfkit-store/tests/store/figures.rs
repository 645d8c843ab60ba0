//! Figures (ignored by default; run with
//! `cargo test -p perfkit-store --release --test store -- --ignored --nocapture figures`).
//!
//! Not assertions: numbers for the record, measured on a store of 10,000 commits x 100
//! benchmarks with 100 samples each (1,000,000 results). Set `PERFKIT_FIGURES_DIR` to keep
//! the database somewhere other than a temporary directory. SQLite beside PostgreSQL is
//! `examples/backend_figures.rs`.

use std::time::{Duration, Instant};

use perfkit_store::{BaselineQuery, HistoryQuery, Store};

use crate::support::{fake_commit, record, run_at, testbed};

const COMMITS: u64 = 10_000;
const BENCHMARKS: u64 = 100;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let out = f();
    (start.elapsed(), out)
}

#[test]
#[ignore = "takes minutes; run for the figures"]
fn figures() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("PERFKIT_FIGURES_DIR").map_or(tmp.path().to_owned(), Into::into);
    let tb = testbed();

    // Recording one result of 100 samples, one transaction each, into a small store.
    let small = dir.join("small.db");
    let _ = std::fs::remove_file(&small);
    let mut store = Store::open(&small).unwrap();
    let times: Vec<Duration> = (0..200)
        .map(|i| {
            let run = run_at(Some(fake_commit(i)), false, &tb);
            let r = record("one", i);
            time(|| store.record_run(&run, &[r]).unwrap()).0
        })
        .collect();
    println!(
        "record one result (100 samples), median of 200: {:?}",
        median(times)
    );

    // The big store: one run of 100 results per commit, one transaction per commit. A store
    // left in PERFKIT_FIGURES_DIR by an earlier run is reused.
    let big = dir.join("big.db");
    let reuse = big.exists()
        && Store::open(&big).is_ok_and(|s| {
            s.benchmarks()
                .is_ok_and(|b| b.len() as u64 == BENCHMARKS + 1)
        });
    let mut store = Store::open(&big).unwrap();
    if reuse {
        println!(
            "reusing the store of {COMMITS} commits x {BENCHMARKS} benchmarks in {}",
            big.display()
        );
    } else {
        let (build, ()) = time(|| {
            for c in 0..COMMITS {
                let records: Vec<_> = (0..BENCHMARKS)
                    .map(|b| record(&format!("bench/{b:03}"), c * 1000 + b))
                    .collect();
                store
                    .record_run(&run_at(Some(fake_commit(c)), false, &tb), &records)
                    .unwrap();
            }
        });
        println!(
            "build {COMMITS} commits x {BENCHMARKS} benchmarks ({} results, one transaction per \
             commit): {build:?}",
            COMMITS * BENCHMARKS
        );
        // A benchmark measured only at the oldest commit: the worst case for a baseline search.
        store
            .record_run(
                &run_at(Some(fake_commit(0)), false, &tb),
                &[record("rare", 1)],
            )
            .unwrap();
    }

    let shas: Vec<String> = (0..COMMITS).rev().map(|i| fake_commit(i).sha).collect();
    let history = |samples: bool| {
        let mut q = HistoryQuery::new("bench/042", &tb).along(&shas);
        q.include_samples = samples;
        let times: Vec<_> = (0..5)
            .map(|_| {
                let (t, points) = time(|| store.history(&q).unwrap());
                assert_eq!(points.len() as u64, COMMITS);
                t
            })
            .collect();
        median(times)
    };
    println!(
        "history of one benchmark along 10,000 first-parent commits, with samples: {:?}",
        history(true)
    );
    println!("  the same without samples: {:?}", history(false));
    let times: Vec<_> = (0..5)
        .map(|_| time(|| store.history(&HistoryQuery::new("bench/042", &tb)).unwrap()).0)
        .collect();
    println!(
        "history of one benchmark by commit time (no SHA list): {:?}",
        median(times)
    );

    let baseline = |query: BaselineQuery<'_>| {
        let times: Vec<_> = (0..20)
            .map(|_| {
                let (t, b) = time(|| store.baseline(&query, shas[1..].iter().cloned()).unwrap());
                assert!(b.is_some());
                t
            })
            .collect();
        median(times)
    };
    println!(
        "baseline of one benchmark (nearest ancestor has it): {:?}",
        baseline(BaselineQuery::new(&tb).benchmark("bench/042"))
    );
    println!(
        "baseline of all 100 benchmarks (pooled): {:?}",
        baseline(BaselineQuery::new(&tb))
    );
    println!(
        "baseline of a benchmark found only 9,999 commits back: {:?}",
        baseline(BaselineQuery::new(&tb).benchmark("rare"))
    );

    let runs_along = |query: BaselineQuery<'_>| {
        let times: Vec<_> = (0..5)
            .map(|_| {
                let (t, found) = time(|| {
                    store
                        .runs_along(&query, shas[1..].iter().cloned(), 20)
                        .unwrap()
                });
                assert_eq!(found.len(), 20);
                t
            })
            .collect();
        median(times)
    };
    println!(
        "history for the judge, one benchmark, 20 commits with samples: {:?}",
        runs_along(BaselineQuery::new(&tb).benchmark("bench/042"))
    );
    println!(
        "history for the judge, all 100 benchmarks, 20 commits with samples: {:?}",
        runs_along(BaselineQuery::new(&tb))
    );

    git_figures(&dir);

    drop(store);
    let conn = rusqlite::Connection::open(&big).unwrap();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(conn);
    let bytes = std::fs::metadata(&big).unwrap().len();
    println!(
        "database size: {:.1} MiB for {} results = {:.0} bytes per result (100 samples = 800 bytes raw)",
        bytes as f64 / (1024.0 * 1024.0),
        COMMITS * BENCHMARKS + 1,
        bytes as f64 / (COMMITS * BENCHMARKS + 1) as f64
    );
}

/// What the git side costs: discovering HEAD and the dirty state, and walking 10,000
/// first parents (the longest baseline search above).
fn git_figures(dir: &std::path::Path) {
    let path = dir.join("repo");
    let _ = std::fs::remove_dir_all(&path);
    let repo = git2::Repository::init(&path).unwrap();
    std::fs::write(path.join("a.txt"), "a").unwrap();
    let mut index = repo.index().unwrap();
    index.add_path(std::path::Path::new("a.txt")).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("t", "t@example.com").unwrap();
    let mut parent: Option<git2::Oid> = None;
    for i in 0..COMMITS {
        let parents: Vec<_> = parent
            .iter()
            .map(|p| repo.find_commit(*p).unwrap())
            .collect();
        let refs: Vec<_> = parents.iter().collect();
        parent = Some(
            repo.commit(Some("HEAD"), &sig, &sig, &format!("c{i}"), &tree, &refs)
                .unwrap(),
        );
    }
    let times: Vec<_> = (0..5)
        .map(|_| time(|| perfkit_store::GitContext::discover(&path)).0)
        .collect();
    println!(
        "git: discover HEAD, branch and dirty state: {:?}",
        median(times)
    );
    let git = perfkit_store::GitContext::discover(&path);
    let head = git.head().unwrap().sha.clone();
    let times: Vec<_> = (0..5)
        .map(|_| {
            let (t, n) = time(|| git.first_parents(&head).unwrap().count());
            assert_eq!(n as u64, COMMITS);
            t
        })
        .collect();
    println!("git: walk 10,000 first parents: {:?}", median(times));
}
