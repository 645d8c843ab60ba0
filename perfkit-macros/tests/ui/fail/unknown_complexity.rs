use perfkit::perf_test;

#[perf_test(complexity = "O(n!)", sizes = [10, 20, 40])]
fn permutations(b: &mut perfkit::Bencher, n: usize) {
    b.iter(|| n);
}

fn main() {}
