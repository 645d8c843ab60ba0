//! [`Baseline`]: which earlier results a run at commit C is compared against.
//!
//! The rule (DESIGN.md, "History"), as [`candidates`] lists the commits to try and
//! [`Store::baseline`](crate::Store::baseline) takes the first of them with results:
//!
//! - With a base revision (`PERFKIT_BASELINE`, `--base REV`): the nearest commit with results
//!   at or before merge-base(C, REV), walking first parents from the merge-base.
//! - Otherwise, on a clean tree: the nearest first-parent ancestor of C with results. C itself
//!   does not count: a second run at the same commit asks "did this commit change anything?",
//!   which only the parent's results answer; comparing with C's own earlier run would show
//!   noise and call it a verdict.
//! - On a dirty tree: C's own clean results if there are any (they are the code before the
//!   uncommitted edits), else that ancestor.
//!
//! Only clean results count, on the same testbed: a dirty run describes no commit. All clean
//! runs of the chosen commit are pooled. Asked about one benchmark, "with results" means with
//! results of that benchmark, so a test added or filtered out at some commits still finds its
//! own nearest baseline. Without a commit (no repository, no commits yet) there is no baseline.

use std::collections::BTreeMap;

use crate::error::StoreError;
use crate::git::{FirstParents, GitContext};
use crate::ids::RunId;
use crate::model::{Commit, Timestamp};
use crate::testbed::Testbed;

/// What to look for: results on which testbed, of which benchmark, excluding which run.
#[derive(Debug, Clone, Copy)]
pub struct BaselineQuery<'a> {
    /// Only results from this testbed count.
    pub testbed: &'a Testbed,
    /// `Some`: only this benchmark's results (all its sizes); `None`: every benchmark.
    pub benchmark: Option<&'a str>,
    /// A run whose results never count, e.g. the run in progress.
    pub exclude_run: Option<RunId>,
}

impl<'a> BaselineQuery<'a> {
    /// Every benchmark on `testbed`.
    pub fn new(testbed: &'a Testbed) -> BaselineQuery<'a> {
        BaselineQuery {
            testbed,
            benchmark: None,
            exclude_run: None,
        }
    }

    /// Only `name`'s results.
    pub fn benchmark(mut self, name: &'a str) -> BaselineQuery<'a> {
        self.benchmark = Some(name);
        self
    }

    /// Never `run`'s results.
    pub fn excluding(mut self, run: RunId) -> BaselineQuery<'a> {
        self.exclude_run = Some(run);
        self
    }
}

/// The pooled samples of one series (benchmark and size) at the baseline commit.
#[derive(Debug, Clone, PartialEq)]
pub struct PooledSeries {
    /// The benchmark's name.
    pub benchmark: String,
    /// The size, for a sized test.
    pub size: Option<u64>,
    /// How many runs contributed.
    pub runs: usize,
    /// Every run's per-iteration samples, oldest run first, concatenated.
    pub samples: Vec<f64>,
}

/// The results a run is compared against: every clean run of one commit on one testbed.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    /// The baseline commit.
    pub commit: Commit,
    /// How many runs at it were pooled.
    pub runs: usize,
    /// When the newest of them started.
    pub newest_run: Timestamp,
    /// Pooled samples per series, by benchmark name then size.
    pub series: Vec<PooledSeries>,
}

impl Baseline {
    /// The pooled series of `benchmark` at `size`, if the baseline has it.
    pub fn series(&self, benchmark: &str, size: Option<u64>) -> Option<&PooledSeries> {
        self.series
            .iter()
            .find(|s| s.benchmark == benchmark && s.size == size)
    }

    /// `3f2a91c (2 runs, 2 days ago)`: the words a perf test prints after "baseline: ".
    pub fn describe(&self, now: Timestamp) -> String {
        format!(
            "{} ({} run{}, {})",
            self.commit.short_sha(),
            self.runs,
            if self.runs == 1 { "" } else { "s" },
            self.newest_run.ago(now)
        )
    }

