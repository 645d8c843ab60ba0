use perfkit::perf_test;

struct Index;

impl Index {
    #[perf_test(budget = "10ms")]
    fn search(&self) {}
}

fn main() {}
