use perfkit::perf_test;

#[perf_test(budget = "10ms")]
#[test]
fn search_is_fast() {}

fn main() {}
