//! Listings, history order, what a baseline holds, a series' recent runs, and a head's runs.

use perfkit_store::{
    BaselineQuery, DEFAULT_METRIC, HeadRuns, HistoryQuery, SeriesKey, Store, Timestamp,
};

use crate::backends::backends;
use crate::support::{fake_commit, record, run_at, testbed, testbed_named};

/// The first-parent order of the fake commits `0..n`, nearest first.
fn first_parent_order(n: u64) -> Vec<String> {
    (0..n).rev().map(|i| fake_commit(i).sha).collect()
}

fn baseline_commit(store: &Store, query: &BaselineQuery<'_>, shas: &[String]) -> Option<String> {
    store
        .baseline(query, shas.iter().cloned())
        .unwrap()
        .map(|b| b.commit.sha)
}

#[test]
fn a_baseline_keeps_every_clean_run_of_its_commit_on_its_testbed_apart() {
    for mut store in backends() {
        let tb = testbed();
        let other = testbed_named(Some("other machine"));
        let at = |i| Some(fake_commit(i));
        let mut first = run_at(at(1), false, &tb);
        first.started_at = Timestamp::from_unix_ms(1_000);
        let mut second = run_at(at(1), false, &tb);
        second.started_at = Timestamp::from_unix_ms(5_000);
        store
            .record_run(&first, &[record("a", 1), record("b", 2)])
            .unwrap();
        store.record_run(&second, &[record("a", 3)]).unwrap();
        store
            .record_run(&run_at(at(1), true, &tb), &[record("a", 4)])
            .unwrap();
        store
            .record_run(&run_at(at(1), false, &other), &[record("a", 5)])
            .unwrap();

        let shas = first_parent_order(3);
        let baseline = store
            .baseline(&BaselineQuery::new(&tb), shas[1..].iter().cloned())
            .unwrap()
            .unwrap();
        assert_eq!(baseline.commit, fake_commit(1));
        assert_eq!(baseline.runs, 2);
        assert_eq!(baseline.newest_run, Timestamp::from_unix_ms(5_000));
        let a = baseline.series(&SeriesKey::new("a", None)).unwrap();
        assert_eq!(
            a.runs,
            vec![record("a", 1).samples, record("a", 3).samples],
            "each run apart, oldest first, dirty and other testbeds left out"
        );
        assert_eq!(
            baseline
                .series(&SeriesKey::new("b", None))
                .unwrap()
                .runs
                .len(),
            1
        );
        assert_eq!(
            baseline.describe(Timestamp::from_unix_ms(5_000 + 2 * 86_400_000)),
            format!("{} (2 runs, 2 days ago)", &fake_commit(1).sha[..7])
        );

        // Another testbed only sees its own results.
        let theirs = store
            .baseline(&BaselineQuery::new(&other), shas.iter().cloned())
            .unwrap()
            .unwrap();
        assert_eq!((theirs.runs, theirs.series.len()), (1, 1));
        // A testbed the store never saw has no baseline.
        let unseen = testbed_named(Some("unseen"));
        assert_eq!(
            baseline_commit(&store, &BaselineQuery::new(&unseen), &shas),
            None
        );
    }
}

#[test]
fn one_benchmark_finds_its_own_nearest_results() {
    for mut store in backends() {
        let tb = testbed();
        store
            .record_run(
                &run_at(Some(fake_commit(1)), false, &tb),
                &[record("old", 1)],
            )
            .unwrap();
        store
            .record_run(
                &run_at(Some(fake_commit(2)), false, &tb),
                &[record("new", 1)],
            )
            .unwrap();
        let shas = first_parent_order(4);
        assert_eq!(
            baseline_commit(&store, &BaselineQuery::new(&tb), &shas),
            Some(fake_commit(2).sha)
        );
        assert_eq!(
            baseline_commit(&store, &BaselineQuery::new(&tb).benchmark("old"), &shas),
            Some(fake_commit(1).sha)
        );
        let only_old = store
            .baseline(
                &BaselineQuery::new(&tb).benchmark("old"),
                shas.iter().cloned(),
            )
            .unwrap()
            .unwrap();
        assert_eq!(only_old.series.len(), 1);
        assert_eq!(
            baseline_commit(&store, &BaselineQuery::new(&tb).benchmark("never"), &shas),
            None
        );
    }
}

