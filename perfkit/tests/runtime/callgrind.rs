//! Instructions mode under a real Valgrind: the counted function holds exactly the routine's
//! iterations. Skips with a printed reason when Valgrind is absent, and fails instead when
//! `CI=true` or `PERFKIT_REQUIRE_TOOLS=1` (CI installs Valgrind, so there the tests must run).
//!
//! The `child_*` tests are what the parent tests run under callgrind (`--exact`, with
//! `PERFKIT_CALLGRIND_CHILD` set); run on their own they are ignored.

use perfkit::__private::{Routine, Spec, Variant};
use perfkit::measure::Mode;
use perfkit::measure::callgrind;
use perfkit::{Bencher, Settings, black_box, execute, execute_variants};

/// Work per call: `n` rounds of a multiply-add that the optimiser cannot fold away.
#[inline(never)]
fn work(n: u64) -> u64 {
    let mut x = black_box(1u64);
    for i in 0..black_box(n) {
        x = black_box(x.wrapping_mul(6364136223846793005).wrapping_add(i));
    }
    x
}

/// Setup far larger than the routine: if it were counted, the ratio of the two routines would
/// be near 1, not 2.
fn setup() -> u64 {
    work(2_000_000)
}

fn n_rounds(b: &mut Bencher) {
    black_box(setup());
    b.iter(|| work(10_000));
}

fn two_n_rounds(b: &mut Bencher) {
    black_box(setup());
    b.iter(|| work(20_000));
}

/// The child side: `execute` sees `PERFKIT_CALLGRIND_CHILD` and runs the routine counted.
fn child(routine: fn(&mut Bencher)) {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings::isolated(Mode::Instructions, dir.path().join("lock"));
    let out = execute(&Spec::DEFAULT, Routine::Bencher(routine), &settings);
    assert_eq!(out.failure, None);
}

#[test]
#[ignore = "run under callgrind by `the_toggle_counts_only_the_routine`"]
fn child_n() {
    child(n_rounds);
}

#[test]
#[ignore = "run under callgrind by `the_toggle_counts_only_the_routine`"]
fn child_2n() {
    child(two_n_rounds);
}

/// `false` (after printing why) when Valgrind is absent and nothing requires it.
fn valgrind_here() -> bool {
    callgrind::available_for_tests()
}

#[test]
fn the_toggle_counts_only_the_routine() {
    if !valgrind_here() {
        return;
    }
    let n = callgrind::count("callgrind::child_n", "", None).unwrap();
    let two_n = callgrind::count("callgrind::child_2n", "", None).unwrap();
    let ratio = two_n.ir as f64 / n.ir as f64;
    // 10 000 rounds of a few instructions each, times ITERATIONS: the loop's own overhead and
    // the closure call are a few instructions, far below 0.5%. Setup (2 000 000 rounds, the
    // same in both) is 40x the counted work: had it been counted, the ratio would be about
    // (40 + 2) / (40 + 1) = 1.02, so a ratio of 2 also shows that setup is left out.
    assert!((ratio - 2.0).abs() < 0.01, "ratio {ratio}: {n} vs {two_n}");
}

/// Two cases of one test: the child process of each counts its own case only.
const CASES: Spec = Spec {
    path: "runtime::callgrind::child_cases",
    ..Spec::DEFAULT
};

fn cases() -> [Variant<'static>; 2] {
    [
        Variant {
            ty: None,
            arg: Some(|| "n".to_owned()),
            routine: Routine::Bencher(n_rounds),
        },
        Variant {
            ty: None,
            arg: Some(|| "2n".to_owned()),
            routine: Routine::Bencher(two_n_rounds),
        },
    ]
}

#[test]
#[ignore = "run under callgrind by `each_case_of_a_test_is_counted_on_its_own`"]
fn child_cases() {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings::isolated(Mode::Instructions, dir.path().join("lock"));
    let out = execute_variants(&CASES, &cases(), &settings);
    assert_eq!(out.failure, None);
}

