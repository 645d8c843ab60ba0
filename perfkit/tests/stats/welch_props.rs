//! Invariants of the two-sample tests: no change found between a sample and itself, sides
//! swap symmetrically, the log scale ignores units, adjusted p-values only grow.

use perfkit::stats::{benjamini_hochberg, holm, log_welch, mann_whitney, welch};
use proptest::prelude::*;

fn timings() -> impl Strategy<Value = Vec<f64>> {
    prop_oneof![
        prop::collection::vec(1e2..1e5f64, 2..120),
        prop::collection::vec((1..8i32).prop_map(f64::from), 2..40),
    ]
}

proptest! {
    #![proptest_config(crate::samples::proptest_config())]

    #[test]
    fn a_sample_against_itself_shows_no_change(x in timings()) {
        let w = welch(&x, &x).unwrap();
        prop_assert_eq!((w.t, w.p, w.difference), (0.0, 1.0, 0.0));
        let l = log_welch(&x, &x).unwrap();
        prop_assert_eq!((l.ratio, l.test.p), (1.0, 1.0));
        prop_assert!(l.ratio_ci.contains(1.0));
        prop_assert_eq!(mann_whitney(&x, &x).unwrap().p, 1.0);
    }

    #[test]
    fn swapping_sides_mirrors_the_result(a in timings(), b in timings()) {
        let (ab, ba) = (welch(&a, &b).unwrap(), welch(&b, &a).unwrap());
        prop_assert_eq!(ab.t, -ba.t);
        prop_assert_eq!(ab.df, ba.df);
        prop_assert_eq!(ab.p, ba.p);
        prop_assert_eq!(ab.p_greater, ba.p_less);
        let (lab, lba) = (log_welch(&a, &b).unwrap(), log_welch(&b, &a).unwrap());
        prop_assert!((lab.ratio * lba.ratio - 1.0).abs() < 1e-12);
        prop_assert!((lab.ratio_ci.lower * lba.ratio_ci.upper - 1.0).abs() < 1e-12);
        let (mab, mba) = (mann_whitney(&a, &b).unwrap(), mann_whitney(&b, &a).unwrap());
        prop_assert_eq!(mab.u + mba.u, (a.len() * b.len()) as f64);
        prop_assert_eq!(mab.p, mba.p);
    }

    #[test]
    fn log_scale_ignores_a_common_factor(a in timings(), b in timings(), c in 1e-6..1e6f64) {
        let scale = |x: &[f64]| x.iter().map(|v| v * c).collect::<Vec<f64>>();
        let (plain, scaled) = (log_welch(&a, &b).unwrap(), log_welch(&scale(&a), &scale(&b)).unwrap());
        // Equal up to rounding in ln(c·x) versus ln(c) + ln(x).
        prop_assert!((plain.test.t - scaled.test.t).abs() <= 1e-6 * plain.test.t.abs().max(1.0));
        prop_assert!((plain.test.p - scaled.test.p).abs() <= 1e-8);
        prop_assert!((plain.ratio / scaled.ratio - 1.0).abs() <= 1e-10);
        prop_assert!((plain.test.df / scaled.test.df - 1.0).abs() <= 1e-6);
    }

    #[test]
    fn adjusted_p_values_only_grow(p in prop::collection::vec(0.0..=1.0f64, 0..50)) {
        let (bh, hm) = (benjamini_hochberg(&p), holm(&p));
        for i in 0..p.len() {
            // Holm >= BH is exact in real numbers; at rank 1, p·m and p / (1/m) may differ
            // in the last bit.
            prop_assert!(p[i] <= bh[i] && bh[i] <= hm[i] * (1.0 + 4.0 * f64::EPSILON) && hm[i] <= 1.0);
            for j in 0..p.len() {
                if p[i] <= p[j] {
                    prop_assert!(bh[i] <= bh[j] && hm[i] <= hm[j]);
                }
            }
        }
    }
}
