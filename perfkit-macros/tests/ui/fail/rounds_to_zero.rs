use perfkit::perf_test;

#[perf_test(budget = "0.3ns")]
fn search_is_fast() {}

fn main() {}
