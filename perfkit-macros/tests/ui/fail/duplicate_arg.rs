use perfkit::perf_test;

#[perf_test(args = ["short", "long", "short"])]
fn parse(b: &mut perfkit::Bencher, s: &str) {
    b.iter(|| s.len());
}

fn main() {}
