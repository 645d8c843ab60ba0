use perfkit::perf_test;

#[perf_test(sizes = [1, 2])]
fn dedup(b: &mut perfkit::Bencher, n: usize, m: usize) {
    b.iter(|| n + m);
}

fn main() {}