#[test]
fn a_run_can_be_excluded_from_its_own_baseline() {
    for mut store in backends() {
        let tb = testbed();
        store
            .record_run(&run_at(Some(fake_commit(1)), false, &tb), &[record("a", 1)])
            .unwrap();
        let current = store
            .record_run(&run_at(Some(fake_commit(2)), false, &tb), &[record("a", 2)])
            .unwrap();
        // Candidates starting at the run's own commit, as with an explicit base at HEAD.
        let shas = first_parent_order(3);
        assert_eq!(
            baseline_commit(&store, &BaselineQuery::new(&tb), &shas),
            Some(fake_commit(2).sha)
        );
        let query = BaselineQuery::new(&tb).excluding(current.run);
        assert_eq!(
            baseline_commit(&store, &query, &shas),
            Some(fake_commit(1).sha)
        );
    }
}

#[test]
fn a_baseline_far_back_is_found_across_many_candidate_chunks() {
    for mut store in backends() {
        let tb = testbed();
        store
            .record_run(&run_at(Some(fake_commit(3)), false, &tb), &[record("a", 1)])
            .unwrap();
        let shas = first_parent_order(2_000);
        assert_eq!(
            baseline_commit(&store, &BaselineQuery::new(&tb), &shas),
            Some(fake_commit(3).sha)
        );
    }
}

#[test]
fn history_follows_the_given_order_or_commit_time() {
    for mut store in backends() {
        let tb = testbed();
        for i in [3, 1, 4, 0, 2] {
            store
                .record_run(&run_at(Some(fake_commit(i)), false, &tb), &[record("a", i)])
                .unwrap();
        }
        store
            .record_run(&run_at(Some(fake_commit(2)), true, &tb), &[record("a", 9)])
            .unwrap();
        store
            .record_run(&run_at(None, false, &tb), &[record("a", 10)])
            .unwrap();

        let by_time = store.history(&HistoryQuery::new("a", &tb)).unwrap();
        let order: Vec<_> = by_time
            .iter()
            .map(|p| p.commit.as_ref().map(|c| c.summary.clone()))
            .collect();
        let summary = |i: u64| Some(fake_commit(i).summary);
        assert_eq!(
            order,
            vec![
                summary(4),
                summary(3),
                summary(2),
                summary(1),
                summary(0),
                None
            ]
        );

        // Along a branch that skips commit 3 and lists 1 before 2.
        let along = vec![fake_commit(4).sha, fake_commit(1).sha, fake_commit(2).sha];
        let mut query = HistoryQuery::new("a", &tb).along(&along);
        let points = store.history(&query).unwrap();
        let order: Vec<_> = points.iter().map(|p| p.record.clone()).collect();
        assert_eq!(order, vec![record("a", 4), record("a", 1), record("a", 2)]);
        query.include_dirty = true;
        assert_eq!(store.history(&query).unwrap().len(), 4);

        let at_two = store
            .results_at(&fake_commit(2).sha, &tb, DEFAULT_METRIC)
            .unwrap();
        assert_eq!(at_two.len(), 2);
        assert_eq!(at_two.iter().filter(|p| p.dirty).count(), 1);
    }
}

#[test]
fn listings_count_what_was_recorded() {
    for mut store in backends() {
        let tb = testbed();
        let mut sized = record("sized", 1);
        sized.size = Some(64);
        let mut sized2 = record("sized", 2);
        sized2.size = Some(8);
        let recorded = store
            .record_run(
                &run_at(Some(fake_commit(1)), false, &tb),
                &[record("plain", 1), sized],
            )
            .unwrap();
        store.add_records(recorded.run, &[sized2]).unwrap();
        store
            .record_run(
                &run_at(Some(fake_commit(1)), true, &tb),
                &[record("plain", 2)],
            )
            .unwrap();

        let benchmarks = store.benchmarks().unwrap();
        let names: Vec<_> = benchmarks
            .iter()
            .map(|b| (b.name.as_str(), b.sizes.clone(), b.results))
            .collect();
        assert_eq!(names, vec![("plain", vec![], 2), ("sized", vec![8, 64], 2)]);
        let testbeds = store.testbeds().unwrap();
        assert_eq!(testbeds.len(), 1);
        assert_eq!(testbeds[0].testbed, tb);
        assert_eq!((testbeds[0].runs, testbeds[0].results), (2, 4));
        let commits = store.commits().unwrap();
        assert_eq!(commits.len(), 1);
        assert_eq!(commits[0].commit, fake_commit(1));
        assert_eq!(
            (commits[0].runs, commits[0].dirty_runs, commits[0].results),
            (2, 1, 4)
        );

        let err = store
            .add_records(perfkit_store::RunId::from_raw(999), &[record("x", 1)])
            .unwrap_err();
        assert!(err.to_string().contains("no run 999"), "{err}");
    }
}

