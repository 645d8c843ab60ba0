//! Series that are monotonic but noisy, flat, falling or spiky.

use super::synthetic::{Rng, Truth, doubling};
use crate::complexity::{Complexity, Point, fit};

fn at_sizes(sizes: &[usize], times: &[f64]) -> Vec<Point> {
    sizes
        .iter()
        .zip(times)
        .map(|(&n, &t)| Point::new(n, t).with_se(0.02 * t))
        .collect()
}

#[test]
fn a_slow_steady_creep_is_constant() {
    // +1% per doubling, strictly increasing: a perfect fit for several growth classes, but a
    // rise of 6% over a 64× range is drift, not growth.
    let times: Vec<f64> = (0..7).map(|k| 100.0 * 1.01f64.powi(k)).collect();
    let f = fit(&at_sizes(&doubling(1_000, 7), &times)).unwrap();
    assert_eq!(f.best, Complexity::Constant, "{f}");
}

#[test]
fn a_noisy_but_still_monotonic_linear_series_is_linear() {
    let truth = Truth {
        class: Complexity::Linear,
        overhead: 5_000.0,
        coefficient: 1.0,
    };
    let sizes = doubling(1_000, 6);
    let mut monotonic = 0;
    for seed in 0..40 {
        let points = truth.measure(&sizes, 0.05, seed);
        if points.windows(2).all(|w| w[0].time < w[1].time) {
            monotonic += 1;
            let f = fit(&points).unwrap();
            assert_eq!(f.best, Complexity::Linear, "seed {seed}: {f}");
        }
    }
    assert!(monotonic >= 30, "{monotonic}");
}

#[test]
fn a_falling_series_is_constant() {
    // Warm-up effects can make the first sizes the slowest; no growth class can fall.
    let times = [300.0, 250.0, 220.0, 200.0, 195.0, 190.0];
    let f = fit(&at_sizes(&doubling(1_000, 6), &times)).unwrap();
    assert_eq!(f.best, Complexity::Constant, "{f}");
    assert!(
        f.ranking
            .iter()
            .all(|m| m.coefficient == 0.0 || m.intercept == 0.0)
    );
}

#[test]
fn a_flat_series_with_one_slow_size_stays_constant() {
    for slow in 0..6 {
        let mut times = [80.0; 6];
        times[slow] = 92.0;
        let f = fit(&at_sizes(&doubling(1_000, 6), &times)).unwrap();
        assert_eq!(f.best, Complexity::Constant, "slow size {slow}: {f}");
    }
}

#[test]
fn repeated_sizes_are_pooled() {
    // Three runs at each of four sizes fit like one series of twelve points.
    let truth = Truth {
        class: Complexity::Quadratic,
        overhead: 1e4,
        coefficient: 0.25,
    };
    let mut rng = Rng::new(3);
    let points: Vec<Point> = doubling(500, 4)
        .into_iter()
        .flat_map(|n| [n; 3])
        .map(|n| Point::new(n, truth.time(n) * (0.03 * rng.normal()).exp()))
        .collect();
    assert_eq!(fit(&points).unwrap().best, Complexity::Quadratic);
}

#[test]
fn sizes_starting_at_one_are_fine() {
    let truth = Truth {
        class: Complexity::Logarithmic,
        overhead: 3.0,
        coefficient: 4.0,
    };
    let f = fit(&truth.measure(&doubling(1, 12), 0.03, 11)).unwrap();
    assert_eq!(f.best, Complexity::Logarithmic, "{f}");
}