    /// Groups the stored results of one commit into a baseline; `None` when there are none.
    pub(crate) fn pool(
        commit: Commit,
        rows: impl IntoIterator<Item = PoolRow>,
    ) -> Option<Baseline> {
        let mut runs = Vec::new();
        let mut newest = None;
        let mut series: BTreeMap<(String, Option<u64>), Pooling> = BTreeMap::new();
        for row in rows {
            if !runs.contains(&row.run) {
                runs.push(row.run);
            }
            newest = newest.max(Some(row.started_at));
            let entry = series.entry((row.benchmark, row.size)).or_default();
            if !entry.0.contains(&row.run) {
                entry.0.push(row.run);
            }
            entry.1.extend(row.samples);
        }
        Some(Baseline {
            commit,
            runs: runs.len(),
            newest_run: newest?,
            series: series
                .into_iter()
                .map(|((benchmark, size), (runs, samples))| PooledSeries {
                    benchmark,
                    size,
                    runs: runs.len(),
                    samples,
                })
                .collect(),
        })
    }
}

/// One stored result, as pooling needs it.
#[derive(Debug)]
pub(crate) struct PoolRow {
    pub(crate) benchmark: String,
    pub(crate) size: Option<u64>,
    pub(crate) run: RunId,
    pub(crate) started_at: Timestamp,
    pub(crate) samples: Vec<f64>,
}

/// The runs seen so far for one series, and their samples.
type Pooling = (Vec<RunId>, Vec<f64>);

/// The commits to try for a baseline, in order; see the module doc for the rule.
#[derive(Debug)]
pub struct Candidates<'g> {
    own: Option<String>,
    ancestors: Option<FirstParents<'g>>,
}

impl Candidates<'_> {
    /// No candidates: the run has no commit.
    pub fn none() -> Candidates<'static> {
        Candidates {
            own: None,
            ancestors: None,
        }
    }
}

impl Iterator for Candidates<'_> {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        self.own.take().or_else(|| self.ancestors.as_mut()?.next())
    }
}

/// The commits a run described by `git` may take its baseline from, nearest first; the
/// baseline is the first of them with clean results on the run's testbed.
///
/// - With `base` (`PERFKIT_BASELINE`, `--base REV`): merge-base(HEAD, base), then its
///   first-parent ancestors.
/// - Otherwise, on a clean tree: HEAD's first-parent ancestors, HEAD itself excluded (a re-run
///   at the same commit compares with the parent, not with its own earlier run).
/// - On a dirty tree: HEAD itself (its clean results), then its first-parent ancestors.
/// - Without a commit (no repository, no commits yet): none, even when `base` is given.
///
/// Resolving `base`, and finding a merge-base with it, are the only ways this fails.
pub fn candidates<'g>(
    git: &'g GitContext,
    base: Option<&str>,
) -> Result<Candidates<'g>, StoreError> {
    let Some(head) = git.head() else {
        return Ok(Candidates::none());
    };
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
        });
    }
    let mut ancestors = git.first_parents(&head.sha)?;
    ancestors.next(); // C itself: see the module doc for why a clean run skips it.
    Ok(Candidates {
        own: git.dirty().then(|| head.sha.clone()),
        ancestors: Some(ancestors),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit() -> Commit {
        Commit {
            sha: "a".repeat(40),
            parents: vec![],
            author_time: 0,
            summary: "s".into(),
        }
    }

    #[test]
    fn pooling_concatenates_runs_in_order_and_counts_them() {
        let row = |benchmark: &str, size, run, ms, samples| PoolRow {
            benchmark: benchmark.to_owned(),
            size,
            run: RunId::from_raw(run),
            started_at: Timestamp::from_unix_ms(ms),
            samples,
        };
        let rows = vec![
            row("b", None, 1, 10, vec![1.0]),
            row("a", Some(8), 1, 10, vec![2.0]),
            row("b", None, 2, 30, vec![3.0, 4.0]),
        ];
        let b = Baseline::pool(commit(), rows).unwrap();
        assert_eq!(b.runs, 2);
        assert_eq!(b.newest_run, Timestamp::from_unix_ms(30));
        assert_eq!(b.series.len(), 2);
        let s = b.series("b", None).unwrap();
        assert_eq!((s.runs, s.samples.clone()), (2, vec![1.0, 3.0, 4.0]));
        assert_eq!(b.series("a", Some(8)).unwrap().runs, 1);
        assert_eq!(
            b.describe(Timestamp::from_unix_ms(30)),
            "aaaaaaa (2 runs, just now)"
        );
    }

    #[test]
    fn nothing_to_pool_is_no_baseline() {
        assert_eq!(Baseline::pool(commit(), Vec::new()), None);
    }
}
