use perfkit::perf_test;

#[perf_test(budget = "0ms")]
fn search_is_fast() {}

fn main() {}
