//! Welch's t-test, raw and log scale, against scipy (relative 1e-9; p-values compared
//! relatively only above 1e-300).

use perfkit::stats::{log_welch, welch};

use crate::reference::PAIRS;
use crate::samples::close;

const TOL: f64 = 1e-9;

fn p_close(got: f64, want: f64) -> bool {
    if want > 1e-300 {
        close(got, want, TOL)
    } else {
        got <= 1e-290
    }
}

#[test]
fn raw_scale_matches_scipy() {
    for pair in PAIRS {
        let (base, new) = pair.samples();
        let w = welch(&base, &new).unwrap();
        let r = &pair.welch;
        let seed = pair.seed;
        assert!(close(w.t, r.t, TOL), "seed {seed}: t {} vs {}", w.t, r.t);
        assert!(
            close(w.df, r.df, TOL),
            "seed {seed}: df {} vs {}",
            w.df,
            r.df
        );
        assert!(p_close(w.p, r.p), "seed {seed}: p {:e} vs {:e}", w.p, r.p);
        assert!(
            p_close(w.p_greater, r.p_greater),
            "seed {seed}: p_greater {:e} vs {:e}",
            w.p_greater,
            r.p_greater
        );
        assert!(
            p_close(w.p_less, r.p_less),
            "seed {seed}: p_less {:e} vs {:e}",
            w.p_less,
            r.p_less
        );
        assert!(
            close(w.difference, r.difference, TOL),
            "seed {seed}: difference"
        );
        assert!(
            close(w.difference_ci.lower, r.lower, TOL),
            "seed {seed}: lower {} vs {}",
            w.difference_ci.lower,
            r.lower
        );
        assert!(
            close(w.difference_ci.upper, r.upper, TOL),
            "seed {seed}: upper {} vs {}",
            w.difference_ci.upper,
            r.upper
        );
    }
}

#[test]
fn log_scale_matches_scipy_on_logs() {
    let mut checked = 0;
    for pair in PAIRS {
        let (base, new) = pair.samples();
        let Some(r) = &pair.log_welch else {
            assert!(
                log_welch(&base, &new).is_err(),
                "seed {}: non-positive samples accepted",
                pair.seed
            );
            continue;
        };
        let w = log_welch(&base, &new).unwrap();
        let seed = pair.seed;
        assert!(
            close(w.test.t, r.t, TOL),
            "seed {seed}: t {} vs {}",
            w.test.t,
            r.t
        );
        assert!(close(w.test.df, r.df, TOL), "seed {seed}: df");
        assert!(
            p_close(w.test.p, r.p),
            "seed {seed}: p {:e} vs {:e}",
            w.test.p,
            r.p
        );
        assert!(
            close(w.ratio, r.ratio, TOL),
            "seed {seed}: ratio {} vs {}",
            w.ratio,
            r.ratio
        );
        assert!(close(w.ratio_ci.lower, r.lower, TOL), "seed {seed}: lower");
        assert!(close(w.ratio_ci.upper, r.upper, TOL), "seed {seed}: upper");
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} positive pairs");
}
