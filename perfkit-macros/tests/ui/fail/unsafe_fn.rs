use perfkit::perf_test;

#[perf_test(budget = "10ms")]
unsafe fn raw() {}

fn main() {}
