//! Mann–Whitney U against scipy.stats.mannwhitneyu, asymptotic and exact.

use perfkit::stats::{MannWhitneyMethod, TestError, mann_whitney, mann_whitney_with};

use crate::reference::PAIRS;
use crate::samples::close;

const TOL: f64 = 1e-9;

#[test]
fn asymptotic_matches_scipy() {
    for pair in PAIRS {
        let (base, new) = pair.samples();
        let mw = mann_whitney_with(&base, &new, MannWhitneyMethod::Asymptotic).unwrap();
        let seed = pair.seed;
        assert_eq!(mw.u, pair.mw_u, "seed {seed}: U");
        assert!(
            close(mw.p, pair.mw_asymptotic, TOL),
            "seed {seed}: p {:e} vs {:e}",
            mw.p,
            pair.mw_asymptotic
        );
        assert_eq!(mw.method, MannWhitneyMethod::Asymptotic);
    }
}

#[test]
fn exact_matches_scipy_without_ties() {
    let mut checked = 0;
    for pair in PAIRS {
        let (base, new) = pair.samples();
        let exact = mann_whitney_with(&base, &new, MannWhitneyMethod::Exact);
        match (pair.mw_exact, exact) {
            (Some(want), Ok(mw)) => {
                assert!(
                    close(mw.p, want, TOL),
                    "seed {}: p {:e} vs {want:e}",
                    pair.seed,
                    mw.p
                );
                checked += 1;
            }
            // C(m + n, m) >= 2^127 needs m + n > 128: beyond the exact counter's range.
            (Some(_), Err(TestError::ExactTooLarge { .. })) => {
                assert!(base.len() + new.len() > 128, "seed {}", pair.seed)
            }
            (Some(_), Err(e)) => panic!("seed {}: {e}", pair.seed),
            (None, exact) => assert_eq!(exact.unwrap_err(), TestError::ExactWithTies),
        }
    }
    assert!(checked >= 8, "only {checked} pairs without ties");
}

#[test]
fn auto_follows_scipys_rule() {
    for pair in PAIRS {
        let (base, new) = pair.samples();
        let mw = mann_whitney(&base, &new).unwrap();
        let small = base.len().min(new.len()) <= 8;
        match (small, pair.mw_exact) {
            (true, Some(want)) => {
                assert_eq!(mw.method, MannWhitneyMethod::Exact, "seed {}", pair.seed);
                assert!(close(mw.p, want, TOL), "seed {}", pair.seed);
            }
            _ => {
                assert_eq!(
                    mw.method,
                    MannWhitneyMethod::Asymptotic,
                    "seed {}",
                    pair.seed
                );
                assert!(close(mw.p, pair.mw_asymptotic, TOL), "seed {}", pair.seed);
            }
        }
    }
}

#[test]
fn all_values_tied_is_no_evidence() {
    let mw = mann_whitney(&[3.0, 3.0, 3.0], &[3.0, 3.0]).unwrap();
    assert_eq!((mw.u, mw.p), (3.0, 1.0));
}

#[test]
fn exact_refuses_what_it_cannot_count() {
    let big: Vec<f64> = (0..2000).map(f64::from).collect();
    let other: Vec<f64> = (0..1000).map(|i| f64::from(i) + 0.5).collect();
    assert!(matches!(
        mann_whitney_with(&big, &other, MannWhitneyMethod::Exact),
        Err(TestError::ExactTooLarge { .. })
    ));
    // 70 against 70 fits the cell limit but C(140, 70) overflows 128 bits.
    let a: Vec<f64> = (0..70).map(|i| f64::from(2 * i)).collect();
    let b: Vec<f64> = (0..70).map(|i| f64::from(2 * i + 1)).collect();
    assert!(matches!(
        mann_whitney_with(&a, &b, MannWhitneyMethod::Exact),
        Err(TestError::ExactTooLarge { .. })
    ));
    assert_eq!(
        mann_whitney(&a, &b).unwrap().method,
        MannWhitneyMethod::Asymptotic
    );
}
