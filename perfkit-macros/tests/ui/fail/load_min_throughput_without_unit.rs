use perfkit::perf_test;

#[perf_test(concurrency = 8, min_throughput = "1000")]
fn search_under_load(load: &mut perfkit::Load) {
    load.run(|| Ok::<(), String>(()));
}

fn main() {}
