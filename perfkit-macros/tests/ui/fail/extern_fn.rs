use perfkit::perf_test;

#[perf_test(budget = "10ms")]
extern "C" fn ffi() {}

fn main() {}
