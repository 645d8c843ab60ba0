//! The model-selection rule: which classes compete, and which one wins.

use super::{Complexity, ModelFit};

/// How much lower a steeper class's BIC must be than a simpler class's before the steeper one
/// wins. A BIC difference of 6 is a Bayes factor of about 20, "strong evidence" on Kass and
/// Raftery's scale; below it the two classes fit "about equally well" and the simpler one is
/// reported.
pub const BIC_MARGIN: f64 = 6.0;

/// The smallest rise across the measured sizes, as a fraction of the time at the smallest size,
/// for which a growth class can be reported. A fitted curve rising less than 20% is within
/// what noise and overhead produce over a handful of sizes, so the series is called O(1). With a
/// few sizes a noisy flat series always fits some gentle curve better than a constant; this
/// threshold, not the BIC alone, keeps such series O(1).
pub const MIN_RISE: f64 = 0.2;

/// The largest size at which O(2ⁿ) is considered. 2ⁿ ns at n = 64 is centuries, so larger sizes
/// cannot come from an exponential routine, and letting 2ⁿ compete there would only let it fit
/// a spike at the largest size.
pub const EXPONENTIAL_MAX_N: usize = 64;

/// The classes fitted to a series whose largest size is `n_max`, simplest first.
pub(super) fn candidates(n_max: f64) -> impl Iterator<Item = Complexity> {
    Complexity::ALL
        .into_iter()
        .filter(move |&c| c != Complexity::Exponential || n_max <= EXPONENTIAL_MAX_N as f64)
}

/// Whether `model` may be reported: O(1) always; a growth class only if it rises by
/// [`MIN_RISE`] or more.
pub(super) fn is_eligible(model: &ModelFit) -> bool {
    model.class == Complexity::Constant || model.rise >= MIN_RISE
}

/// The index of the winning model in `models` (which hold O(1) and are ordered simplest first):
/// the simplest eligible model whose BIC is within [`BIC_MARGIN`] of the lowest eligible BIC.
pub(super) fn select(models: &[ModelFit]) -> usize {
    let lowest = models
        .iter()
        .filter(|m| is_eligible(m))
        .map(|m| m.bic)
        .fold(f64::INFINITY, f64::min);
    models
        .iter()
        .position(|m| is_eligible(m) && m.bic <= lowest + BIC_MARGIN)
        .expect("O(1) is always eligible, so some model is within the margin of the lowest")
}

/// `models` with the winner first and the rest by BIC, lowest first (simpler first on ties).
pub(super) fn rank(mut models: Vec<ModelFit>, best: usize) -> Vec<ModelFit> {
    let winner = models.remove(best);
    models.sort_by(|x, y| x.bic.total_cmp(&y.bic).then(x.class.cmp(&y.class)));
    models.insert(0, winner);
    models
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(class: Complexity, bic: f64, rise: f64) -> ModelFit {
        ModelFit {
            class,
            intercept: 1.0,
            coefficient: 1.0,
            wrss: 1.0,
            r_squared: 0.9,
            bic,
            rise,
        }
    }

    fn models(bics: &[f64]) -> Vec<ModelFit> {
        Complexity::ALL
            .iter()
            .zip(bics)
            .map(|(&c, &bic)| model(c, bic, if c == Complexity::Constant { 0.0 } else { 1.0 }))
            .collect()
    }

    #[test]
    fn the_lowest_bic_wins_when_clearly_lowest() {
        let m = models(&[0.0, -1.0, -10.0, -30.0, -20.0, -5.0]);
        assert_eq!(m[select(&m)].class, Complexity::Linearithmic);
    }

    #[test]
    fn a_tie_within_the_margin_goes_to_the_simpler_class() {
        let m = models(&[0.0, -1.0, -20.0, -20.0 - BIC_MARGIN, -2.0]);
        assert_eq!(m[select(&m)].class, Complexity::Linear);
        let m = models(&[0.0, -1.0, -20.0, -20.0 - BIC_MARGIN - 1e-9, -2.0]);
        assert_eq!(m[select(&m)].class, Complexity::Linearithmic);
        let m = models(&[5.0; 7]);
        assert_eq!(m[select(&m)].class, Complexity::Constant);
    }

    #[test]
    fn a_gentle_rise_cannot_win() {
        let mut m = models(&[0.0, -50.0, -9.0]);
        m[1].rise = MIN_RISE / 2.0;
        assert_eq!(m[select(&m)].class, Complexity::Linear);
        m[2].rise = MIN_RISE - 1e-9;
        assert_eq!(m[select(&m)].class, Complexity::Constant);
    }

    #[test]
    fn exponential_competes_only_at_small_sizes() {
        assert_eq!(candidates(64.0).count(), 7);
        assert!(candidates(65.0).all(|c| c != Complexity::Exponential));
        assert_eq!(candidates(1e6).count(), 6);
    }

    #[test]
    fn ranking_puts_the_winner_first_then_orders_by_bic() {
        let m = models(&[0.0, -3.0, -1.0, -3.0]);
        let ranked: Vec<Complexity> = rank(m, 0).iter().map(|m| m.class).collect();
        assert_eq!(
            ranked,
            [
                Complexity::Constant,
                Complexity::Logarithmic,
                Complexity::Linearithmic,
                Complexity::Linear
            ]
        );
    }
}
