use perfkit::perf_test;

#[perf_test(rate = "500", requests = 100)]
fn search_under_load(load: &mut perfkit::Load) {
    load.run(|| Ok::<(), String>(()));
}

fn main() {}
