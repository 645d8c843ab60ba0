//! The load form with every load option.
use perfkit::perf_test;

#[perf_test(
    concurrency = 4,
    rate = "500/s",
    requests = 1_000,
    duration = "10s",
    warmup = "100ms",
    timeout = "1s",
    budget = "10ms",
    p99 = "50ms",
    max_error_rate = "1%",
    min_throughput = "100/s",
    name = "load/every_option"
)]
fn every_load_option(load: &mut perfkit::Load) {
    let table: Vec<u32> = (0..100).collect();
    load.run(|| table.binary_search(&42).map_err(|_| "missing"));
}

#[perf_test(concurrency = 2, requests = 10)]
fn closed_loop(load: &mut ::perfkit::Load) {
    load.run(|| Ok::<(), std::io::Error>(()));
}

fn main() {}
