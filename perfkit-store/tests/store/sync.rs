//! `sync`: runs copied between any two stores, every field intact, each run once however
//! often it is synced.

use perfkit_store::{BudgetOutcome, RunFilter, Source, Store, StoredRun, Timestamp, sync};

use crate::backends::{TempStore, backends, sqlite_location};
use crate::roundtrip::full_record;
use crate::support::{fake_commit, record, run_at, testbed, testbed_named};

/// Every run of `store` with its records, sorted by uid (ids differ between stores), as
/// text: `Debug` prints NaN as `NaN`, so a NaN that came back compares equal to itself.
fn contents(store: &Store) -> Vec<String> {
    let mut all: Vec<_> = store
        .stored_runs()
        .unwrap()
        .into_iter()
        .map(|StoredRun { id, uid, run }| (uid, run, store.run_records(id).unwrap()))
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all.iter().map(|run| format!("{run:?}")).collect()
}

/// A store holding one of everything: commits and none, dirty and clean, branches and
/// detached, two testbeds, several metrics, budgets, comparisons, notes, NaN and sizes.
fn varied() -> TempStore {
    let mut store = sqlite_location().open();
    let tb = testbed();
    let other = testbed_named(Some("ci-runner"));
    let mut budgeted = record("budgeted", 3);
    budgeted.budgets = vec![BudgetOutcome {
        statistic: "median".into(),
        limit: 120.0,
        estimate: 101.0,
        passed: true,
    }];
    budgeted.summary.sd = f64::NAN;
    let mut sized = record("sized", 4);
    sized.size = Some(1 << 20);
    let mut latency = record("served", 5);
    latency.metric = "latency".into();
    store
        .record_run(
            &run_at(Some(fake_commit(1)), false, &tb),
            &[full_record(), budgeted, sized, latency],
        )
        .unwrap();
    let mut dirty = run_at(Some(fake_commit(2)), true, &tb);
    dirty.notes = vec!["HEAD is detached".into(), "shallow clone".into()];
    dirty.branch = None;
    dirty.source = Source::Criterion;
    store.record_run(&dirty, &[record("a", 6)]).unwrap();
    let mut old = run_at(None, false, &other);
    old.started_at = Timestamp::from_unix_ms(1_000);
    old.branch = Some("feature/ünïcødé's".into());
    store
        .record_run(&old, &[record("it's \"quoted\"", 7)])
        .unwrap();
    store
}

#[test]
fn a_round_trip_through_every_backend_preserves_every_field_and_twice_adds_nothing() {
    let source = varied();
    let expected = contents(&source);
    assert_eq!(expected.len(), 3);
    for mut middle in backends() {
        let first = sync(&source, &mut middle, &RunFilter::default()).unwrap();
        assert_eq!((first.considered, first.copied, first.results), (3, 3, 6));
        let again = sync(&source, &mut middle, &RunFilter::default()).unwrap();
        assert_eq!(
            (again.considered, again.copied),
            (3, 0),
            "syncing twice adds nothing"
        );
        assert_eq!(contents(&middle), expected, "{}", middle.at.backend);

        let mut back = sqlite_location().open();
        sync(&middle, &mut back, &RunFilter::default()).unwrap();
        assert_eq!(contents(&back), expected, "back from {}", middle.at.backend);
        // And the way back is idempotent too: the uids came along.
        let none = sync(&back, &mut middle, &RunFilter::default()).unwrap();
        assert_eq!(none.copied, 0);
        assert_eq!(middle.commits().unwrap().len(), 2);
    }
}

#[test]
fn filters_choose_branch_testbed_and_start() {
    let source = varied();
    for mut target in backends() {
        let only = |branch: Option<&str>, testbed: Option<&str>, since: Option<i64>| RunFilter {
            branch: branch.map(str::to_owned),
            testbed: testbed.map(str::to_owned),
            since: since.map(Timestamp::from_unix_ms),
        };
        let r = sync(&source, &mut target, &only(Some("main"), None, None)).unwrap();
        assert_eq!((r.considered, r.copied), (1, 1));
        let r = sync(&source, &mut target, &only(None, Some("ci-runner"), None)).unwrap();
        assert_eq!((r.considered, r.copied), (1, 1));
        let r = sync(&source, &mut target, &only(None, None, Some(2_000))).unwrap();
        assert_eq!(
            (r.considered, r.copied),
            (2, 1),
            "only the dirty run was new"
        );
        assert_eq!(target.stored_runs().unwrap().len(), 3);
    }
}

/// Runs are copied many to a transaction: a sync larger than one batch copies every run once,
/// the last, partial batch included.
#[test]
fn a_sync_larger_than_one_batch_copies_every_run_once() {
    let mut source = sqlite_location().open();
    let tb = testbed();
    let per_run = 3_000;
    assert!(
        4 * per_run >= perfkit_store::SYNC_BATCH_RESULTS
            && 3 * per_run < perfkit_store::SYNC_BATCH_RESULTS
    );
    for c in 0..5 {
        let records: Vec<_> = (0..per_run as u64)
            .map(|b| record(&format!("b{b}"), c * 10_000 + b))
            .collect();
        source
            .record_run(&run_at(Some(fake_commit(c)), false, &tb), &records)
            .unwrap();
    }
    for mut target in backends() {
        let r = sync(&source, &mut target, &RunFilter::default()).unwrap();
        assert_eq!(
            (r.considered, r.copied, r.results),
            (5, 5, 5 * per_run as u64)
        );
        assert_eq!(
            contents(&target),
            contents(&source),
            "{}",
            target.at.backend
        );
        let again = sync(&source, &mut target, &RunFilter::default()).unwrap();
        assert_eq!(again.copied, 0);
    }
}
