//! criterion's API as suites use it, compiled and run the way `cargo test` runs a bench target
//! (no `--bench`: in a debug build each benchmark runs once, in an optimised one it is
//! measured, as perf tests are). Both forms of `criterion_group!`, every configuration method,
//! every `Bencher` method; `main` checks that every benchmark's routine ran. (`harness =
//! false`: its `main` is the suite's.)

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::Duration;

use perfkit::criterion::measurement::WallTime;
use perfkit::criterion::{
    AxisScale, BatchSize, Bencher, BenchmarkGroup, BenchmarkId, Criterion, PlotConfiguration,
    PlottingBackend, SamplingMode, Throughput, black_box, criterion_group,
};

/// The benchmarks whose routine ran.
static RAN: Mutex<BTreeSet<&str>> = Mutex::new(BTreeSet::new());

fn ran(benchmark: &'static str) {
    RAN.lock().unwrap().insert(benchmark);
}

fn every_bencher_method(c: &mut Criterion) {
    c.bench_function("iter", |b| b.iter(|| ran("iter")));
    c.bench_function("iter_with_large_drop", |b| {
        b.iter_with_large_drop(|| {
            ran("iter_with_large_drop");
            vec![0u8; 64]
        })
    });
    c.bench_function("iter_with_setup", |b| {
        b.iter_with_setup(
            || vec![1u8; 64],
            |v| {
                ran("iter_with_setup");
                v.len()
            },
        )
    });
    c.bench_function("iter_batched", |b| {
        b.iter_batched(
            || 21u64,
            |x| {
                ran("iter_batched");
                x * 2
            },
            BatchSize::SmallInput,
        )
    });
    c.bench_function("iter_batched_ref", |b| {
        b.iter_batched_ref(
            Vec::<u8>::new,
            |v| {
                ran("iter_batched_ref");
                v.push(1)
            },
            BatchSize::LargeInput,
        )
    });
    c.bench_function("iter_custom", |b| {
        b.iter_custom(|iters| {
            ran("iter_custom");
            Duration::from_nanos(iters)
        })
    });
    c.bench_with_input(BenchmarkId::new("with_input", 8), &8u64, |b, &n| {
        b.iter(|| {
            ran("with_input/8");
            black_box(n)
        })
    });
}

/// A helper taking the group by its full type, as suites write it.
fn sized(group: &mut BenchmarkGroup<'_, WallTime>, n: u64) {
    group.throughput(Throughput::Elements(n));
    group.bench_with_input(
        BenchmarkId::from_parameter(n),
        &n,
        |b: &mut Bencher<'_>, &n| {
            b.iter(|| {
                ran(if n == 10 { "sized/10" } else { "sized/100" });
                (0..n).sum::<u64>()
            })
        },
    );
}

fn a_configured_group(c: &mut Criterion) {
    let mut group = c.benchmark_group("group");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(10))
        .measurement_time(Duration::from_millis(50))
        .noise_threshold(0.02)
        .significance_level(0.05)
        .confidence_level(0.9)
        .nresamples(1000)
        .sampling_mode(SamplingMode::Flat)
        .plot_config(PlotConfiguration::default().summary_scale(AxisScale::Logarithmic));
    for n in [10, 100] {
        sized(&mut group, n);
    }
    group.throughput(Throughput::BytesDecimal(3));
    group.bench_function(BenchmarkId::new("bytes", "3 B"), |b| {
        b.iter(|| ran("bytes"))
    });
    group.finish();
}

/// The benchmarks above.
const BENCHMARKS: [&str; 10] = [
    "bytes",
    "iter",
    "iter_batched",
    "iter_batched_ref",
    "iter_custom",
    "iter_with_large_drop",
    "iter_with_setup",
    "sized/10",
    "sized/100",
    "with_input/8",
];

criterion_group!(simple, every_bencher_method);
criterion_group! {
    name = configured;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(10))
        .measurement_time(Duration::from_millis(20))
        .noise_threshold(0.03)
        .significance_level(0.05)
        .confidence_level(0.95)
        .nresamples(10_000)
        .without_plots()
        .with_plots()
        .plotting_backend(PlottingBackend::Plotters);
    targets = a_configured_group,
}

fn main() {
    simple();
    configured();
    let ran: Vec<&str> = RAN.lock().unwrap().iter().copied().collect();
    assert_eq!(ran, BENCHMARKS, "every benchmark's routine ran");
    Criterion::default().configure_from_args().final_summary();
}
