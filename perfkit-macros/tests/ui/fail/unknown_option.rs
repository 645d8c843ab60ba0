use perfkit::perf_test;

#[perf_test(budget = "10ms", p999 = "5ms")]
fn search_is_fast() {}

fn main() {}
