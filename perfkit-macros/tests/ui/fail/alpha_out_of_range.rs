use perfkit::perf_test;

#[perf_test(regression = "5%", alpha = 0.9)]
fn search_is_fast() {}

fn main() {}
