//! What the store answers besides baselines: listings and a benchmark's history.

use crate::ids::{BenchmarkId, CommitId, ResultId, RunId, TestbedId};
use crate::model::{Commit, Timestamp};
use crate::record::Record;
use crate::testbed::Testbed;

/// A benchmark in the store, with how much history it has.
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmark {
    /// Its id.
    pub id: BenchmarkId,
    /// Its stable name.
    pub name: String,
    /// The sizes it was measured at, ascending; empty for an unsized benchmark.
    pub sizes: Vec<u64>,
    /// Results recorded, over all sizes, testbeds and commits.
    pub results: u64,
    /// When it was last recorded.
    pub last_run: Option<Timestamp>,
}

/// A testbed in the store, with how much history it has.
#[derive(Debug, Clone, PartialEq)]
pub struct TestbedSummary {
    /// Its id.
    pub id: TestbedId,
    /// The testbed.
    pub testbed: Testbed,
    /// Runs recorded on it.
    pub runs: u64,
    /// Results recorded on it.
    pub results: u64,
    /// When it last recorded.
    pub last_run: Option<Timestamp>,
}

/// A commit in the store, with how much was measured at it.
#[derive(Debug, Clone, PartialEq)]
pub struct CommitSummary {
    /// Its id.
    pub id: CommitId,
    /// The commit.
    pub commit: Commit,
    /// Runs at it, clean and dirty, on any testbed.
    pub runs: u64,
    /// Of those, the runs from a dirty tree.
    pub dirty_runs: u64,
    /// Results recorded at it.
    pub results: u64,
    /// When it was last measured.
    pub last_run: Option<Timestamp>,
}

/// Which results of one benchmark on one testbed to return, and in which order.
#[derive(Debug, Clone)]
pub struct HistoryQuery<'a> {
    /// The benchmark's name (every size is returned; each point carries its size).
    pub benchmark: &'a str,
    /// The testbed.
    pub testbed: &'a Testbed,
    /// `Some`: only results at these commits, in this order, e.g. the first-parent history of
    /// a branch from [`GitContext::first_parents`](crate::GitContext::first_parents), nearest
    /// first. `None`: every result, newest commit (by author time) first, then results
    /// without a commit.
    pub commits: Option<&'a [String]>,
    /// Whether results from dirty trees are included.
    pub include_dirty: bool,
    /// Whether raw samples are loaded (summaries are always).
    pub include_samples: bool,
    /// The metric whose results are returned ([`DEFAULT_METRIC`](crate::DEFAULT_METRIC) unless
    /// set).
    pub metric: &'a str,
}

impl<'a> HistoryQuery<'a> {
    /// Every clean result of `benchmark` on `testbed`, with samples, newest commit first.
    pub fn new(benchmark: &'a str, testbed: &'a Testbed) -> HistoryQuery<'a> {
        HistoryQuery {
            benchmark,
            testbed,
            commits: None,
            include_dirty: false,
            include_samples: true,
            metric: crate::DEFAULT_METRIC,
        }
    }

    /// Only results at these commits, in this order.
    pub fn along(mut self, commits: &'a [String]) -> HistoryQuery<'a> {
        self.commits = Some(commits);
        self
    }
}

/// One result in a benchmark's history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryPoint {
    /// The commit measured; `None` for results recorded without one.
    pub commit: Option<Commit>,
    /// The run.
    pub run: RunId,
    /// When the run started.
    pub started_at: Timestamp,
    /// Whether the tree was dirty.
    pub dirty: bool,
    /// The branch checked out.
    pub branch: Option<String>,
    /// The result's id (for [`Store::set_comparison`](crate::Store::set_comparison)).
    pub result: ResultId,
    /// The result (with empty `samples` unless they were asked for).
    pub record: Record,
}
