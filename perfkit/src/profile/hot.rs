//! The hottest functions of a profile, and the functions whose share grew between two
//! profiles. Pure: folded stacks in, shares out.

use std::collections::{BTreeMap, BTreeSet};

use super::Folded;

/// One function's share of a profile's samples.
#[derive(Debug, Clone, PartialEq)]
pub struct HotFunction {
    /// The function (its demangled path, without the symbol hash).
    pub name: String,
    /// Share of samples in which it was the innermost frame (running its own code), 0..=1.
    pub self_share: f64,
    /// Share of samples in which it was anywhere on the stack (it or what it called), 0..=1.
    pub total_share: f64,
}

/// A function whose share moved between a base profile and a head profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Growth {
    /// The function.
    pub name: String,
    /// Its shares in the base profile (zero when it was never sampled there).
    pub base: Shares,
    /// Its shares in the head profile.
    pub head: Shares,
}

/// Self and total share of one function in one profile, 0..=1.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Shares {
    /// As the innermost frame.
    pub self_share: f64,
    /// Anywhere on the stack.
    pub total_share: f64,
}

impl Growth {
    /// How many points of self share the function gained (negative: lost).
    pub fn self_growth(&self) -> f64 {
        self.head.self_share - self.base.self_share
    }

    /// How many points of total share the function gained.
    pub fn total_growth(&self) -> f64 {
        self.head.total_share - self.base.total_share
    }
}

/// Every function's shares, by name. A recursive function counts once per sample.
fn shares(folded: &Folded) -> BTreeMap<&str, Shares> {
    let total = folded.samples() as f64;
    let mut out: BTreeMap<&str, Shares> = BTreeMap::new();
    if total == 0.0 {
        return out;
    }
    for (stack, count) in folded.stacks() {
        let share = count as f64 / total;
        let frames: Vec<&str> = stack.split(';').collect();
        if let Some(leaf) = frames.last() {
            out.entry(leaf).or_default().self_share += share;
        }
        let distinct: BTreeSet<&str> = frames.into_iter().collect();
        for frame in distinct {
            out.entry(frame).or_default().total_share += share;
        }
    }
    out
}

/// The `n` functions with the largest self share (ties: larger total share, then name), so
/// the code that burns the time comes first rather than the callers every sample passes
/// through.
pub fn hottest(folded: &Folded, n: usize) -> Vec<HotFunction> {
    let mut all: Vec<HotFunction> = shares(folded)
        .into_iter()
        .map(|(name, s)| HotFunction {
            name: name.to_owned(),
            self_share: s.self_share,
            total_share: s.total_share,
        })
        .collect();
    all.sort_by(|a, b| {
        b.self_share
            .total_cmp(&a.self_share)
            .then(b.total_share.total_cmp(&a.total_share))
            .then_with(|| a.name.cmp(&b.name))
    });
    all.truncate(n);
    all
}

/// The `n` functions whose self share grew most from `base` to `head` (ties: total share
/// growth), only those that grew. Shares, not sample counts: the two profiles may hold
/// different numbers of samples, and a function that now takes a larger part of the routine
/// is what made it slower.
pub fn grown(base: &Folded, head: &Folded, n: usize) -> Vec<Growth> {
    let before = shares(base);
    let after = shares(head);
    let names: BTreeSet<&str> = before.keys().chain(after.keys()).copied().collect();
    let mut all: Vec<Growth> = names
        .into_iter()
        .map(|name| Growth {
            name: name.to_owned(),
            base: before.get(name).copied().unwrap_or_default(),
            head: after.get(name).copied().unwrap_or_default(),
        })
        .filter(|g| g.self_growth() > 0.0)
        .collect();
    all.sort_by(|a, b| {
        b.self_growth()
            .total_cmp(&a.self_growth())
            .then(b.total_growth().total_cmp(&a.total_growth()))
            .then_with(|| a.name.cmp(&b.name))
    });
    all.truncate(n);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(text: &str) -> Folded {
        Folded::parse(text).unwrap()
    }

    #[test]
    fn self_and_total_shares() {
        let f = folded("run;parse;lex 6\nrun;parse 2\nrun;eval 2\n");
        let hot = hottest(&f, 10);
        let names: Vec<&str> = hot.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, ["lex", "parse", "eval", "run"]);
        assert!((hot[0].self_share - 0.6).abs() < 1e-12);
        assert!((hot[1].self_share - 0.2).abs() < 1e-12);
        assert!((hot[1].total_share - 0.8).abs() < 1e-12);
        assert!((hot[3].total_share - 1.0).abs() < 1e-12);
        assert_eq!(hottest(&f, 2).len(), 2);
    }

    #[test]
    fn recursion_counts_once_per_sample() {
        let f = folded("fib;fib;fib 4\n");
        let hot = hottest(&f, 1);
        assert_eq!(hot[0].total_share, 1.0);
        assert_eq!(hot[0].self_share, 1.0);
    }

    #[test]
    fn growth_is_in_shares_not_counts() {
        // The head has twice the samples; `lex` went from 25% to 60%, `eval` shrank.
        let base = folded("run;lex 1\nrun;eval 3\n");
        let head = folded("run;lex 6\nrun;eval 4\n");
        let g = grown(&base, &head, 5);
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].name, "lex");
        assert!((g[0].base.self_share - 0.25).abs() < 1e-12);
        assert!((g[0].head.self_share - 0.6).abs() < 1e-12);
    }

    #[test]
    fn an_empty_profile_has_no_hot_functions() {
        assert!(hottest(&Folded::new(), 10).is_empty());
        assert!(grown(&Folded::new(), &Folded::new(), 10).is_empty());
    }
}
