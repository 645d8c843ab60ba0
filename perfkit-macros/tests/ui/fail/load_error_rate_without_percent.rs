use perfkit::perf_test;

#[perf_test(concurrency = 8, max_error_rate = "0.01")]
fn search_under_load(load: &mut perfkit::Load) {
    load.run(|| Ok::<(), String>(()));
}

fn main() {}
