//! Tests that are several benchmarks (`types`, `args`, `threads`) and `iter_batched_ref`, on
//! real routines measured with a tiny plan: names, counts and behaviour, never speed.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use perfkit::__private::{Routine, Spec, Variant, arg_name};
use perfkit::{BatchSize, Bencher, black_box, execute, execute_variants};

use super::full;

/// Five samples, no warm-up, a short cap: enough to exercise the loop.
const TINY: Spec = Spec {
    samples: Some(5),
    warmup_ns: Some(0),
    time_ns: Some(50_000_000),
    ..Spec::DEFAULT
};

fn length(b: &mut Bencher, s: &str) {
    b.iter(|| black_box(s).len());
}

fn zero<T: Default>(b: &mut Bencher) {
    b.iter(T::default);
}

#[test]
fn each_type_and_argument_is_a_benchmark_named_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec {
        path: "variants::length",
        ..TINY
    };
    let variants = [
        Variant {
            ty: None,
            arg: Some(|| arg_name(&"short")),
            routine: Routine::Bencher(|b| length(b, "short")),
        },
        Variant {
            ty: None,
            arg: Some(|| arg_name(&"a much longer string")),
            routine: Routine::Bencher(|b| length(b, "a much longer string")),
        },
    ];
    let out = execute_variants(&spec, &variants, &full(&dir));
    assert!(out.failure.is_none(), "{out:?}");
    assert_eq!(out.measurements.len(), 2);
    assert!(
        out.text.contains("perf variants::length/short\n"),
        "{}",
        out.text
    );
    assert!(
        out.text
            .contains("perf variants::length/a much longer string\n"),
        "{}",
        out.text
    );

    let spec = Spec {
        path: "variants::zero",
        ..TINY
    };
    let types = [
        Variant {
            ty: Some("u8"),
            arg: None,
            routine: Routine::Bencher(zero::<u8>),
        },
        Variant {
            ty: Some("Vec<u64>"),
            arg: None,
            routine: Routine::Bencher(zero::<Vec<u64>>),
        },
    ];
    let out = execute_variants(&spec, &types, &full(&dir));
    assert!(out.failure.is_none(), "{out:?}");
    assert!(
        out.text.contains("perf variants::zero::<u8>\n"),
        "{}",
        out.text
    );
    assert!(
        out.text.contains("perf variants::zero::<Vec<u64>>\n"),
        "{}",
        out.text
    );
}

static ITERATIONS: Mutex<Vec<(usize, u64)>> = Mutex::new(Vec::new());
static THREADS: AtomicUsize = AtomicUsize::new(0);
static SETUPS: AtomicUsize = AtomicUsize::new(0);

/// Counts the iterations each thread ran; every thread has its own counter (setup per thread).
fn counted(b: &mut Bencher) {
    let mine = AtomicU64::new(0);
    let threads = THREADS.load(Ordering::SeqCst);
    SETUPS.fetch_add(1, Ordering::SeqCst);
    b.iter(|| mine.fetch_add(1, Ordering::Relaxed));
    ITERATIONS
        .lock()
        .unwrap()
        .push((threads, mine.load(Ordering::Relaxed)));
}

/// `threads = [1, 3]`: two benchmarks; at 3 threads every thread runs the function (its own
/// setup) and exactly the iterations the team's leader asked for, so they measured together.
#[test]
fn threads_run_the_routine_together_one_benchmark_per_count() {
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec {
        path: "variants::counted",
        threads: &[3],
        ..TINY
    };
    THREADS.store(3, Ordering::SeqCst);
    let out = execute(&spec, Routine::Bencher(counted), &full(&dir));
    assert!(out.failure.is_none(), "{out:?}");
    assert!(
        out.text.contains("perf variants::counted/threads=3\n"),
        "{}",
        out.text
    );
    assert_eq!(out.measurements.len(), 1);
    assert_eq!(SETUPS.load(Ordering::SeqCst), 3);
    let mut seen: Vec<u64> = ITERATIONS.lock().unwrap().iter().map(|&(_, n)| n).collect();
    seen.sort_unstable();
    // The two other threads ran exactly the leader's batches; the leader ran them too, and
    // then its allocation pass (this binary counts allocations) on its own.
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(
        seen[0] > 0 && seen[0] == seen[1] && seen[2] >= seen[1],
        "{seen:?}"
    );

    let spec = Spec {
        path: "variants::counted_two",
        threads: &[1, 2],
        ..TINY
    };
    let out = execute(&spec, Routine::Bencher(counted), &full(&dir));
    assert!(out.failure.is_none(), "{out:?}");
    assert_eq!(out.measurements.len(), 2);
    assert!(out.text.contains("perf variants::counted_two/threads=1\n"));
    assert!(out.text.contains("perf variants::counted_two/threads=2\n"));
}

fn panics_on_one_thread(b: &mut Bencher) {
    static STARTED: AtomicUsize = AtomicUsize::new(0);
    if STARTED.fetch_add(1, Ordering::SeqCst) == 1 {
        panic!("the second thread's own message");
    }
    b.iter(|| 1);
}

/// A panic on one thread fails the test with that thread's message; the others do not hang.
#[test]
fn a_panic_on_one_thread_fails_with_its_own_message() {
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec {
        path: "variants::panics",
        threads: &[2],
        ..TINY
    };
    let settings = full(&dir);
    let payload = std::panic::catch_unwind(|| {
        execute(&spec, Routine::Bencher(panics_on_one_thread), &settings)
    })
    .expect_err("the panic reaches the test");
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"the second thread's own message")
    );
}

fn never_iterates_on_thread_two(b: &mut Bencher) {
    static STARTED: AtomicUsize = AtomicUsize::new(0);
    if STARTED.fetch_add(1, Ordering::SeqCst) != 1 {
        b.iter(|| 1);
    }
}

#[test]
fn a_thread_that_never_calls_iter_is_misuse_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec {
        path: "variants::misuse",
        threads: &[2],
        ..TINY
    };
    let out = execute(
        &spec,
        Routine::Bencher(never_iterates_on_thread_two),
        &full(&dir),
    );
    let failure = out.failure.expect("misuse fails the test");
    assert!(failure.contains("never called `b.iter(...)`"), "{failure}");
}

static BATCH_SETUPS: AtomicUsize = AtomicUsize::new(0);
static BATCH_CALLS: AtomicUsize = AtomicUsize::new(0);

/// Every call sorts a fresh, unsorted input in place: one setup per call.
fn sorts_in_place(b: &mut Bencher) {
    b.iter_batched_ref(
        || {
            BATCH_SETUPS.fetch_add(1, Ordering::SeqCst);
            vec![3u32, 1, 2]
        },
        |v: &mut Vec<u32>| {
            assert_eq!(*v, [3, 1, 2], "each call gets an input of its own");
            BATCH_CALLS.fetch_add(1, Ordering::SeqCst);
            v.sort();
        },
        BatchSize::SmallInput,
    );
}

#[test]
fn iter_batched_ref_hands_each_call_a_fresh_input() {
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec {
        path: "variants::sorts_in_place",
        ..TINY
    };
    let out = execute(&spec, Routine::Bencher(sorts_in_place), &full(&dir));
    assert!(out.failure.is_none(), "{out:?}");
    assert_eq!(out.measurements[0].samples.times_ns.len(), 5);
    let calls = BATCH_CALLS.load(Ordering::SeqCst);
    assert!(calls > 0);
    assert_eq!(BATCH_SETUPS.load(Ordering::SeqCst), calls);
}
