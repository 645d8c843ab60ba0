//! Smoke runs (debug builds, `PERFKIT=off`): the routine runs once, nothing is timed.

use std::sync::atomic::{AtomicUsize, Ordering};

use perfkit::__private::{Routine, Spec};
use perfkit::measure::Mode;
use perfkit::{Bencher, Settings, execute};

static CALLS: AtomicUsize = AtomicUsize::new(0);
static SIZES_SEEN: AtomicUsize = AtomicUsize::new(0);

fn counted(b: &mut Bencher) {
    b.iter(|| CALLS.fetch_add(1, Ordering::SeqCst));
}

fn sized(b: &mut Bencher, n: usize) {
    SIZES_SEEN.fetch_add(n, Ordering::SeqCst);
    b.iter(|| n);
}

#[test]
fn runs_once_and_measures_nothing() {
    let settings = Settings::isolated(Mode::Smoke, "/nonexistent/never-created.lock");
    let spec = Spec {
        path: "smoke::once",
        ..Spec::DEFAULT
    };
    let first = execute(&spec, Routine::Bencher(counted), &settings);
    assert_eq!(CALLS.load(Ordering::SeqCst), 1);
    assert!(first.measurements.is_empty() && first.failure.is_none());

    // Sized routines run at their smallest size only; the note is said once per process.
    let spec = Spec {
        path: "smoke::sized",
        sizes: &[300, 20, 4000],
        ..Spec::DEFAULT
    };
    let second = execute(&spec, Routine::Sized(sized), &settings);
    assert_eq!(SIZES_SEEN.load(Ordering::SeqCst), 20);
    // Another smoke run in this process (a #[perf_test] in a debug build) may have said it first.
    assert!(!second.text.contains("timing skipped"), "{}", second.text);
}

/// The macro's expansion compiles and runs in this (usually debug) build.
#[perfkit::perf_test(budget = "1s", sizes = [3, 1])]
fn expansion_runs(b: &mut Bencher, n: usize) {
    b.iter(|| vec![0u8; n]);
}

/// Issue 11.1: a test binary built for another checkout recorded into that checkout's store.
/// The spec's compile-time directory holds a broken `perfkit.toml`; the run-time
/// `CARGO_MANIFEST_DIR` (this crate, set by cargo) must be the one read. Debug builds only: in
/// release `run` would measure and record into this workspace's store.
#[cfg(debug_assertions)]
#[test]
fn the_run_time_manifest_dir_wins_over_the_compiled_one() {
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("Cargo.toml"), "[workspace]\n").unwrap();
    std::fs::write(elsewhere.path().join("perfkit.toml"), "this is [not toml\n").unwrap();
    let spec = Spec {
        path: "smoke::elsewhere",
        manifest_dir: Box::leak(elsewhere.path().to_str().unwrap().into()),
        ..Spec::DEFAULT
    };
    assert!(
        std::env::var_os("CARGO_MANIFEST_DIR").is_some(),
        "run by cargo"
    );
    let ran = std::panic::catch_unwind(|| perfkit::__private::run(&spec, Routine::Plain(noop)));
    assert!(
        ran.is_ok(),
        "the compile-time directory's perfkit.toml was read"
    );
}

fn noop() {}
