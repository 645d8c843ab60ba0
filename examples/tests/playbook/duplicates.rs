//! Duplicates: nested loops against a hash set, at growing sizes.

use perfkit::{Bencher, black_box, perf_test};
use perfkit_examples::duplicates::{data, find_duplicates_hashed, find_duplicates_nested};

#[perf_test(
    budget = "5ms",
    p99 = "50ms",
    complexity = "O(n²)",
    sizes = "250..=4000 x2"
)]
fn nested_loops(b: &mut Bencher, n: usize) {
    let v = data(n);
    b.iter(|| find_duplicates_nested(black_box(&v)));
}

#[perf_test(
    budget = "10ms",
    p99 = "50ms",
    complexity = "O(n)",
    sizes = "1000..=64000 x2"
)]
fn hash_set(b: &mut Bencher, n: usize) {
    let v = data(n);
    b.iter(|| find_duplicates_hashed(black_box(&v)));
}

/// Both versions on the same inputs, samples interleaved so drift cancels: where does the hash
/// set start to win?
#[test]
fn hash_set_wins_from_the_crossover_on() {
    let report = perfkit::Comparison::new("find_duplicates")
        .sizes([16, 64, 256, 1_024, 4_096])
        .setup(data)
        .variant("nested loops", |v| find_duplicates_nested(v))
        .variant("hash set", |v| find_duplicates_hashed(v))
        .run();
    println!("{report}");
    report.assert_faster_from("hash set", "nested loops", 1_024);
}
