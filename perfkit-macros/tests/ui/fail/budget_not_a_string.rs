use perfkit::perf_test;

#[perf_test(budget = 100ms)]
fn search_is_fast() {}

fn main() {}
