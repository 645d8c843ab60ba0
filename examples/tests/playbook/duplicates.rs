//! Duplicates: nested loops against a hash set, at growing sizes.

use perfkit::{Bencher, black_box, perf_test};
use perfkit_examples::duplicates::{data, find_duplicates_hashed, find_duplicates_nested};

#[perf_test(budget = "5ms", p99 = "50ms", complexity = "O(n²)", sizes = "250..=4000 x2")]
fn nested_loops(b: &mut Bencher, n: usize) {
    let v = data(n);
    b.iter(|| find_duplicates_nested(black_box(&v)));
}

#[perf_test(budget = "10ms", p99 = "50ms", complexity = "O(n)", sizes = "1000..=64000 x2")]
fn hash_set(b: &mut Bencher, n: usize) {
    let v = data(n);
    b.iter(|| find_duplicates_hashed(black_box(&v)));
}
