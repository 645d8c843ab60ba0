//! [`Change`]: one series judged against its baseline, and [`Judgement`], which also covers
//! the series that cannot be judged.

use std::fmt;

use super::noise::Noise;
use super::verdict::{Probability, Verdict};
use crate::stats::Interval;

/// One benchmark judged against its baseline (was `compare::Comparison` in 0.1), from run
/// estimates on both sides.
///
/// Its `verdict` is always [`Verdict::Regression`], [`Verdict::Improvement`] or
/// [`Verdict::Unchanged`]. Displays as one line: `+7.2% [+4.1%, +10.4%]  p=0.0003  regression`,
/// with `q=...` after the p-value once it is set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change {
    /// `exp(head level − base level)` on the log scale: 1.072 reads "7.2% slower".
    pub ratio: f64,
    /// 95% confidence interval of `ratio`.
    pub ratio_ci: Interval,
    /// Two-sided p-value of the t-test on run levels.
    pub p: f64,
    /// Benjamini–Hochberg q-value across the series judged together.
    pub q: Option<f64>,
    /// The verdict, on `q` when it is set and on `p` otherwise.
    pub verdict: Verdict,
    /// What set the noise floor.
    pub noise: Noise,
    /// Degrees of freedom of the t-distribution behind `p` and `ratio_ci`.
    pub df: f64,
    /// Runs (or rounds, for a paired design) on the base side.
    pub base_runs: usize,
    /// Runs (or rounds) on the head side.
    pub head_runs: usize,
    /// The base's estimate that was judged, in the samples' unit: `exp` of the mean of its
    /// runs' log-locations.
    pub base_level: f64,
    /// The head's estimate that was judged, in the samples' unit.
    pub head_level: f64,
}

impl Change {
    /// The relative change, `ratio − 1`: 0.072 for 7.2% slower, negative when faster.
    pub fn change(&self) -> f64 {
        self.ratio - 1.0
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pct = |ratio: f64| format!("{:+.1}%", (ratio - 1.0) * 100.0);
        write!(
            f,
            "{} [{}, {}]  p={}",
            pct(self.ratio),
            pct(self.ratio_ci.lower),
            pct(self.ratio_ci.upper),
            Probability(self.p)
        )?;
        if let Some(q) = self.q {
            write!(f, " q={}", Probability(q))?;
        }
        write!(f, "  {}", self.verdict)
    }
}

/// What [`judge`](super::judge) says about one series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Judgement {
    /// Both sides had runs: the change and its verdict.
    Change(Change),
    /// No base runs: the series is new.
    New,
    /// No head runs: the series is missing.
    Missing,
    /// Both sides had runs, but not enough to judge (e.g. a paired design with one round).
    Insufficient {
        /// Why, in a few words, for people.
        reason: &'static str,
    },
}

impl Judgement {
    /// The verdict: the change's, [`Verdict::New`], [`Verdict::Missing`], or
    /// [`Verdict::Unchanged`] when there was too little to judge (nothing was shown to move).
    pub fn verdict(&self) -> Verdict {
        match self {
            Judgement::Change(c) => c.verdict,
            Judgement::New => Verdict::New,
            Judgement::Missing => Verdict::Missing,
            Judgement::Insufficient { .. } => Verdict::Unchanged,
        }
    }

    /// The change, when there is one.
    pub fn change(&self) -> Option<&Change> {
        match self {
            Judgement::Change(c) => Some(c),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(ratio: f64, lower: f64, upper: f64, p: f64, q: Option<f64>, v: Verdict) -> Change {
        Change {
            ratio,
            ratio_ci: Interval { lower, upper },
            p,
            q,
            verdict: v,
            noise: Noise::Prior,
            df: 10.0,
            base_runs: 1,
            head_runs: 1,
            base_level: 100.0,
            head_level: 100.0 * ratio,
        }
    }

    #[test]
    fn one_line_format() {
        let c = change(1.072, 1.041, 1.104, 0.0003, None, Verdict::Regression);
        assert_eq!(c.to_string(), "+7.2% [+4.1%, +10.4%]  p=0.0003  regression");
        let c = change(0.9, 0.85, 0.95, 3.2e-12, Some(0.02), Verdict::Unchanged);
        assert_eq!(
            c.to_string(),
            "-10.0% [-15.0%, -5.0%]  p=3.2e-12 q=0.0200  unchanged"
        );
    }

    #[test]
    fn verdict_of_each_judgement() {
        let c = change(1.2, 1.1, 1.3, 0.001, Some(0.001), Verdict::Regression);
        assert_eq!(Judgement::Change(c).verdict(), Verdict::Regression);
        assert_eq!(Judgement::Change(c).change(), Some(&c));
        assert_eq!(Judgement::New.verdict(), Verdict::New);
        assert_eq!(Judgement::Missing.verdict(), Verdict::Missing);
        let none = Judgement::Insufficient {
            reason: "one round",
        };
        assert_eq!(none.verdict(), Verdict::Unchanged);
        assert_eq!(none.change(), None);
    }
}
