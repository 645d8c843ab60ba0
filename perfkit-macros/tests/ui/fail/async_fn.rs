use perfkit::perf_test;

#[perf_test(budget = "10ms")]
async fn fetch() {}

fn main() {}
