//! [`ComparisonReport`]: what a [`Comparison`](super::Comparison) measured, and what follows
//! from it — speedups, winners, growth classes and the crossover. Pure: no clock, no IO.

use crate::complexity::{Fit, FitError};
use crate::measure::Samples;
use crate::runtime::Measurement;
use crate::stats::{Interval, Summary, log_welch};

/// The measurements of every variant at one input size.
#[derive(Debug, Clone, PartialEq)]
pub struct SizeResult {
    /// The input size.
    pub size: usize,
    /// Per variant, in the order they were added: the raw per-iteration times.
    pub samples: Vec<Samples>,
    /// Per variant, in the order they were added: the statistics of those times.
    pub summaries: Vec<Summary>,
}

/// How many times faster one variant is than another at one size: the ratio of geometric means
/// `geomean(other) / geomean(variant)`, from Welch's t-test on log-times.
///
/// `2.0` reads "twice as fast"; below 1 the variant is slower.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Speedup {
    /// `geomean(other) / geomean(variant)`.
    pub ratio: f64,
    /// 95% confidence interval of `ratio`.
    pub ratio_ci: Interval,
    /// Two-sided p-value of the t-test on log-times.
    pub p: f64,
}

impl Speedup {
    /// Whether the variant is clearly faster: the whole CI lies above 1.
    ///
    /// ```
    /// use perfkit::stats::Interval;
    /// use perfkit::versus::Speedup;
    ///
    /// let s = Speedup { ratio: 1.3, ratio_ci: Interval { lower: 1.1, upper: 1.5 }, p: 0.001 };
    /// assert!(s.is_clear());
    /// let s = Speedup { ratio_ci: Interval { lower: 0.9, upper: 1.5 }, ..s };
    /// assert!(!s.is_clear());
    /// ```
    pub fn is_clear(&self) -> bool {
        self.ratio_ci.lower > 1.0
    }
}

/// Where the winner changes; see [`ComparisonReport::crossover`].
#[derive(Debug, Clone, PartialEq)]
pub struct Crossover {
    /// The first size of `winner`'s final streak: from it on, no other variant clearly wins,
    /// and `winner` clearly wins at it and at the largest size.
    pub size: usize,
    /// The variant that wins from `size` on.
    pub winner: String,
    /// The variant that clearly won at the last size before the streak where any variant
    /// clearly won.
    pub before: String,
    /// Where `winner` and `before` are equally fast, interpolating their speedup linearly in
    /// log(size) and log(ratio) between the two measured sizes where it crosses 1; `None` when a
    /// speedup there could not be computed.
    pub estimate: Option<f64>,
}

/// The result of [`Comparison::run`](super::Comparison::run): per-size times with CIs, speedups
/// with CIs, each variant's growth class and the crossover, plus assertions on them.
///
/// Its `Display` is a table (see [`Comparison`](super::Comparison)). When timing was skipped
/// (debug build, `PERFKIT=off`, or `PERFKIT=instructions`, which fills `counts` instead),
/// `sizes` and `fits` are empty, `skipped` says why, and the assertions check only the variant
/// names.
#[derive(Debug, Clone, PartialEq)]
pub struct ComparisonReport {
    /// The comparison's name.
    pub name: String,
    /// The variants' names, in the order they were added.
    pub variants: Vec<String>,
    /// One per measured size, smallest first.
    pub sizes: Vec<SizeResult>,
    /// Per variant: its growth class fitted to the medians across sizes (an error with fewer
    /// than three sizes).
    pub fits: Vec<Result<Fit, FitError>>,
    /// Why timing was skipped, when it was: each variant then ran once at the smallest size.
    pub skipped: Option<String>,
    /// Something the reader should know about the measurement (the lock file could not be
    /// locked, so other processes may have measured at the same time).
    pub note: Option<String>,
    /// Under `PERFKIT=instructions`, per variant in the order they were added: its counts
    /// under callgrind, one [`Measurement`] per metric and size (sizes outer, metrics in
    /// [`METRICS`](crate::measure::callgrind::METRICS) order). Empty otherwise.
    pub counts: Vec<Vec<Measurement>>,
}

impl ComparisonReport {
    /// Whether timing was skipped (debug build or `PERFKIT=off`).
    pub fn is_skipped(&self) -> bool {
        self.skipped.is_some()
    }

    /// The position of the variant called `name`.
    pub fn variant_index(&self, name: &str) -> Option<usize> {
        self.variants.iter().position(|v| v == name)
    }

