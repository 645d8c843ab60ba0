use perfkit::perf_test;

#[perf_test(budget = "10ms", regression = 0.05)]
fn search_is_fast() {}

fn main() {}
