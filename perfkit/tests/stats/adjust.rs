//! Benjamini–Hochberg and Holm against statsmodels' multipletests.

use perfkit::stats::{benjamini_hochberg, holm};

use crate::reference::{ADJUST_IN, BH, HOLM};
use crate::samples::close;

#[test]
fn benjamini_hochberg_matches_statsmodels() {
    let q = benjamini_hochberg(ADJUST_IN);
    assert_eq!(q.len(), BH.len());
    for (i, (&got, &want)) in q.iter().zip(BH).enumerate() {
        assert!(close(got, want, 1e-12), "{i}: {got:e} vs {want:e}");
    }
}

#[test]
fn holm_matches_statsmodels() {
    let adjusted = holm(ADJUST_IN);
    assert_eq!(adjusted.len(), HOLM.len());
    for (i, (&got, &want)) in adjusted.iter().zip(HOLM).enumerate() {
        assert!(close(got, want, 1e-12), "{i}: {got:e} vs {want:e}");
    }
}
