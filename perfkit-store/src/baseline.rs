//! The baseline: which earlier results a run at commit C is compared against.
//!
//! The rule (DESIGN.md, "History"), as [`candidates`] lists the commits to try and
//! [`Store::baseline`](crate::Store::baseline) takes the first of them with results. It is the
//! one rule: the perf-test runtime and every `cargo perfkit` command select through it.
//!
//! - With a base revision (`PERFKIT_BASELINE`, `--base REV`): the nearest commit with results
//!   at or before merge-base(C, REV), walking first parents from the merge-base.
//! - Otherwise, on a clean tree: the nearest first-parent ancestor of C with results. C itself
//!   does not count: a second run at the same commit asks "did this commit change anything?",
//!   which only the parent's results answer; comparing with C's own earlier run would show
//!   noise and call it a verdict.
//! - On a dirty tree: C's own clean results if there are any (they are the code before the
//!   uncommitted edits), else that ancestor.
//! - C's own clean results are never its baseline on a clean tree, also when the base revision's
//!   merge-base is C itself.
//!
//! Only clean results count, on the same testbed: a dirty run describes no commit. All clean
//! runs of the chosen commit are the baseline, each run kept apart
//! ([`CommitRuns`](crate::CommitRuns)). Asked about one benchmark, "with results" means with
//! results of that benchmark, so a test added or filtered out at some commits still finds its
//! own nearest baseline. Without a commit (no repository, no commits yet) there is no baseline.

use crate::error::StoreError;
use crate::git::{FirstParents, GitContext};
use crate::ids::RunId;
use crate::model::Commit;
use crate::testbed::Testbed;

/// What to look for: clean results on which testbed, of which benchmark, excluding which run.
/// Used for the baseline and for a series' history alike.
#[derive(Debug, Clone, Copy)]
pub struct BaselineQuery<'a> {
    /// Only results from this testbed count.
    pub testbed: &'a Testbed,
    /// `Some`: only this benchmark's results (all its sizes); `None`: every benchmark.
    pub benchmark: Option<&'a str>,
    /// A run whose results never count, e.g. the run in progress.
    pub exclude_run: Option<RunId>,
    /// Only results of this metric count ([`DEFAULT_METRIC`](crate::DEFAULT_METRIC) unless
    /// set): a commit measured only for time is no baseline for instruction counts.
    pub metric: &'a str,
}

impl<'a> BaselineQuery<'a> {
    /// Every benchmark on `testbed`.
    pub fn new(testbed: &'a Testbed) -> BaselineQuery<'a> {
        BaselineQuery {
            testbed,
            benchmark: None,
            exclude_run: None,
            metric: crate::DEFAULT_METRIC,
        }
    }

    /// Only `name`'s results.
    pub fn benchmark(mut self, name: &'a str) -> BaselineQuery<'a> {
        self.benchmark = Some(name);
        self
    }

    /// Only results of `metric`.
    pub fn metric(mut self, metric: &'a str) -> BaselineQuery<'a> {
        self.metric = metric;
        self
    }

    /// Never `run`'s results.
    pub fn excluding(mut self, run: RunId) -> BaselineQuery<'a> {
        self.exclude_run = Some(run);
        self
    }
}

/// The commits to try for a baseline, in order; see the module doc for the rule.
#[derive(Debug)]
pub struct Candidates<'g> {
    own: Option<String>,
    ancestors: Option<FirstParents<'g>>,
    /// The head commit, skipped among the ancestors (see the module doc).
    skip: Option<String>,
}

impl Candidates<'_> {
    /// No candidates: the run has no commit.
    pub fn none() -> Candidates<'static> {
        Candidates {
            own: None,
            ancestors: None,
            skip: None,
        }
    }
}

impl Iterator for Candidates<'_> {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        if let Some(own) = self.own.take() {
            return Some(own);
        }
        let ancestors = self.ancestors.as_mut()?;
        loop {
            let sha = ancestors.next()?;
            if self.skip.as_ref() != Some(&sha) {
                return Some(sha);
            }
        }
    }
}

/// The commits a comparison whose head is `head` may take its baseline from, nearest first;
/// the baseline is the first of them with clean results on the testbed. `dirty`: the head's
/// results are of uncommitted changes on top of `head`.
///
/// - With `base` (`PERFKIT_BASELINE`, `--base REV`): merge-base(head, base), then its
///   first-parent ancestors.
/// - Otherwise, on a clean tree: the head's first-parent ancestors.
/// - On a dirty tree: the head itself (its clean results), then its first-parent ancestors.
/// - The head itself never counts on a clean tree, with or without `base`: a re-run at the
///   same commit compares with the parent, not with its own earlier run.
/// - Without a head commit (no repository, no commits yet): none, even when `base` is given.
///
/// Resolving `base`, and finding a merge-base with it, are the only ways this fails; call it
/// before measuring to refuse a bad revision early.
pub fn candidates<'g>(
    git: &'g GitContext,
    head: Option<&Commit>,
    dirty: bool,
    base: Option<&str>,
) -> Result<Candidates<'g>, StoreError> {
    let Some(head) = head else {
        return Ok(Candidates::none());
    };
    let skip = (!dirty).then(|| head.sha.clone());
    if let Some(rev) = base {
        let base_commit = git.resolve(rev)?;
        let merge_base = git
            .merge_base(&head.sha, &base_commit.sha)?
            .ok_or_else(|| StoreError::NoMergeBase {
                head: head.short_sha().to_owned(),
                base: rev.to_owned(),
                shallow: git.shallow(),
            })?;
        return Ok(Candidates {
            own: None,
            ancestors: Some(git.first_parents(&merge_base.sha)?),
            skip,
        });
    }
    let mut ancestors = git.first_parents(&head.sha)?;
    ancestors.next(); // the head itself: first, and only on a dirty tree (see the module doc)
    Ok(Candidates {
        own: dirty.then(|| head.sha.clone()),
        ancestors: Some(ancestors),
        skip,
    })
}
