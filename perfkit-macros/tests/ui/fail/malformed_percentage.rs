use perfkit::perf_test;

#[perf_test(budget = "10ms", regression = "5 percent")]
fn search_is_fast() {}

fn main() {}
