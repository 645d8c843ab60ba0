use perfkit::perf_test;

#[perf_test(sizes = [1_000, 2_000, 1_000])]
fn dedup(b: &mut perfkit::Bencher, n: usize) {
    b.iter(|| n);
}

fn main() {}
