//! Allocation counting is exact on a known allocation pattern.

use std::hint::black_box;

use perfkit::__private::{Routine, Spec};
use perfkit::{BatchSize, Bencher, execute};

/// Exactly three allocations of 64 bytes each per iteration.
fn three_allocs(b: &mut Bencher) {
    b.iter(|| {
        let a = black_box(vec![0u8; 64]);
        let c = black_box(vec![1u8; 64]);
        let d = black_box(Box::new([0u64; 8]));
        (a, c, d)
    });
}

/// The setup allocates (not counted); the routine allocates once, 1 KiB.
fn setup_not_counted(b: &mut Bencher) {
    b.iter_batched(
        || vec![7u8; 4096],
        |v| black_box(Vec::<u8>::with_capacity(1024 + v.len() % 2)),
        BatchSize::SmallInput,
    );
}

#[test]
fn counts_are_exact() {
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec {
        path: "alloc::three",
        max_allocs: Some(3),
        max_bytes: Some(192),
        samples: Some(5),
        ..Spec::DEFAULT
    };
    let out = execute(&spec, Routine::Bencher(three_allocs), &super::full(&dir));
    assert_eq!(out.failure, None, "{}", out.text);
    let a = out.measurements[0]
        .samples
        .allocations
        .expect("allocator installed");
    assert_eq!((a.allocs, a.bytes), (3.0, 192.0));
    assert!(
        out.text.contains("allocs 3 (192 B) per iter"),
        "{}",
        out.text
    );
}

#[test]
fn an_allocation_budget_fails_with_the_counts() {
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec {
        path: "alloc::zero",
        max_allocs: Some(0),
        samples: Some(5),
        ..Spec::DEFAULT
    };
    let out = execute(&spec, Routine::Bencher(three_allocs), &super::full(&dir));
    let failure = out.failure.expect("3 allocations break max_allocs = 0");
    assert!(
        failure.contains("allocs = 3 exceeds its budget of 0 (budget is zero)"),
        "{failure}"
    );
}

#[test]
fn batched_setup_is_not_counted() {
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec {
        path: "alloc::batched",
        samples: Some(5),
        ..Spec::DEFAULT
    };
    let out = execute(
        &spec,
        Routine::Bencher(setup_not_counted),
        &super::full(&dir),
    );
    let a = out.measurements[0].samples.allocations.unwrap();
    assert_eq!((a.allocs, a.bytes), (1.0, 1024.0));
}
