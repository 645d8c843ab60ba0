//! Sequential versus parallel: verifying the CRC-32 of 256 uploads of 16 KiB, one by one versus
//! with rayon. Throughput is reported in files per second.
//!
//! Both have the same budget: on an idle 2-core machine rayon is about twice as fast, but when
//! other work holds the cores it gains little or nothing, and a budget must hold either way.

use perfkit::{Bencher, black_box, perf_test};
use perfkit_examples::parallel::{uploads, verify_parallel, verify_sequential};

/// Files per batch: keep equal to the `elements:` count in the attributes, which takes a literal.
const FILES: usize = 256;
const SIZE: usize = 16 * 1024;

#[perf_test(budget = "150ms", p99 = "400ms", throughput = "elements:256")]
fn sequential(b: &mut Bencher) {
    let batch = uploads(FILES, SIZE);
    b.iter(|| verify_sequential(black_box(&batch)));
}

#[perf_test(budget = "150ms", p99 = "400ms", throughput = "elements:256")]
fn rayon(b: &mut Bencher) {
    let batch = uploads(FILES, SIZE);
    b.iter(|| verify_parallel(black_box(&batch)));
}
