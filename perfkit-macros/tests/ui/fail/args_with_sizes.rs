use perfkit::perf_test;

#[perf_test(args = [1, 2], sizes = [10, 20])]
fn parse(b: &mut perfkit::Bencher, n: usize) {
    b.iter(|| n);
}

fn main() {}
