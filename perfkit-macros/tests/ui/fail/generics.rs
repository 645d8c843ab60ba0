use perfkit::perf_test;

#[perf_test(budget = "10ms")]
fn sort<T: Ord + Default>() {
    let mut v = vec![T::default()];
    v.sort();
}

fn main() {}
