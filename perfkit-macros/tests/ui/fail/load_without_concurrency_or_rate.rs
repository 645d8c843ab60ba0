use perfkit::perf_test;

#[perf_test(requests = 100, p99 = "5ms")]
fn search_under_load(load: &mut perfkit::Load) {
    load.run(|| Ok::<(), String>(()));
}

fn main() {}
