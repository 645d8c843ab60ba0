//! Invariants of the fit, by proptest.

use proptest::prelude::*;

use super::synthetic::{Truth, doubling};
use crate::complexity::{BIC_MARGIN, Complexity, MIN_RISE, ModelFit, Point, fit};

fn truth() -> impl Strategy<Value = (Truth, Vec<usize>)> {
    (0..7usize, 0.0..1e5f64, 1e-3..10.0f64).prop_map(|(i, overhead, coefficient)| {
        let class = Complexity::ALL[i];
        let sizes = match class {
            Complexity::Exponential => (1..=20).collect(),
            Complexity::Cubic => doubling(16, 7),
            _ => doubling(1_000, 7),
        };
        let truth = Truth {
            class,
            overhead,
            coefficient,
        };
        (truth, sizes)
    })
}

proptest! {
    #[test]
    fn scaling_all_times_keeps_the_class(
        (truth, sizes) in truth(),
        noise in 0.0..0.2f64,
        seed in any::<u64>(),
        log_scale in -15.0..15.0f64,
    ) {
        let c = log_scale.exp();
        let points = truth.measure(&sizes, noise, seed);
        let scaled = |p: &Point, se: f64| Point::new(p.n, p.time * c).with_se(se);
        let with_se: Vec<Point> = points.iter().map(|p| scaled(p, p.se * c)).collect();
        let times_only: Vec<Point> = points.iter().map(|p| scaled(p, p.se)).collect();
        let best = fit(&points).unwrap().best;
        prop_assert_eq!(fit(&with_se).unwrap().best, best);
        prop_assert_eq!(fit(&times_only).unwrap().best, best);
    }

    #[test]
    fn any_valid_series_fits_by_the_rule(
        raw in prop::collection::vec((1usize..100_000, 0.0..1e9f64, prop::option::of(0.0..1e6f64)), 3..16),
    ) {
        let points: Vec<Point> = raw
            .iter()
            .map(|&(n, t, se)| Point::new(n, t).with_se(se.unwrap_or(0.0)))
            .collect();
        let mut sizes: Vec<usize> = raw.iter().map(|r| r.0).collect();
        sizes.sort_unstable();
        sizes.dedup();
        let Ok(f) = fit(&points) else {
            prop_assert!(sizes.len() < 3);
            return Ok(());
        };
        let eligible = |m: &&ModelFit| m.class == Complexity::Constant || m.rise >= MIN_RISE;
        let lowest = f.ranking.iter().filter(eligible).map(|m| m.bic).fold(f64::INFINITY, f64::min);
        let best = f.best_model();
        prop_assert!(eligible(&best) && best.bic <= lowest + BIC_MARGIN);
        for m in &f.ranking {
            prop_assert!(m.intercept >= 0.0 && m.coefficient >= 0.0 && m.bic.is_finite());
            if eligible(&m) && m.class < best.class {
                prop_assert!(m.bic > lowest + BIC_MARGIN, "{} is simpler and within the margin", m.class);
            }
        }
    }
}
