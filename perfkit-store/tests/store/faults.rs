//! A PostgreSQL server that goes away in the middle of a run's write, on a private cluster
//! these tests own and stop (see `perfkit_store::test_cluster`; the shared server of
//! `PERFKIT_TEST_POSTGRES` must not be stopped). One cluster serves every test here, one test
//! at a time: `initdb` costs seconds.
//!
//! How the write is caught in the middle, deterministically and without a hook in perfkit:
//! every result carries a budget, and before the write the test opens its own transaction
//! holding `LOCK TABLE budgets IN SHARE MODE`. perfkit writes a run's commit, run row,
//! benchmarks and results first and its budgets last, so its transaction has begun, written
//! all of those, and then waits for the test's lock. The test waits until `pg_stat_activity`
//! shows perfkit's backend blocked on a lock in `INSERT INTO budgets` with a transaction id (so
//! it has written), and only then stops the server with `pg_ctl stop -m immediate`, which kills
//! every backend as a crash would.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use perfkit_store::test_cluster::TestCluster;
use perfkit_store::{BudgetOutcome, DbLocation, HistoryQuery, Record, Store, StoreError};

use crate::support::{fake_commit, record, run_at, testbed};

const RESULTS: u64 = 100;

/// `None` inside: no server binaries here (the skip has been printed).
static CLUSTER: Mutex<Option<Option<TestCluster>>> = Mutex::new(None);

/// Runs `test` with the shared private cluster, running, or skips it.
fn with_cluster(test: impl FnOnce(&TestCluster)) {
    let mut shared = CLUSTER.lock().unwrap_or_else(PoisonError::into_inner);
    let Some(cluster) = shared.get_or_insert_with(TestCluster::start_or_skip) else {
        return;
    };
    // A test that failed while the server was stopped leaves it stopped.
    if !cluster.is_running() {
        cluster.start_server();
    }
    test(cluster);
}

/// The results of run `n` (1 or 2), each with a budget: benchmarks of its own, so the second
/// run's are new.
fn records(n: u64) -> Vec<Record> {
    (0..RESULTS)
        .map(|b| {
            let mut r = record(&format!("run{n}/{b:03}"), n * 1000 + b);
            r.budgets = vec![BudgetOutcome {
                statistic: "median".into(),
                limit: 200.0,
                estimate: r.summary.median,
                passed: true,
            }];
            r
        })
        .collect()
}

/// Rows in each table a run writes to: runs, results, budgets, benchmarks, commits, and the
/// bytes of raw samples.
fn counts(url: &str) -> [i64; 6] {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let row = client
        .query_one(
            "SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM results),
                    (SELECT count(*) FROM budgets), (SELECT count(*) FROM benchmarks),
                    (SELECT count(*) FROM commits),
                    (SELECT coalesce(sum(length(samples)), 0)::BIGINT FROM results)",
            &[],
        )
        .unwrap();
    std::array::from_fn(|i| row.get(i))
}

/// A write held up mid-transaction: the database's URL, the thread writing (which gives back
/// the store and the write's outcome), and the connection whose lock holds the write up.
struct HeldWrite {
    url: String,
    writer: std::thread::JoinHandle<(Store, Result<(), StoreError>)>,
    _holder: postgres::Client,
}

