use perfkit::perf_test;

#[perf_test(budget = "10ms")]
fn parse(b: &perfkit::Bencher) {
    let _ = b;
}

fn main() {}
