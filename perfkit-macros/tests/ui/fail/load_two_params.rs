use perfkit::perf_test;

#[perf_test(concurrency = 8)]
fn search_under_load(load: &mut perfkit::Load, n: usize) {
    load.run(|| Ok::<usize, String>(n));
}

fn main() {}
