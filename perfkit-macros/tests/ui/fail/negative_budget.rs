use perfkit::perf_test;

#[perf_test(p99 = "-5ms")]
fn search_is_fast() {}

fn main() {}
