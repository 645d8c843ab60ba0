use perfkit::perf_test;

#[perf_test(sizes = "1000..64000 x2")]
fn dedup(b: &mut perfkit::Bencher, n: usize) {
    b.iter(|| n);
}

fn main() {}
