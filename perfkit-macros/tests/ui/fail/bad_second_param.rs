use perfkit::perf_test;

#[perf_test(sizes = [1, 2])]
fn dedup(b: &mut perfkit::Bencher, n: u32) {
    b.iter(|| n);
}

fn main() {}
