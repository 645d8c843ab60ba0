use perfkit::perf_test;

#[perf_test(budget = "10ms")]
const fn fold() {}

fn main() {}
