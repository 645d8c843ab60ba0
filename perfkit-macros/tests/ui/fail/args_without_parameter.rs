use perfkit::perf_test;

#[perf_test(args = ["short", "long"])]
fn parse(b: &mut perfkit::Bencher) {
    b.iter(|| 1);
}

fn main() {}
