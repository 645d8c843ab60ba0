use perfkit::perf_test;

#[perf_test(budget = "1ms")]
fn dedup(b: &mut perfkit::Bencher, n: usize) {
    b.iter(|| n);
}

fn main() {}
