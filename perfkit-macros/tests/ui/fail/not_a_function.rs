use perfkit::perf_test;

#[perf_test(budget = "10ms")]
struct Index;

fn main() {}