/// Had a child counted both cases, each would read 3n rounds and the ratio would be 1.
#[test]
fn each_case_of_a_test_is_counted_on_its_own() {
    if !valgrind_here() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings::isolated(Mode::Instructions, dir.path().join("lock"));
    let out = execute_variants(&CASES, &cases(), &settings);
    assert_eq!(out.failure, None, "{}", out.text);
    let instructions: Vec<f64> = out
        .measurements
        .iter()
        .filter(|m| m.metric == "instructions")
        .map(|m| m.summary.median)
        .collect();
    assert_eq!(instructions.len(), 2, "{}", out.text);
    let ratio = instructions[1] / instructions[0];
    assert!((ratio - 2.0).abs() < 0.01, "ratio {ratio}: {}", out.text);
    assert!(
        out.text.contains("runtime::callgrind::child_cases/2n"),
        "{}",
        out.text
    );
}

#[test]
fn a_broken_instruction_budget_names_the_statistic_the_budget_and_the_excess() {
    if !valgrind_here() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec {
        path: "runtime::callgrind::child_n",
        max_instructions: Some(1_000),
        ..Spec::DEFAULT
    };
    let settings = Settings::isolated(Mode::Instructions, dir.path().join("lock"));
    let out = execute(&spec, Routine::Bencher(n_rounds), &settings);
    let failure = out
        .failure
        .expect("10 000 rounds take far more than 1 000 instructions");
    assert!(
        failure.starts_with(
            "perf test `runtime::callgrind::child_n` broke 1 budget:\n  instructions = "
        ) && failure.contains("exceeds its budget of 1.000K (+"),
        "{failure}"
    );
    let metrics: Vec<&str> = out.measurements.iter().map(|m| m.metric).collect();
    assert_eq!(metrics, callgrind::METRICS);
    let instructions = &out.measurements[0];
    assert_eq!(instructions.samples.times_ns.len(), callgrind::CHILD_RUNS);
    assert!(out.text.contains("instructions"), "{}", out.text);
}

/// Run by `without_valgrind_the_failure_names_the_package` with an empty `PATH`.
#[test]
#[ignore = "run with an empty PATH by `without_valgrind_the_failure_names_the_package`"]
fn child_without_valgrind() {
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec {
        path: "runtime::callgrind::child_n",
        ..Spec::DEFAULT
    };
    let settings = Settings::isolated(Mode::Instructions, dir.path().join("lock"));
    let out = execute(&spec, Routine::Bencher(n_rounds), &settings);
    let failure = out.failure.expect("no valgrind on an empty PATH");
    assert!(
        failure.contains("install the `valgrind` package (`apt-get install valgrind`"),
        "{failure}"
    );
    assert!(out.measurements.is_empty());
}

#[test]
fn without_valgrind_the_failure_names_the_package() {
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "callgrind::child_without_valgrind",
            "--include-ignored",
            "--quiet",
        ])
        .env("PATH", "")
        .status()
        .unwrap();
    assert!(status.success());
}

fn sized(b: &mut Bencher, n: usize) {
    black_box(setup());
    b.iter(|| work(n as u64));
}

#[test]
#[ignore = "run under callgrind by `sized_tests_are_counted_at_every_size`"]
fn child_sized() {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings::isolated(Mode::Instructions, dir.path().join("lock"));
    let out = execute(&SIZED, Routine::Sized(sized), &settings);
    assert_eq!(out.failure, None);
}

static SIZED: Spec = Spec {
    path: "runtime::callgrind::child_sized",
    sizes: &[10_000, 20_000],
    ..Spec::DEFAULT
};

/// The median instructions per iteration of each size among `measurements`.
fn instructions(measurements: &[perfkit::Measurement]) -> Vec<(Option<usize>, f64)> {
    measurements
        .iter()
        .filter(|m| m.metric == "instructions")
        .map(|m| (m.size, m.summary.median))
        .collect()
}

