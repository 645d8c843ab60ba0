use perfkit::{Bencher, perf_test};

#[perf_test(complexity = "O(n)", sizes = [1_000, 2_000])]
fn sum(b: &mut Bencher, n: usize) {
    b.iter(|| (0..n).sum::<usize>());
}

fn main() {}
