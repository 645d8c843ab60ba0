use perfkit::perf_test;

#[perf_test(budget = "10ms")]
fn search() -> usize {
    42
}

fn main() {}