#[test]
fn runs_along_takes_the_nearest_commits_with_results_each_run_apart() {
    for mut store in backends() {
        let tb = testbed();
        for i in [1, 2, 4, 5] {
            store
                .record_run(&run_at(Some(fake_commit(i)), false, &tb), &[record("a", i)])
                .unwrap();
        }
        store
            .record_run(
                &run_at(Some(fake_commit(4)), false, &tb),
                &[record("a", 40)],
            )
            .unwrap();
        store
            .record_run(&run_at(Some(fake_commit(3)), true, &tb), &[record("a", 30)])
            .unwrap();
        // Nearest first from 5; commit 3 has only a dirty run, so it is skipped.
        let shas = first_parent_order(6);
        let found = store
            .runs_along(&BaselineQuery::new(&tb), shas[1..].iter().cloned(), 3)
            .unwrap();
        let got: Vec<(String, usize)> = found
            .iter()
            .map(|c| (c.commit.sha.clone(), c.series[0].runs.len()))
            .collect();
        assert_eq!(
            got,
            vec![
                (fake_commit(4).sha, 2),
                (fake_commit(2).sha, 1),
                (fake_commit(1).sha, 1),
            ]
        );
        let none = store
            .runs_along(&BaselineQuery::new(&tb).benchmark("b"), shas, 20)
            .unwrap();
        assert!(none.is_empty());
    }
}

#[test]
fn a_head_is_its_clean_runs_its_newest_dirty_run_or_the_runs_since_a_time() {
    for mut store in backends() {
        let tb = testbed();
        let at = |dirty: bool, ms: i64| {
            let mut run = run_at(Some(fake_commit(1)), dirty, &tb);
            run.started_at = Timestamp::from_unix_ms(ms);
            run
        };
        store
            .record_run(&at(false, 1_000), &[record("a", 1)])
            .unwrap();
        store
            .record_run(&at(true, 2_000), &[record("a", 2)])
            .unwrap();
        store
            .record_run(&at(true, 3_000), &[record("a", 3)])
            .unwrap();
        let runs = |which| {
            let c = store
                .head_runs(&fake_commit(1), &tb, DEFAULT_METRIC, which)
                .unwrap()
                .unwrap();
            (c.dirty, c.series[0].runs.clone())
        };
        assert_eq!(runs(HeadRuns::Clean), (false, vec![record("a", 1).samples]));
        assert_eq!(
            runs(HeadRuns::NewestDirty),
            (true, vec![record("a", 3).samples])
        );
        assert_eq!(
            runs(HeadRuns::Since(Timestamp::from_unix_ms(2_000))),
            (true, vec![record("a", 2).samples, record("a", 3).samples])
        );
        assert_eq!(
            store
                .head_runs(&fake_commit(2), &tb, DEFAULT_METRIC, HeadRuns::Clean)
                .unwrap(),
            None
        );
    }
}

/// Metrics never mix: a commit measured only for time is no baseline for instruction counts,
/// and each query returns the results of the one metric it names.
#[test]
fn each_query_selects_one_metric() {
    for mut store in backends() {
        let tb = testbed();
        let counted = |seed| {
            let mut r = record("parse", seed);
            r.metric = "instructions".into();
            r
        };
        // Commit 1: time and instructions; commit 2: time only.
        store
            .record_run(
                &run_at(Some(fake_commit(1)), false, &tb),
                &[record("parse", 1), counted(2)],
            )
            .unwrap();
        store
            .record_run(
                &run_at(Some(fake_commit(2)), false, &tb),
                &[record("parse", 3)],
            )
            .unwrap();
        let shas = first_parent_order(3);
        let time = BaselineQuery::new(&tb).benchmark("parse");
        assert_eq!(
            baseline_commit(&store, &time, &shas),
            Some(fake_commit(2).sha)
        );
        let instructions = time.metric("instructions");
        assert_eq!(
            baseline_commit(&store, &instructions, &shas),
            Some(fake_commit(1).sha)
        );
        let base = store
            .baseline(&instructions, shas.iter().cloned())
            .unwrap()
            .unwrap();
        assert_eq!(base.series[0].runs, vec![counted(2).samples]);

        let mut query = HistoryQuery::new("parse", &tb);
        assert_eq!(store.history(&query).unwrap().len(), 2);
        query.metric = "instructions";
        let points = store.history(&query).unwrap();
        assert_eq!(points.len(), 1);
        assert_eq!(points[0].record.metric, "instructions");
        let at_one = store
            .results_at(&fake_commit(1).sha, &tb, DEFAULT_METRIC)
            .unwrap();
        assert_eq!(at_one.len(), 1);
        assert_eq!(at_one[0].record.metric, "time");
    }
}
