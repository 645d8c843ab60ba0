//! The Mann–Whitney U test (Wilcoxon rank-sum): a distribution-free check that one side tends
//! to be larger than the other.

use super::check::check_sides;
use super::dist::normal_sf;
use super::error::TestError;
use super::rank_sum_exact::count_u_at_most;

/// How the p-value of [`mann_whitney_with`] is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MannWhitneyMethod {
    /// Exact when a side has at most 8 samples and no value repeats (scipy's rule), and the
    /// exact distribution is small enough to enumerate (m·n <= 1,000,000); asymptotic otherwise.
    Auto,
    /// The exact null distribution of U (no ties allowed).
    Exact,
    /// The normal approximation with tie and continuity corrections.
    Asymptotic,
}

/// The result of a Mann–Whitney U test of `new` against `baseline`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MannWhitney {
    /// U of the new side: the number of (baseline, new) pairs where the new sample is larger,
    /// ties counting one half. Large U means new tends to be larger (slower, for timings).
    /// `scipy.stats.mannwhitneyu(new, baseline).statistic`.
    pub u: f64,
    /// Two-sided p-value.
    pub p: f64,
    /// The method that computed `p`: [`MannWhitneyMethod::Exact`] or
    /// [`MannWhitneyMethod::Asymptotic`], never `Auto`.
    pub method: MannWhitneyMethod,
}

/// Exact m·n above which the exact distribution is not enumerated (memory grows with m·n).
const EXACT_MAX_CELLS: usize = 1_000_000;
/// scipy's cut-off for choosing the exact method automatically.
const AUTO_EXACT_MAX_SIDE: usize = 8;

/// The Mann–Whitney U test with [`MannWhitneyMethod::Auto`].
///
/// ```
/// let base = [1.0, 2.0, 3.0, 4.0, 5.0];
/// let new = [6.0, 7.0, 8.0, 9.0, 10.0];
/// let mw = perfkit::stats::mann_whitney(&base, &new)?;
/// assert_eq!(mw.u, 25.0);
/// assert!((mw.p - 2.0 / 252.0).abs() < 1e-15); // 2 of the C(10, 5) orders are as extreme
/// # Ok::<(), perfkit::stats::TestError>(())
/// ```
///
/// # Errors
///
/// As [`mann_whitney_with`].
pub fn mann_whitney(baseline: &[f64], new: &[f64]) -> Result<MannWhitney, TestError> {
    mann_whitney_with(baseline, new, MannWhitneyMethod::Auto)
}

/// The Mann–Whitney U test of `new` against `baseline`, two-sided.
///
/// Asymptotic: `z = (max(U, m·n - U) - m·n/2 - 1/2) / s` with the tie-corrected
/// `s² = m·n/12 · (N + 1 - Σ(t³ - t) / (N(N - 1)))`, and `p = 2 P(Z >= z)`, capped at 1; when
/// every value is the same, s = 0 and p = 1. Exact: `p = 2 P(U >= max(U, m·n - U))` under the
/// null distribution of U, capped at 1. Both match `scipy.stats.mannwhitneyu(new, baseline,
/// method=..., use_continuity=True)`.
///
/// # Errors
///
/// [`TestError::TooFewSamples`] when a side has fewer than 2 samples,
/// [`TestError::NotFinite`] naming the first NaN or infinite sample; for
/// [`MannWhitneyMethod::Exact`], [`TestError::ExactWithTies`] when a value repeats and
/// [`TestError::ExactTooLarge`] when m·n exceeds 1,000,000 or the counts overflow 128 bits.
pub fn mann_whitney_with(
    baseline: &[f64],
    new: &[f64],
    method: MannWhitneyMethod,
) -> Result<MannWhitney, TestError> {
    check_sides(baseline, new)?;
    let ranks = RankSums::of(baseline, new);
    let (m, n) = (baseline.len(), new.len());
    let too_large = TestError::ExactTooLarge {
        n_baseline: m,
        n_new: n,
    };
    let exact = |ranks: &RankSums| -> Result<f64, TestError> {
        if ranks.tie_term > 0.0 {
            return Err(TestError::ExactWithTies);
        }
        if m.saturating_mul(n) > EXACT_MAX_CELLS {
            return Err(too_large.clone());
        }
        exact_p(ranks.u_new, m, n).ok_or(too_large.clone())
    };
    let (p, used) = match method {
        MannWhitneyMethod::Exact => (exact(&ranks)?, MannWhitneyMethod::Exact),
        MannWhitneyMethod::Asymptotic => {
            (asymptotic_p(&ranks, m, n), MannWhitneyMethod::Asymptotic)
        }
        MannWhitneyMethod::Auto => match exact(&ranks) {
            Ok(p) if m.min(n) <= AUTO_EXACT_MAX_SIDE => (p, MannWhitneyMethod::Exact),
            _ => (asymptotic_p(&ranks, m, n), MannWhitneyMethod::Asymptotic),
        },
    };
    Ok(MannWhitney {
        u: ranks.u_new,
        p,
        method: used,
    })
}

/// What the p-values need from the pooled ranking.
struct RankSums {
    /// U of the new side.
    u_new: f64,
    /// Σ(t³ - t) over groups of t tied values; 0 without ties.
    tie_term: f64,
}

impl RankSums {
    fn of(baseline: &[f64], new: &[f64]) -> RankSums {
        let mut pooled: Vec<(f64, bool)> = baseline
            .iter()
            .map(|&x| (x, false))
            .chain(new.iter().map(|&x| (x, true)))
            .collect();
        // Total order puts -0.0 right before 0.0; groups are then formed with ==, which
        // treats them as the tie they are.
        pooled.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let (mut rank_sum_new, mut tie_term) = (0.0, 0.0);
        let mut start = 0;
        while start < pooled.len() {
            let end = start
                + pooled[start..]
                    .iter()
                    .take_while(|v| v.0 == pooled[start].0)
                    .count();
            let t = (end - start) as f64;
            // Ranks start..end (0-based) share their mean, (start + 1 + end) / 2 in 1-based ranks.
            let mid_rank = (start + 1 + end) as f64 / 2.0;
            let new_in_group = pooled[start..end].iter().filter(|v| v.1).count() as f64;
            rank_sum_new += mid_rank * new_in_group;
            tie_term += t * t * t - t;
            start = end;
        }
        let n = new.len() as f64;
        RankSums {
            u_new: rank_sum_new - n * (n + 1.0) / 2.0,
            tie_term,
        }
    }
}

fn asymptotic_p(ranks: &RankSums, m: usize, n: usize) -> f64 {
    let (m, n) = (m as f64, n as f64);
    let big_n = m + n;
    let u = ranks.u_new.max(m * n - ranks.u_new);
    let s = (m * n / 12.0 * ((big_n + 1.0) - ranks.tie_term / (big_n * (big_n - 1.0)))).sqrt();
    if s.is_nan() || s <= 0.0 {
        // Every value tied: nothing distinguishes the sides.
        return 1.0;
    }
    let z = (u - m * n / 2.0 - 0.5) / s;
    (2.0 * normal_sf(z)).min(1.0)
}

/// `None` when the counts overflow.
fn exact_p(u_new: f64, m: usize, n: usize) -> Option<f64> {
    let u_max = u_new.max((m * n) as f64 - u_new);
    // By symmetry P(U >= u_max) = P(U <= m·n - u_max), a sum over the short left tail.
    let k = (m * n) as f64 - u_max;
    let (tail, total) = count_u_at_most(k as usize, m, n)?;
    Some((2.0 * tail as f64 / total as f64).min(1.0))
}
