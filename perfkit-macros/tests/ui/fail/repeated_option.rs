use perfkit::perf_test;

#[perf_test(budget = "10ms", p99 = "20ms", budget = "5ms")]
fn search_is_fast() {}

fn main() {}
