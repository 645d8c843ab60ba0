//! Measures perfkit itself: what it reports for an empty routine (the harness's floor) and how
//! long one default perf test of a ~10 µs routine takes, with its median.
//!
//! Run: `cargo run --release -p perfkit --example overhead` (repeat it to see run-to-run spread).

use std::hint::black_box;
use std::time::Instant;

use perfkit::__private::{Routine, Spec};
use perfkit::measure::{Clock, Mode};
use perfkit::report::format_ns;
use perfkit::{Bencher, Settings, execute};

fn empty(b: &mut Bencher) {
    b.iter(|| {});
}

/// A dependent chain of multiply-adds: about 10 µs on the machine this was written on.
fn ten_micros(b: &mut Bencher) {
    b.iter(|| {
        let mut x = black_box(1u64);
        for i in 0..black_box(75_000u64) {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(i);
        }
        x
    });
}

fn main() {
    let clock = Clock::get();
    println!(
        "clock: Instant::now() costs {}, resolution {}",
        format_ns(clock.cost_ns),
        format_ns(clock.resolution_ns)
    );
    let settings = Settings::isolated(
        Mode::Full,
        std::env::temp_dir().join("perfkit-overhead.lock"),
    );
    for (name, routine) in [("empty", empty as fn(&mut Bencher)), ("10us", ten_micros)] {
        let spec = Spec {
            path: name,
            ..Spec::DEFAULT
        };
        let start = Instant::now();
        let out = execute(&spec, Routine::Bencher(routine), &settings);
        let wall = start.elapsed();
        let m = &out.measurements[0];
        println!(
            "{name}: median {} per iteration, {} samples x {} iters, test wall time {:.3} s",
            format_ns(m.summary.median),
            m.summary.n,
            m.samples.iters_per_sample,
            wall.as_secs_f64()
        );
    }
}
