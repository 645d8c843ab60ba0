use perfkit::perf_test;

#[perf_test(complexity = "O(n)")]
fn dedup() {}

fn main() {}
