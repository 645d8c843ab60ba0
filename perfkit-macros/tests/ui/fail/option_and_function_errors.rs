use perfkit::perf_test;

#[perf_test(budget = "0ms")]
const fn fetch() {}

fn main() {}
