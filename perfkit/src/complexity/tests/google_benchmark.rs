//! perfkit's fit against Google Benchmark's through-the-origin fit on the same noisy series.

use super::synthetic::{Truth, doubling};
use crate::complexity::{Complexity, Point, fit};

const SEEDS: u64 = 100;

/// Google Benchmark's `MinimalLeastSq` with `oAuto` (src/complexity.cc): for each of O(1),
/// O(log n), O(n), O(n log n), O(n²), O(n³) fit time = b·g(n) through the origin, and keep the
/// class with the smallest RMS relative to the mean time; O(1) first, replaced only by a
/// strictly smaller RMS. Unweighted, no intercept, no penalty, no O(2ⁿ).
fn google_benchmark_fit(points: &[Point]) -> Complexity {
    let mean = points.iter().map(|p| p.time).sum::<f64>() / points.len() as f64;
    let relative_rms = |class: Complexity| {
        let g = |p: &Point| class.growth(p.n as f64);
        let b = points.iter().map(|p| p.time * g(p)).sum::<f64>()
            / points.iter().map(|p| g(p) * g(p)).sum::<f64>();
        let sum_sq: f64 = points.iter().map(|p| (p.time - b * g(p)).powi(2)).sum();
        (sum_sq / points.len() as f64).sqrt() / mean
    };
    let mut best = (Complexity::Constant, relative_rms(Complexity::Constant));
    for class in Complexity::ALL[1..6].iter().copied() {
        let rms = relative_rms(class);
        if rms < best.1 {
            best = (class, rms);
        }
    }
    best.0
}

/// What each method misread `seeds` noisy series of `truth` as: (Google Benchmark, perfkit).
fn misreads(
    truth: Truth,
    sizes: &[usize],
    noise: f64,
    seeds: u64,
) -> (Vec<Complexity>, Vec<Complexity>) {
    let (mut gb, mut ours) = (Vec::new(), Vec::new());
    for seed in 0..seeds {
        let points = truth.measure(sizes, noise, seed);
        gb.extend(Some(google_benchmark_fit(&points)).filter(|&c| c != truth.class));
        ours.extend(Some(fit(&points).unwrap().best).filter(|&c| c != truth.class));
    }
    println!(
        "{} + {} ns, sizes {}..{}, {:.0}% noise, {seeds} seeds: Google Benchmark wrong {} ({}), \
         perfkit wrong {} ({})",
        truth.class,
        truth.overhead,
        sizes[0],
        sizes[sizes.len() - 1],
        noise * 100.0,
        gb.len(),
        names(&gb),
        ours.len(),
        names(&ours),
    );
    (gb, ours)
}

/// "O(log n) ×3, O(n) ×1": how often each class was read.
fn names(classes: &[Complexity]) -> String {
    Complexity::ALL
        .iter()
        .map(|c| (c, classes.iter().filter(|&x| x == c).count()))
        .filter(|&(_, count)| count > 0)
        .map(|(c, count)| format!("{c} ×{count}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn the_origin_fit_is_google_benchmarks() {
    // Exact series through the origin: both methods agree on every class GB supports.
    let sizes = doubling(1_000, 6);
    for class in &Complexity::ALL[..6] {
        let points: Vec<Point> = sizes
            .iter()
            .map(|&n| Point::new(n, 3.0 * class.growth(n as f64)))
            .collect();
        assert_eq!(google_benchmark_fit(&points), *class);
    }
}

/// The claim: a constant-time routine (a hash lookup into 1M–16M entries, 100 ns) with
/// 10% noise between sizes, as memory-bound routines at those sizes show. log₂ n spans only
/// 20–24 there, so an upward tilt of the noise is as well explained by b·log n as by a constant.
#[test]
fn google_benchmark_reads_noisy_constant_time_as_logarithmic() {
    let truth = Truth {
        class: Complexity::Constant,
        overhead: 100.0,
        coefficient: 0.0,
    };
    let (gb, ours) = misreads(truth, &doubling(1 << 20, 5), 0.10, SEEDS);
    assert_eq!((gb.len(), ours.len()), (22, 2));
    assert!(gb.iter().all(|&c| c == Complexity::Logarithmic));
}

/// Without an intercept, a large fixed cost flattens an O(n) curve towards O(log n): here a
/// 20 µs set-up before a 1 ns-per-element loop.
#[test]
fn google_benchmark_reads_linear_with_overhead_as_logarithmic() {
    let truth = Truth {
        class: Complexity::Linear,
        overhead: 20_000.0,
        coefficient: 1.0,
    };
    let (gb, ours) = misreads(truth, &doubling(1_000, 7), 0.05, SEEDS);
    assert_eq!((gb.len(), ours.len()), (27, 2));
    assert!(gb.iter().all(|&c| c == Complexity::Logarithmic));
}

/// Where the origin fit is right, the intercept and the extra parameter cost nothing: a flat
/// series over 1k–64k spans log₂ n from 10 to 16, too steep a curve for noise to imitate.
#[test]
fn both_read_constant_time_over_a_wide_range_of_log_n() {
    let truth = Truth {
        class: Complexity::Constant,
        overhead: 100.0,
        coefficient: 0.0,
    };
    let (gb, ours) = misreads(truth, &doubling(1_000, 7), 0.05, SEEDS);
    assert_eq!((gb.len(), ours.len()), (0, 0));
}
