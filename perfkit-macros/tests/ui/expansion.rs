//! Real perf tests, compiled as tests so the generated code is type-checked against
//! `perfkit::__private`: one per function form, one with every option, and the attributes that
//! pass through. In a debug build the runtime runs each routine once as a smoke test.

use perfkit::{Bencher, black_box, perf_test};

#[perf_test]
fn plain() {
    black_box(1 + 1);
}

#[perf_test(budget = "1s")]
fn bencher(b: &mut perfkit::Bencher) {
    b.iter(|| black_box(1 + 1));
}

#[perf_test(budget = "1s")]
fn imported_bencher(b: &mut Bencher) {
    b.iter(|| black_box(1 + 1));
}

#[perf_test(sizes = [10, 20])]
fn sized(b: &mut Bencher, n: usize) {
    b.iter(|| black_box(n * 2));
}

#[perf_test(complexity = "O(n)", sizes = "100..=800 x2")]
fn sized_range(b: &mut Bencher, n: usize) {
    let v: Vec<usize> = (0..n).collect();
    b.iter(|| black_box(v.iter().sum::<usize>()));
}

#[perf_test(
    budget = "1s",
    mean = "1s",
    p50 = "1s",
    p90 = "1s",
    p95 = "1s",
    p99 = "1s",
    max = "2s",
    max_allocs = 1_000,
    max_bytes = "1MiB",
    max_instructions = "800K",
    throughput = "elements:1",
    samples = 10,
    warmup = "0s",
    time = "100ms",
    regression = "50%",
    alpha = 0.01,
    name = "macros/every_option"
)]
fn every_option(b: &mut Bencher) {
    b.iter(|| black_box(1 + 1));
}

/// A doc comment, a visibility and a recursive call to the user's function.
#[perf_test(budget = "1s")]
pub fn recursive() {
    fn depth(n: u32) -> u32 {
        if n == 0 { 0 } else { 1 + depth(n - 1) }
    }
    black_box(depth(10));
}

#[perf_test(budget = "1s")]
#[should_panic(expected = "the routine's own message")]
fn panics() {
    panic!("the routine's own message");
}

#[ignore = "pins that #[ignore] passes through"]
#[perf_test(budget = "1s")]
fn ignored() {
    unreachable!("ignored tests do not run");
}

#[perf_test(budget = "1s")]
fn r#match() {
    #![allow(clippy::eq_op)]
    black_box(1 == 1);
}

#[perf_test(concurrency = 2, requests = 20, p99 = "1s", max_error_rate = "0%")]
fn load_form(load: &mut perfkit::Load) {
    let table: Vec<u32> = (0..100).collect();
    load.run(|| table.binary_search(&42).map_err(|_| "missing"));
}

#[derive(Debug)]
struct Point {
    x: u32,
}

#[perf_test(args = ["short", "a much longer string"])]
fn by_reference(b: &mut Bencher, s: &str) {
    b.iter(|| black_box(s.len()));
}

#[perf_test(args = [Point { x: 1 }, Point { x: 2 }])]
fn by_value(b: &mut Bencher, p: Point) {
    b.iter(|| black_box(p.x));
}

#[perf_test(args = [vec![3, 1, 2]])]
fn by_mutable_reference(b: &mut Bencher, v: &mut [u32]) {
    v.sort();
    b.iter(|| black_box(v.len()));
}

#[perf_test(types = [u8, u64, Vec<u8>])]
fn generic<T: Default>(b: &mut Bencher) {
    b.iter(|| black_box(T::default()));
}

#[perf_test(types = [u16, u64], args = [1, 2], threads = [1, 2])]
fn generic_with_args_on_threads<T: From<u8>>(b: &mut Bencher, x: u8) {
    b.iter(|| black_box(T::from(x)));
}

#[perf_test(types = [u8, u32], sizes = [10, 20])]
fn generic_sized<T>(b: &mut Bencher, n: usize)
where
    T: Default + Clone,
{
    b.iter(|| black_box(vec![T::default(); n]));
}

#[perf_test(threads = [1, 2])]
fn plain_on_threads() {
    black_box(1 + 1);
}

#[perf_test]
fn batched_by_reference(b: &mut Bencher) {
    b.iter_batched_ref(
        || vec![3, 1, 2],
        |v| v.sort(),
        perfkit::BatchSize::SmallInput,
    );
}
