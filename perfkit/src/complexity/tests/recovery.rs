//! Noisy series of every class, with a constant overhead, are fitted to their own class.

use super::synthetic::{Truth, doubling};
use crate::complexity::{Complexity, fit};

const SEEDS: u64 = 50;

/// Realistic routines, sizes as a perf test would choose them, and overheads from a tenth of the
/// growth term at the smallest size (O(n log n)) to as large as it (O(n), O(n²)), so that a fit
/// through the origin would bend. O(n log n) under a heavier overhead is in `heavy_overhead…`.
fn cases() -> Vec<(Truth, Vec<usize>)> {
    let truth = |class, overhead, coefficient| Truth {
        class,
        overhead,
        coefficient,
    };
    let k64 = doubling(1_000, 7);
    vec![
        (truth(Complexity::Constant, 50.0, 0.0), k64.clone()),
        (truth(Complexity::Logarithmic, 10.0, 5.0), k64.clone()),
        (truth(Complexity::Linear, 1_000.0, 1.0), k64.clone()),
        (truth(Complexity::Linearithmic, 2_000.0, 2.0), k64.clone()),
        (truth(Complexity::Quadratic, 500_000.0, 0.5), k64),
        (truth(Complexity::Cubic, 30_000.0, 1.0), doubling(32, 7)),
        (
            truth(Complexity::Exponential, 100.0, 1.0),
            (1..=20).collect(),
        ),
    ]
}

fn seed(class: Complexity, noise: f64, k: u64) -> u64 {
    ((class as u64) << 40) ^ ((noise * 1e4) as u64) << 20 ^ k
}

#[test]
fn every_class_is_recovered_at_realistic_noise() {
    for noise in [0.02, 0.05] {
        for (truth, sizes) in cases() {
            let mut wrong = Vec::new();
            for k in 0..SEEDS {
                let f = fit(&truth.measure(&sizes, noise, seed(truth.class, noise, k))).unwrap();
                if f.best != truth.class {
                    wrong.push(f.best);
                }
            }
            let right = SEEDS as usize - wrong.len();
            println!(
                "{:>10} at {:.0}% noise: {right}/{SEEDS} recovered; misread as {wrong:?}",
                truth.class.to_string(),
                noise * 100.0
            );
            let allowed = if noise <= 0.02 { 0 } else { 1 };
            assert!(wrong.len() <= allowed, "{}: {wrong:?}", truth.class);
        }
    }
}

/// At 5% noise O(n log n) often fits linear data a little better than O(n) does; the margin
/// keeps the answer O(n). Counts how often that tie-break decided.
#[test]
fn near_ties_go_to_the_simpler_class() {
    let (truth, sizes) = cases().swap_remove(2);
    assert_eq!(truth.class, Complexity::Linear);
    let mut decided_by_margin = 0;
    for k in 0..SEEDS {
        let f = fit(&truth.measure(&sizes, 0.05, seed(truth.class, 0.5, k))).unwrap();
        let linear = f.model(Complexity::Linear).unwrap().bic;
        let linearithmic = f.model(Complexity::Linearithmic).unwrap().bic;
        if linearithmic < linear && f.best == Complexity::Linear {
            decided_by_margin += 1;
        }
    }
    println!(
        "O(n) at 5% noise: O(n log n) had the lower BIC in {decided_by_margin}/{SEEDS} seeds, O(n) chosen"
    );
    assert_eq!(decided_by_margin, 3);
}

/// The known limit: when the overhead equals the n log n term at the smallest size, 5% noise
/// over seven sizes cannot tell the log factor from overhead traded against slope. The fit then
/// errs towards O(n), the simpler neighbour, never towards a steeper class.
#[test]
fn heavy_overhead_blurs_n_log_n_into_n_never_into_steeper() {
    let truth = Truth {
        class: Complexity::Linearithmic,
        overhead: 20_000.0,
        coefficient: 2.0,
    };
    let sizes = doubling(1_000, 7);
    for (noise, expected_right) in [(0.02, SEEDS as usize), (0.05, 38)] {
        let mut right = 0;
        for k in 0..SEEDS {
            let f = fit(&truth.measure(&sizes, noise, seed(truth.class, noise, k))).unwrap();
            assert!(
                matches!(f.best, Complexity::Linear | Complexity::Linearithmic),
                "{f}"
            );
            right += usize::from(f.best == Complexity::Linearithmic);
        }
        println!(
            "O(n log n) + 20 µs at {:.0}% noise: {right}/{SEEDS} recovered, the rest O(n)",
            noise * 100.0
        );
        assert_eq!(right, expected_right);
    }
}