    /// The measurements at `size`, if it was measured.
    pub fn at(&self, size: usize) -> Option<&SizeResult> {
        self.sizes.iter().find(|s| s.size == size)
    }

    /// The statistics of `variant` at `size`.
    pub fn summary(&self, variant: &str, size: usize) -> Option<&Summary> {
        let v = self.variant_index(variant)?;
        self.at(size).map(|s| &s.summaries[v])
    }

    /// The fitted growth class of `variant` (`None` for an unknown name or when it could not be
    /// fitted, e.g. with fewer than three sizes).
    pub fn fit(&self, variant: &str) -> Option<&Fit> {
        let v = self.variant_index(variant)?;
        self.fits.get(v)?.as_ref().ok()
    }

    /// How many times faster `variant` is than `other` at `size` (`None` for an unknown name or
    /// size, or when the samples cannot be compared: fewer than two, or a time of 0).
    pub fn speedup(&self, variant: &str, other: &str, size: usize) -> Option<Speedup> {
        let (v, o) = (self.variant_index(variant)?, self.variant_index(other)?);
        speedup_at(self.at(size)?, v, o)
    }

    /// The variant with the lowest geometric-mean time at `size`: the one whose speedup over
    /// every other is at least 1. On an exact tie, the one added first.
    pub fn winner(&self, size: usize) -> Option<&str> {
        let at = self.at(size)?;
        Some(&self.variants[fastest(at)?])
    }

    /// The winner at `size` if it is clearly faster than every other variant (each speedup's
    /// CI lies above 1), else `None`.
    pub fn clear_winner(&self, size: usize) -> Option<&str> {
        Some(&self.variants[clear_winner(self.at(size)?)?])
    }

    /// Where the winner changes, scanning the measured sizes from the smallest.
    ///
    /// Only sizes with a *clear* winner (see [`clear_winner`](Self::clear_winner)) count. The
    /// crossover is the first size after which — at it and at every larger size with a clear
    /// winner — the same variant clearly wins, where another variant clearly won at the last
    /// clear size before it; that variant must also clearly win at the largest size. `None`
    /// when one variant is the only clear winner, or when no variant clearly wins at the
    /// largest size (no stable winner). Sizes without a clear winner (ties) may lie between
    /// the two winners, or inside the final winner's streak; [`Crossover::estimate`] then
    /// interpolates between the adjacent sizes where the speedup crosses 1.
    pub fn crossover(&self) -> Option<Crossover> {
        let clear: Vec<Option<usize>> = self.sizes.iter().map(clear_winner).collect();
        let winner = (*clear.last()?)?;
        let last_other = clear
            .iter()
            .rposition(|&c| c.is_some_and(|c| c != winner))?;
        let before = clear[last_other]?;
        let streak = last_other
            + 1
            + clear[last_other + 1..]
                .iter()
                .position(|&c| c == Some(winner))?;
        Some(Crossover {
            size: self.sizes[streak].size,
            winner: self.variants[winner].clone(),
            before: self.variants[before].clone(),
            estimate: self.equal_speed(winner, before, streak),
        })
    }

    /// Where the speedup of `winner` over `before` crosses 1 below or at index `streak`,
    /// interpolated on log-log axes between the two sizes that bracket it.
    fn equal_speed(&self, winner: usize, before: usize, streak: usize) -> Option<f64> {
        let ratios: Vec<Option<f64>> = self.sizes[..=streak]
            .iter()
            .map(|s| speedup_at(s, winner, before).map(|x| x.ratio))
            .collect();
        // The last size where `before` was faster; `before` clearly won somewhere below, so
        // there is one (a clear win implies a point win).
        let j = ratios.iter().rposition(|r| r.is_some_and(|r| r < 1.0))?;
        let (r0, r1) = (ratios[j]?, ratios.get(j + 1).copied()??);
        let (n0, n1) = (
            (self.sizes[j].size as f64).ln(),
            (self.sizes[j + 1].size as f64).ln(),
        );
        let t = -r0.ln() / (r1.ln() - r0.ln());
        Some((n0 + t * (n1 - n0)).exp())
    }
}

/// The speedup of variant `v` over variant `o` at one size.
pub(super) fn speedup_at(at: &SizeResult, v: usize, o: usize) -> Option<Speedup> {
    // "How many times faster is v" = geomean(o) / geomean(v): v plays the baseline.
    let w = log_welch(&at.samples[v].times_ns, &at.samples[o].times_ns).ok()?;
    Some(Speedup {
        ratio: w.ratio,
        ratio_ci: w.ratio_ci,
        p: w.test.p,
    })
}

