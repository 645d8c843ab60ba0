//! Budgets pass and fail on synthetic durations (`iter_custom`), never on real timing.

use std::time::Duration;

use perfkit::__private::{Routine, Spec, Stat, TimeBudget};
use perfkit::{Bencher, execute};

/// Reports exactly 10 µs per iteration.
fn ten_micros(b: &mut Bencher) {
    b.iter_custom(|iters| Duration::from_nanos(10_000 * iters));
}

/// Reports exactly `n` ns per iteration.
fn n_nanos(b: &mut Bencher, n: usize) {
    b.iter_custom(|iters| Duration::from_nanos(n as u64 * iters));
}

const fn budget(stat: Stat, limit_ns: u64) -> TimeBudget {
    TimeBudget { stat, limit_ns }
}

#[test]
fn a_budget_that_holds_passes() {
    let dir = tempfile::tempdir().unwrap();
    static BUDGETS: [TimeBudget; 2] = [budget(Stat::Median, 20_000), budget(Stat::P99, 10_000)];
    let spec = Spec {
        path: "budgets::holds",
        budgets: &BUDGETS,
        ..Spec::DEFAULT
    };
    let out = execute(&spec, Routine::Bencher(ten_micros), &super::full(&dir));
    assert_eq!(out.failure, None, "{}", out.text);
    let m = &out.measurements[0];
    assert_eq!(m.summary.median, 10_000.0);
    assert!(m.checks.iter().all(|c| c.passed()));
    assert!(
        out.text
            .contains("budget  median 10.00 µs <= 20.00 µs  ok   (50% of budget)"),
        "{}",
        out.text
    );
}

#[test]
fn a_broken_budget_fails_naming_the_statistic_and_the_excess() {
    let dir = tempfile::tempdir().unwrap();
    static BUDGETS: [TimeBudget; 2] = [budget(Stat::Median, 20_000), budget(Stat::Mean, 8_000)];
    let spec = Spec {
        path: "budgets::broken",
        budgets: &BUDGETS,
        ..Spec::DEFAULT
    };
    let out = execute(&spec, Routine::Bencher(ten_micros), &super::full(&dir));
    let failure = out.failure.expect("the mean budget is broken");
    assert_eq!(
        failure,
        "perf test `budgets::broken` broke 1 budget:\n  mean = 10.00 µs exceeds its budget of 8.000 µs (+25.0% over)"
    );
    assert!(out.text.contains("FAIL (+25.0% over)"), "{}", out.text);
}

#[test]
fn sized_tests_check_every_size() {
    let dir = tempfile::tempdir().unwrap();
    static BUDGETS: [TimeBudget; 1] = [budget(Stat::Median, 15)];
    let spec = Spec {
        path: "budgets::sized",
        budgets: &BUDGETS,
        sizes: &[10, 20],
        samples: Some(12),
        ..Spec::DEFAULT
    };
    let out = execute(&spec, Routine::Sized(n_nanos), &super::full(&dir));
    let sizes: Vec<_> = out
        .measurements
        .iter()
        .map(|m| (m.size, m.summary.median, m.summary.n))
        .collect();
    assert_eq!(sizes, vec![(Some(10), 10.0, 12), (Some(20), 20.0, 12)]);
    let failure = out.failure.expect("n = 20 breaks the 15 ns budget");
    assert!(
        failure.contains("(n = 20) broke 1 budget") && !failure.contains("n = 10"),
        "{failure}"
    );
}

fn never_iterates(_: &mut Bencher) {}

fn iterates_twice(b: &mut Bencher) {
    b.iter_custom(Duration::from_nanos);
    b.iter_custom(Duration::from_nanos);
}

#[test]
fn a_routine_must_call_iter_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec {
        path: "budgets::misuse",
        samples: Some(3),
        ..Spec::DEFAULT
    };
    let none = execute(&spec, Routine::Bencher(never_iterates), &super::full(&dir));
    assert!(none.failure.unwrap().contains("never called `b.iter(...)`"));
    let twice = execute(&spec, Routine::Bencher(iterates_twice), &super::full(&dir));
    assert!(twice.failure.unwrap().contains("called `b.iter*` 2 times"));
}

#[test]
fn throughput_is_reported_per_second() {
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec {
        path: "budgets::throughput",
        throughput: Some(perfkit::__private::Throughput::Elements(1000)),
        samples: Some(5),
        ..Spec::DEFAULT
    };
    let out = execute(&spec, Routine::Bencher(ten_micros), &super::full(&dir));
    // 1000 elements per 10 µs = 100 M elements per second.
    assert!(
        out.text.contains("throughput 100.0 Melem/s"),
        "{}",
        out.text
    );
}
