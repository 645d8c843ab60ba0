use perfkit::perf_test;

#[perf_test(threads = [1, 2, 2])]
fn contended(b: &mut perfkit::Bencher) {
    b.iter(|| 1);
}

fn main() {}