/// The index of the variant with the lowest geometric mean at one size.
fn fastest(at: &SizeResult) -> Option<usize> {
    let log_mean = |s: &Samples| {
        let t = &s.times_ns;
        t.iter().map(|x| x.ln()).sum::<f64>() / t.len() as f64
    };
    let means: Vec<f64> = at.samples.iter().map(log_mean).collect();
    (0..means.len())
        .filter(|&i| !means[i].is_nan())
        .min_by(|&a, &b| means[a].total_cmp(&means[b]))
}

/// The fastest variant at one size if it is clearly faster than every other one.
pub(super) fn clear_winner(at: &SizeResult) -> Option<usize> {
    let w = fastest(at)?;
    (0..at.samples.len())
        .filter(|&o| o != w)
        .all(|o| speedup_at(at, w, o).is_some_and(|s| s.is_clear()))
        .then_some(w)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::complexity::fit_summaries;

    /// Samples spread ±2% around `median` in a fixed pattern, so CIs are narrow and reproducible.
    pub(crate) fn samples(median: f64) -> Samples {
        // 41 samples: (7i mod 41) runs through 0..=40 once, so the median is exactly `median`.
        let times_ns = (0..41)
            .map(|i| median * (1.0 + 0.001 * f64::from((i * 7) % 41 - 20)))
            .collect();
        Samples {
            times_ns,
            iters_per_sample: 10,
            allocations: None,
        }
    }

    /// A report of variants whose medians at each size are given by `times[variant][size]`.
    pub(crate) fn report(names: &[&str], sizes: &[usize], times: &[&[f64]]) -> ComparisonReport {
        let sizes: Vec<SizeResult> = sizes
            .iter()
            .enumerate()
            .map(|(i, &size)| {
                let samples: Vec<Samples> = times.iter().map(|t| samples(t[i])).collect();
                let summaries = samples
                    .iter()
                    .map(|s| Summary::new(&s.times_ns).unwrap())
                    .collect();
                SizeResult {
                    size,
                    samples,
                    summaries,
                }
            })
            .collect();
        let fits = (0..names.len())
            .map(|v| {
                let series: Vec<(usize, Summary)> = sizes
                    .iter()
                    .map(|s| (s.size, s.summaries[v].clone()))
                    .collect();
                fit_summaries(&series)
            })
            .collect();
        ComparisonReport {
            name: "find_duplicates".into(),
            variants: names.iter().map(|n| n.to_string()).collect(),
            sizes,
            fits,
            skipped: None,
            note: None,
            counts: Vec::new(),
        }
    }

    const SIZES: [usize; 4] = [1_000, 2_000, 4_000, 8_000];

    #[test]
    fn speedups_are_ratios_of_geometric_means_oriented_as_asked() {
        let r = report(
            &["slow", "fast"],
            &SIZES,
            &[
                &[400.0, 800.0, 1600.0, 3200.0],
                &[100.0, 200.0, 400.0, 800.0],
            ],
        );
        let s = r.speedup("fast", "slow", 2_000).unwrap();
        assert!((s.ratio - 4.0).abs() < 1e-9, "{s:?}");
        assert!(s.is_clear() && s.ratio_ci.contains(4.0));
        let back = r.speedup("slow", "fast", 2_000).unwrap();
        assert!((back.ratio - 0.25).abs() < 1e-9 && !back.is_clear());
        assert!(r.speedup("fast", "slow", 3_000).is_none());
        assert!(r.speedup("quick", "slow", 2_000).is_none());
        assert_eq!(r.winner(1_000), Some("fast"));
        assert_eq!(r.clear_winner(1_000), Some("fast"));
        assert_eq!(r.crossover(), None);
    }

    #[test]
    fn the_crossover_is_where_the_final_winner_starts_winning_clearly() {
        // "hash" has a large overhead and linear growth; "nested" grows quadratically.
        let r = report(
            &["nested", "hash"],
            &SIZES,
            &[
                &[1_000.0, 4_000.0, 16_000.0, 64_000.0],
                &[4_000.0, 5_000.0, 7_000.0, 11_000.0],
            ],
        );
        let c = r.crossover().unwrap();
        assert_eq!((c.size, c.winner.as_str()), (4_000, "hash"));
        assert_eq!(c.before, "nested");
        // Speedup of hash over nested: 0.25 at 1000, 0.8 at 2000, 2.29 at 4000, so the curves
        // cross between 2000 and 4000 on log-log axes.
        let r0: f64 = 4_000.0 / 5_000.0;
        let r1: f64 = 16_000.0 / 7_000.0;
        let t = -r0.ln() / (r1.ln() - r0.ln());
        let want = (2_000f64.ln() + t * 2f64.ln()).exp();
        let got = c.estimate.unwrap();
        assert!((got - want).abs() < 1e-6 * want, "{got} vs {want}");
        assert!(got > 2_000.0 && got < 4_000.0);
    }

    #[test]
    fn ties_in_between_are_skipped_and_ties_alone_are_no_crossover() {
        // a wins, tie, then b wins: the crossover is the start of b's streak.
        let r = report(
            &["a", "b"],
            &SIZES,
            &[&[100.0, 100.0, 100.0, 100.0], &[150.0, 100.2, 60.0, 50.0]],
        );
        assert_eq!(r.clear_winner(2_000), None);
        let c = r.crossover().unwrap();
        assert_eq!(
            (c.size, c.winner.as_str(), c.before.as_str()),
            (4_000, "b", "a")
        );
        // b is slower at 2000 by a point estimate (100.2 vs 100): it crosses 1 between 2000
        // and 4000.
        let est = c.estimate.unwrap();
        assert!(est > 2_000.0 && est < 4_000.0, "{est}");

        // A tie, then b wins: the winner never changes from one clear winner to another.
        let r = report(
            &["a", "b"],
            &SIZES,
            &[&[100.0, 100.0, 100.0, 100.0], &[100.0, 60.0, 50.0, 40.0]],
        );
        assert_eq!(r.crossover(), None);
        // b wins, tie, b wins: the winner never changes either.
        let r = report(
            &["a", "b"],
            &SIZES,
            &[&[200.0, 100.0, 200.0, 200.0], &[100.0, 100.0, 100.0, 100.0]],
        );
        assert_eq!(r.crossover(), None);
        // a wins, b wins, tie, b wins: the tie inside b's streak does not restart it.
        let r = report(
            &["a", "b"],
            &SIZES,
            &[&[100.0, 200.0, 100.0, 200.0], &[200.0, 100.0, 100.0, 100.0]],
        );
        let c = r.crossover().unwrap();
        assert_eq!(
            (c.size, c.winner.as_str(), c.before.as_str()),
            (2_000, "b", "a")
        );
        // No clear winner at the largest size: no stable winner, no crossover.
        let r = report(
            &["a", "b"],
            &SIZES,
            &[&[100.0, 100.0, 100.0, 100.0], &[50.0, 50.0, 50.0, 100.0]],
        );
        assert_eq!(r.crossover(), None);
    }

    #[test]
    fn a_change_back_and_forth_reports_the_last_change() {
        let r = report(
            &["a", "b"],
            &SIZES,
            &[&[100.0, 200.0, 100.0, 100.0], &[200.0, 100.0, 200.0, 200.0]],
        );
        let c = r.crossover().unwrap();
        assert_eq!(
            (c.size, c.winner.as_str(), c.before.as_str()),
            (4_000, "a", "b")
        );
    }

    #[test]
    fn three_variants_need_a_clear_win_over_each_other() {
        let r = report(
            &["a", "b", "c"],
            &SIZES,
            &[
                &[100.0, 100.0, 100.0, 100.0],
                &[300.0, 90.0, 50.0, 40.0],
                &[300.0, 90.1, 80.0, 80.0],
            ],
        );
        assert_eq!(r.winner(2_000), Some("b"));
        assert_eq!(r.clear_winner(2_000), None, "b and c are level at 2000");
        let c = r.crossover().unwrap();
        assert_eq!(
            (c.size, c.winner.as_str(), c.before.as_str()),
            (4_000, "b", "a")
        );
    }

    #[test]
    fn each_variant_has_its_fitted_class() {
        use crate::complexity::Complexity;
        let sq: Vec<f64> = SIZES.iter().map(|&n| 1e-3 * (n * n) as f64).collect();
        let lin: Vec<f64> = SIZES.iter().map(|&n| 500.0 + 2.0 * n as f64).collect();
        let r = report(&["nested", "hash"], &SIZES, &[&sq, &lin]);
        assert_eq!(r.fit("nested").unwrap().best, Complexity::Quadratic);
        assert_eq!(r.fit("hash").unwrap().best, Complexity::Linear);
        assert!(r.fit("other").is_none());
    }
}