#[test]
fn sized_tests_are_counted_at_every_size() {
    if !valgrind_here() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings::isolated(Mode::Instructions, dir.path().join("lock"));
    let out = execute(&SIZED, Routine::Sized(sized), &settings);
    assert_eq!(out.failure, None, "{}", out.text);
    assert_eq!(out.measurements.len(), 2 * callgrind::METRICS.len());
    let counted = instructions(&out.measurements);
    let sizes: Vec<Option<usize>> = counted.iter().map(|c| c.0).collect();
    assert_eq!(sizes, [Some(10_000), Some(20_000)]);
    // Twice the rounds, twice the instructions; setup (40x the work) is left out.
    let ratio = counted[1].1 / counted[0].1;
    assert!((ratio - 2.0).abs() < 0.01, "ratio {ratio}: {counted:?}");
}

/// A `Comparison` under `PERFKIT=instructions` counts each variant at each size like a perf
/// test (only the variant's iterations: its setup, 40x the work, is not counted) and records
/// the counts as `<comparison>/<variant>`. This test is its own child: the comparison re-runs
/// it under callgrind once per variant, size and replicate, and in those runs the comparison
/// counts one variant and the test stops after `run`.
#[test]
fn comparison_variants_are_counted_and_recorded() {
    let child = callgrind::child_size().is_some();
    if !child && !valgrind_here() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.db");
    let mut settings = Settings::isolated(Mode::Instructions, dir.path().join("lock"));
    settings.history = perfkit::History::Record(perfkit::HistoryConfig {
        db: perfkit_store::DbLocation::Sqlite(db.clone()),
        base: None,
        testbed: Some("counted".into()),
    });
    let report = perfkit::Comparison::new("work")
        .sizes([20_000, 10_000])
        .setup(|n| {
            black_box(setup());
            n as u64
        })
        .variant("n", |&n| work(n))
        .variant("2n", |&n| work(2 * n))
        .manifest_dir(dir.path())
        .settings(settings)
        .run();
    if child {
        return;
    }
    assert!(report.is_skipped() && report.sizes.is_empty(), "{report}");
    report.assert_faster("n", "2n").assert_faster("2n", "n");
    let [n, two_n] = [0, 1].map(|v| instructions(&report.counts[v]));
    assert_eq!(
        n.iter().map(|c| c.0).collect::<Vec<_>>(),
        [Some(10_000), Some(20_000)]
    );
    for (a, b) in n.iter().zip(&two_n) {
        let ratio = b.1 / a.1;
        assert!(
            (ratio - 2.0).abs() < 0.01,
            "2n / n = {ratio}: {n:?} {two_n:?}"
        );
    }
    let growth = n[1].1 / n[0].1;
    assert!((growth - 2.0).abs() < 0.01, "n: 20 000 / 10 000 = {growth}");
    let text = report.to_string();
    assert!(
        text.contains("PERFKIT=instructions: counted under callgrind"),
        "{text}"
    );

    let store = perfkit_store::Store::open(&db).unwrap();
    let names: Vec<(String, Vec<u64>)> = store
        .benchmarks()
        .unwrap()
        .into_iter()
        .map(|b| (b.name, b.sizes))
        .collect();
    let sizes = vec![10_000, 20_000];
    assert_eq!(
        names,
        [
            ("work/2n".to_owned(), sizes.clone()),
            ("work/n".to_owned(), sizes)
        ]
    );
    let testbed = store.testbeds().unwrap().remove(0).testbed;
    let mut query = perfkit_store::HistoryQuery::new("work/n", &testbed);
    query.include_dirty = true;
    query.metric = "instructions";
    let recorded = store.history(&query).unwrap();
    assert_eq!(recorded.len(), 2, "one result per size");
    assert!(
        recorded
            .iter()
            .all(|p| p.record.samples.len() == callgrind::CHILD_RUNS)
    );
    query.metric = perfkit_store::DEFAULT_METRIC;
    assert!(
        store.history(&query).unwrap().is_empty(),
        "no time recorded"
    );
}
