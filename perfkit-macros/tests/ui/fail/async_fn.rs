use perfkit::perf_test;

#[perf_test(budget = "10ms")]
async fn fetch(b: &mut perfkit::Bencher) {
    b.iter(|| 1);
}

fn main() {}
