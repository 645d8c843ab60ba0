//! Invariants of `Summary` and `percentile` over arbitrary samples.

use perfkit::Summary;
use perfkit::stats::percentile;
use proptest::prelude::*;

/// Samples as measured (wide, continuous) or with many ties (a few integer values).
fn samples() -> impl Strategy<Value = Vec<f64>> {
    prop_oneof![
        prop::collection::vec(-1e6..1e6f64, 1..200),
        prop::collection::vec((0..6i32).prop_map(f64::from), 1..60),
        prop::collection::vec(1e2..1e5f64, 1..200),
    ]
}

fn sorted(mut x: Vec<f64>) -> Vec<f64> {
    x.sort_by(f64::total_cmp);
    x
}

proptest! {
    #![proptest_config(crate::samples::proptest_config())]

    #[test]
    fn percentiles_are_monotone_in_p(x in samples(), p in 0.0..=100.0f64, q in 0.0..=100.0f64) {
        let x = sorted(x);
        let (lo, hi) = (p.min(q), p.max(q));
        prop_assert!(percentile(&x, lo) <= percentile(&x, hi));
    }

    #[test]
    fn percentiles_lie_between_min_and_max(x in samples()) {
        let s = Summary::new(&x).unwrap();
        prop_assert!(s.min <= s.p50 && s.p50 <= s.p90 && s.p90 <= s.p95);
        prop_assert!(s.p95 <= s.p99 && s.p99 <= s.max);
        prop_assert_eq!(s.median, s.p50);
    }

    #[test]
    fn each_ci_contains_its_estimate(x in samples()) {
        let s = Summary::new(&x).unwrap();
        prop_assert!(s.mean_ci.contains(s.mean), "{:?}", s);
        prop_assert!(s.median_ci.contains(s.median), "{:?}", s);
        prop_assert!(s.min <= s.median_ci.lower && s.median_ci.upper <= s.max);
    }

    #[test]
    fn summary_ignores_sample_order(
        (x, shuffled) in samples().prop_flat_map(|x| (Just(x.clone()), Just(x).prop_shuffle()))
    ) {
        prop_assert_eq!(Summary::new(&x).unwrap(), Summary::new(&shuffled).unwrap());
    }

    #[test]
    fn scaling_scales_every_location_and_spread(x in samples(), c in 1e-3..1e3f64) {
        let s = Summary::new(&x).unwrap();
        let scaled: Vec<f64> = x.iter().map(|v| v * c).collect();
        let t = Summary::new(&scaled).unwrap();
        // Rounding is relative to the data's magnitude, not to each statistic's: a mean near
        // zero from cancellation is only known to within the scale of the samples.
        let scale = s.min.abs().max(s.max.abs()) * c;
        let pairs = [
            (t.mean, s.mean), (t.sd, s.sd), (t.min, s.min), (t.max, s.max),
            (t.median, s.median), (t.p90, s.p90), (t.p95, s.p95), (t.p99, s.p99),
            (t.mad, s.mad), (t.mean_ci.lower, s.mean_ci.lower), (t.mean_ci.upper, s.mean_ci.upper),
            (t.median_ci.lower, s.median_ci.lower), (t.median_ci.upper, s.median_ci.upper),
        ];
        for (i, (got, base)) in pairs.into_iter().enumerate() {
            prop_assert!((got - base * c).abs() <= 1e-9 * scale, "statistic {}: {} vs {} * {}", i, got, base, c);
        }
    }

    #[test]
    fn scaling_by_a_power_of_two_is_exact(x in samples(), k in -20..20i32) {
        let c = 2f64.powi(k);
        let s = Summary::new(&x).unwrap();
        let t = Summary::new(&x.iter().map(|v| v * c).collect::<Vec<_>>()).unwrap();
        prop_assert_eq!(t.outliers, s.outliers);
        prop_assert_eq!(t.median, s.median * c);
        prop_assert_eq!(t.mean, s.mean * c);
    }
}
