use perfkit::perf_test;

#[perf_test(budget = "10mss")]
fn search_is_fast() {}

fn main() {}
