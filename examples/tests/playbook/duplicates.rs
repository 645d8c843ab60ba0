//! Duplicates: nested loops against a hash set, at growing sizes.

use perfkit::{Bencher, black_box, perf_test};
use perfkit_examples::duplicates::{data, find_duplicates_hashed, find_duplicates_nested};

#[perf_test(budget = "5ms", p99 = "50ms", sizes = [250, 500, 1_000, 2_000])]
fn nested_loops(b: &mut Bencher, n: usize) {
    let v = data(n);
    b.iter(|| find_duplicates_nested(black_box(&v)));
}

#[perf_test(budget = "10ms", p99 = "50ms", sizes = [1_000, 4_000, 16_000, 64_000])]
fn hash_set(b: &mut Bencher, n: usize) {
    let v = data(n);
    b.iter(|| find_duplicates_hashed(black_box(&v)));
}
