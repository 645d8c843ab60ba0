use perfkit::perf_test;

#[perf_test(budget = "0ms")]
async fn fetch() {}

fn main() {}
