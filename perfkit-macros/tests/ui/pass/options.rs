//! Every option, in each of its accepted spellings.
use perfkit::perf_test;

#[perf_test(
    budget = "100ms",
    mean = "1.5ms",
    p50 = "90 ms",
    p90 = "250us",
    p95 = "300µs",
    p99 = "2s",
    max = "1_000_000ns",
    max_allocs = 0,
    max_bytes = "64KiB",
    throughput = "bytes:4096",
    samples = 100,
    warmup = "0s",
    time = "5s",
    regression = "5%",
    alpha = 0.01,
    name = "every_option"
)]
fn every_option(b: &mut perfkit::Bencher) {
    b.iter(|| 1);
}

#[perf_test(max_bytes = 4096, throughput = "bytes:4KiB", regression = "2.5%", max_instructions = "1.2M")]
fn bytes_as_an_integer() {}

#[perf_test(max_bytes = "1.5MB", throughput = "elements:1_000", alpha = 0.5)]
fn decimal_bytes_and_elements() {}

#[perf_test(complexity = "O(n)", sizes = [1_000, 2_000, 4_000, 8_000])]
fn linear(b: &mut perfkit::Bencher, n: usize) {
    b.iter(|| n);
}

#[perf_test(complexity = "O(n log n)", sizes = "1000..=64000 x2")]
fn linearithmic(b: &mut perfkit::Bencher, n: usize) {
    b.iter(|| n);
}

#[perf_test(complexity = "O(n²)", sizes = "100..=1000 x1.5")]
fn quadratic(b: &mut perfkit::Bencher, n: usize) {
    b.iter(|| n);
}

#[perf_test(complexity = "O(1)", sizes = [1, 10, 100])]
fn constant(b: &mut perfkit::Bencher, n: usize) {
    b.iter(|| n);
}

#[perf_test(complexity = "O(log n)", sizes = [1, 10, 100])]
fn logarithmic(b: &mut perfkit::Bencher, n: usize) {
    b.iter(|| n);
}

#[perf_test(complexity = "O(n^3)", sizes = [1, 10, 100])]
fn cubic(b: &mut perfkit::Bencher, n: usize) {
    b.iter(|| n);
}

#[perf_test(complexity = "O(2ⁿ)", sizes = [1, 10, 100])]
fn exponential(b: &mut perfkit::Bencher, n: usize) {
    b.iter(|| n);
}

// Pins that a trailing comma is accepted, which rustfmt would remove.
#[rustfmt::skip]
#[perf_test(budget = "1ms", p50 = "1ms",)]
fn budget_and_p50_together_with_a_trailing_comma() {}

fn main() {}
