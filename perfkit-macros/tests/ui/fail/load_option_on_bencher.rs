use perfkit::perf_test;

#[perf_test(concurrency = 8)]
fn parse(b: &mut perfkit::Bencher) {
    b.iter(|| 1);
}

fn main() {}
