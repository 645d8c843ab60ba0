//! Sequential versus parallel: verifying the CRC-32 of 256 uploads of 16 KiB, one by one versus
//! with rayon. Throughput is reported in files per second.

use perfkit::{Bencher, black_box, perf_test};
use perfkit_examples::parallel::{uploads, verify_parallel, verify_sequential};

const FILES: usize = 256;
const SIZE: usize = 16 * 1024;

#[perf_test(budget = "150ms", p99 = "250ms", throughput = "elements:256")]
fn sequential(b: &mut Bencher) {
    let batch = uploads(FILES, SIZE);
    b.iter(|| verify_sequential(black_box(&batch)));
}

#[perf_test(budget = "150ms", p99 = "300ms", throughput = "elements:256")]
fn rayon(b: &mut Bencher) {
    let batch = uploads(FILES, SIZE);
    b.iter(|| verify_parallel(black_box(&batch)));
}
