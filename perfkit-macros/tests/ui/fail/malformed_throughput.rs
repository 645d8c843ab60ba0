use perfkit::perf_test;

#[perf_test(throughput = "4096")]
fn search_is_fast() {}

fn main() {}