/// Opens a store in a fresh database named `name`, records one run at commit 1, and starts
/// recording a second at commit 2 on another thread, held up before its budgets (see the
/// module doc).
/// Returns once the write is blocked mid-transaction.
fn write_held_half_way(cluster: &TestCluster, name: &str) -> HeldWrite {
    let url = cluster.create_database(name);
    let mut store = Store::open_location(&DbLocation::Postgres(url.clone())).unwrap();
    let tb = testbed();
    store
        .record_run(&run_at(Some(fake_commit(1)), false, &tb), &records(1))
        .unwrap();

    let mut holder = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    holder
        .batch_execute("BEGIN; LOCK TABLE budgets IN SHARE MODE")
        .unwrap();
    let writer = std::thread::spawn(move || {
        let result = store
            .record_run(&run_at(Some(fake_commit(2)), false, &tb), &records(2))
            .map(|_| ());
        (store, result)
    });

    let mut watcher = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let blocked: i64 = watcher
            .query_one(
                "SELECT count(*) FROM pg_stat_activity
                 WHERE application_name = 'perfkit' AND wait_event_type = 'Lock'
                   AND backend_xid IS NOT NULL AND query LIKE 'INSERT INTO budgets%'",
                &[],
            )
            .unwrap()
            .get(0);
        if blocked == 1 {
            break;
        }
        assert!(
            !writer.is_finished(),
            "the write finished without waiting for the lock on budgets"
        );
        assert!(
            Instant::now() < deadline,
            "perfkit's write never blocked on the lock on budgets"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    HeldWrite {
        url,
        writer,
        _holder: holder,
    }
}

/// The server stopped in the middle of a run's write: nothing of the run is stored; the error
/// names the URL (without its password) and the cause; after a restart, recording the run
/// again stores it whole. (Takes about 20 seconds: perfkit retries that long before it gives
/// up.)
#[test]
fn the_server_stopped_mid_write_stores_nothing_partial_and_a_rerun_records() {
    with_cluster(|cluster| {
        let HeldWrite {
            url,
            writer,
            _holder,
        } = write_held_half_way(cluster, "stopped_mid_write");
        let before = counts(&url);
        assert_eq!(
            before[..4],
            [1, RESULTS as i64, RESULTS as i64, RESULTS as i64],
            "the first run is stored"
        );

        cluster.stop_immediately();
        let (mut store, result) = writer.join().unwrap();
        let err = result.expect_err("the write cannot succeed with the server stopped");
        assert!(matches!(err, StoreError::Unreachable { .. }), "{err:?}");
        let message = err.to_string();
        let shown = format!(
            "postgres://perfkit:***@127.0.0.1:{}/stopped_mid_write",
            cluster.port()
        );
        assert!(message.contains(&shown), "{message}");
        assert!(!message.contains(cluster.password()), "{message}");
        assert!(!format!("{err:?}").contains(cluster.password()), "{err:?}");
        assert!(
            message.contains("recording a run") && message.contains("Connection refused"),
            "says what failed and why: {message}"
        );

        cluster.start_server();
        assert_eq!(counts(&url), before, "nothing of the stopped run is stored");

        // The same store, whose connection died with the server, records the run again.
        let tb = testbed();
        store
            .record_run(&run_at(Some(fake_commit(2)), false, &tb), &records(2))
            .unwrap();
        let after = counts(&url);
        let both = 2 * RESULTS as i64;
        assert_eq!(after[..4], [2, both, both, both], "{after:?}");
        assert_eq!(after[4], 2, "two commits");
        assert_eq!(after[5], 2 * before[5], "both runs' samples");
        let shas = [fake_commit(2).sha, fake_commit(1).sha];
        let points = store
            .history(&HistoryQuery::new("run2/050", &tb).along(&shas))
            .unwrap();
        assert_eq!(points.len(), 1);
        assert_eq!(points[0].record, records(2)[50]);
    });
}

/// A server back within perfkit's retry window: the interrupted run is written once, whole,
/// and the caller sees no error.
#[test]
fn a_server_restarted_mid_write_is_ridden_out_and_the_run_stored_once() {
    with_cluster(|cluster| {
        let HeldWrite {
            url,
            writer,
            _holder,
        } = write_held_half_way(cluster, "restarted_mid_write");
        let before = counts(&url);
        cluster.stop_immediately();
        std::thread::sleep(Duration::from_millis(500));
        cluster.start_server();
        let (store, result) = writer.join().unwrap();
        result.expect("the write is retried once the server is back");
        let after = counts(&url);
        assert_eq!(
            after[..2],
            [before[0] + 1, before[1] + RESULTS as i64],
            "one more run, whole: {after:?}"
        );
        assert_eq!(store.commits().unwrap().len(), 2);
    });
}
