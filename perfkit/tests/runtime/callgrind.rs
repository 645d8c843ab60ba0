//! Instructions mode under a real Valgrind: the counted function holds exactly the routine's
//! iterations. Skips with a printed reason when Valgrind is absent, and fails instead when
//! `CI=true` or `PERFKIT_REQUIRE_TOOLS=1` (CI installs Valgrind, so there the tests must run).
//!
//! The `child_*` tests are what the parent tests run under callgrind (`--exact`, with
//! `PERFKIT_CALLGRIND_CHILD` set); run on their own they are ignored.

use perfkit::__private::{Routine, Spec};
use perfkit::measure::Mode;
use perfkit::measure::callgrind;
use perfkit::{Bencher, Settings, black_box, execute};

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
    let n = callgrind::count("callgrind::child_n", None).unwrap();
    let two_n = callgrind::count("callgrind::child_2n", None).unwrap();
    let ratio = two_n.ir as f64 / n.ir as f64;
    // 10 000 rounds of a few instructions each, times ITERATIONS: the loop's own overhead and
    // the closure call are a few instructions, far below 0.5%. Setup (2 000 000 rounds, the
    // same in both) is 40x the counted work: had it been counted, the ratio would be about
    // (40 + 2) / (40 + 1) = 1.02, so a ratio of 2 also shows that setup is left out.
    assert!((ratio - 2.0).abs() < 0.01, "ratio {ratio}: {n} vs {two_n}");
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
