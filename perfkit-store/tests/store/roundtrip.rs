//! What goes in comes out exactly: hostile names, every field of a record, NaN.

use perfkit_store::{
    Allocations, BudgetOutcome, DbLocation, HistoryQuery, Record, StoreError, StoredComparison,
    StoredSummary, Throughput, ThroughputKind,
};
use proptest::prelude::*;

use crate::backends::backends;
use crate::support::{fake_commit, record, run_at, temp_store, testbed};

const NAMES: &[&str] = &[
    "it's \"quoted\" `thrice`",
    "Robert'); DROP TABLE results;--",
    "' OR '1'='1",
    "x\" ; DELETE FROM benchmarks WHERE \"1\"=\"1",
    "ünïcødé ✓ 测试 🚀 عربي",
    "line\nbreak\ttab\\backslash",
    "100% _wild_ [cards] *?",
    "nul\0inside",
    "",
    "   leading and trailing   ",
];

#[test]
fn hostile_benchmark_names_round_trip_exactly() {
    for mut store in backends() {
        let tb = testbed();
        // PostgreSQL's TEXT cannot hold NUL: it refuses that name, checked below.
        let postgres = matches!(store.location(), DbLocation::Postgres(_));
        let names: Vec<&str> = NAMES
            .iter()
            .copied()
            .filter(|n| !(postgres && n.contains('\0')))
            .collect();
        let records: Vec<_> = names
            .iter()
            .enumerate()
            .map(|(i, n)| record(n, i as u64))
            .collect();
        store
            .record_run(&run_at(Some(fake_commit(1)), false, &tb), &records)
            .unwrap();
        let mut listed: Vec<String> = store
            .benchmarks()
            .unwrap()
            .into_iter()
            .map(|b| b.name)
            .collect();
        let mut expected: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        listed.sort();
        expected.sort();
        assert_eq!(listed, expected);
        for (i, name) in names.iter().enumerate() {
            let points = store.history(&HistoryQuery::new(name, &tb)).unwrap();
            assert_eq!(points.len(), 1, "{name:?}");
            assert_eq!(points[0].record, record(name, i as u64), "{name:?}");
        }
        if postgres {
            let run = run_at(Some(fake_commit(2)), false, &tb);
            let err = store
                .record_run(&run, &[record("ok", 1), record("nul\0inside", 2)])
                .unwrap_err();
            assert!(matches!(err, StoreError::Postgres { .. }), "{err:?}");
            assert_eq!(
                store.commits().unwrap().len(),
                1,
                "nothing of the run was written"
            );
        }
    }
}

pub fn full_record() -> Record {
    Record {
        benchmark: "parse::request".into(),
        size: Some(4096),
        metric: "instructions".into(),
        summary: StoredSummary {
            n: 3,
            mean: 101.5,
            sd: 2.25,
            min: 99.0,
            max: 104.0,
            median: 101.5,
            p90: 103.5,
            p95: 103.75,
            p99: 103.95,
            mad: 1.5,
            mean_ci_lower: 95.9,
            mean_ci_upper: 107.1,
            median_ci_lower: 99.0,
            median_ci_upper: 104.0,
            outliers: 1,
        },
        iterations_per_sample: 17,
        samples: vec![99.0, 101.5, 104.0],
        budgets: vec![
            BudgetOutcome {
                statistic: "median".into(),
                limit: 2e6,
                estimate: 101.5,
                passed: true,
            },
            BudgetOutcome {
                statistic: "allocs".into(),
                limit: 0.0,
                estimate: 3.0,
                passed: false,
            },
        ],
        allocations: Some(Allocations {
            allocs: 3.0,
            bytes: 4096.5,
        }),
        throughput: Some(Throughput {
            kind: ThroughputKind::Bytes,
            per_iteration: 4096,
        }),
        comparison: Some(StoredComparison {
            ratio: 1.072,
            ratio_ci_lower: 1.041,
            ratio_ci_upper: 1.104,
            p: 0.0003,
            verdict: "regression".into(),
        }),
    }
}

#[test]
fn every_field_of_a_record_round_trips() {
    for mut store in backends() {
        let tb = testbed();
        let mut without_comparison = full_record();
        without_comparison.comparison = None;
        let recorded = store
            .record_run(
                &run_at(Some(fake_commit(7)), true, &tb),
                &[full_record(), without_comparison.clone()],
            )
            .unwrap();
        assert_eq!(recorded.results.len(), 2);
        let mut query = HistoryQuery::new("parse::request", &tb);
        query.include_dirty = true;
        query.metric = "instructions";
        let points = store.history(&query).unwrap();
        assert_eq!(points.len(), 2);
        assert_eq!(points[0].record, full_record());
        assert_eq!(points[1].record, without_comparison);
        assert!(points[0].dirty);
        assert_eq!(points[0].commit, Some(fake_commit(7)));
        assert_eq!(points[0].run, recorded.run);

        // A comparison made later lands on the result it names.
        let comparison = full_record().comparison.unwrap();
        store
            .set_comparison(recorded.results[1], &comparison)
            .unwrap();
        let points = store.history(&query).unwrap();
        assert_eq!(points[1].record.comparison, Some(comparison));

        // Without samples, the summary still comes back.
        query.include_samples = false;
        let points = store.history(&query).unwrap();
        assert!(points[0].record.samples.is_empty());
        assert_eq!(points[0].record.summary, full_record().summary);
    }
}

#[test]
fn nan_statistics_read_back_as_nan_and_samples_keep_their_bits() {
    for mut store in backends() {
        let tb = testbed();
        let mut r = record("nan", 1);
        r.summary.sd = f64::NAN;
        r.summary.mean_ci_lower = f64::NEG_INFINITY;
        r.samples = vec![f64::NAN, -0.0, f64::INFINITY, f64::MIN_POSITIVE];
        store
            .record_run(&run_at(None, false, &tb), &[r.clone()])
            .unwrap();
        let back = &store.history(&HistoryQuery::new("nan", &tb)).unwrap()[0].record;
        assert!(back.summary.sd.is_nan());
        assert_eq!(back.summary.mean_ci_lower, f64::NEG_INFINITY);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&back.samples), bits(&r.samples));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn any_name_round_trips(name in any::<String>()) {
        let (_dir, _path, mut store) = temp_store();
        let tb = testbed();
        store.record_run(&run_at(None, false, &tb), &[record(&name, 3)]).unwrap();
        let points = store.history(&HistoryQuery::new(&name, &tb)).unwrap();
        prop_assert_eq!(points.len(), 1);
        prop_assert_eq!(&points[0].record.benchmark, &name);
        prop_assert_eq!(store.benchmarks().unwrap()[0].name.clone(), name);
    }
}
