use perfkit::perf_test;

#[perf_test(sizes = [1_000, 2_000])]
fn dedup(b: &mut perfkit::Bencher) {
    b.iter(|| 1);
}

fn main() {}
