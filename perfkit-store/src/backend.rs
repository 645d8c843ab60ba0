//! [`Backend`]: the one seam between the store's API and a database.
//!
//! Every SQL statement lives behind this trait, so a PostgreSQL backend (for teams that share
//! history across CI machines) is one more implementation, and callers of
//! [`Store`](crate::Store) do not change. Baseline *selection* stays above it, in
//! [`Store::baseline`](crate::Store::baseline): a backend only answers "which of these commits
//! have results?" and "what are the runs at these commits?", so every backend applies the same
//! rule.

use std::num::NonZeroUsize;

use crate::baseline::BaselineQuery;
use crate::error::StoreError;
use crate::gc::GcReport;
use crate::ids::{ResultId, RunId};
use crate::metric::MetricInfo;
use crate::model::Run;
use crate::profile::{ProfileKey, StoredProfile};
use crate::query::{Benchmark, CommitSummary, HistoryPoint, HistoryQuery, TestbedSummary};
use crate::record::{Record, StoredComparison};
use crate::runs::CommitRuns;
use crate::sync::StoredRun;
use crate::testbed::Testbed;

/// What recording imported results did: the new run's ids (`None` when nothing was new) and
/// the positions of the records skipped as imported before.
pub(crate) type ImportOutcome = (Option<(RunId, Vec<ResultId>)>, Vec<usize>);

/// A place that keeps history. Each write is one transaction: all of it lands, or none.
pub(crate) trait Backend: Send {
    /// Records a run and its results under a fresh uid; returns the run's id and one id per
    /// record, in order.
    fn record_run(
        &mut self,
        run: &Run,
        records: &[Record],
    ) -> Result<(RunId, Vec<ResultId>), StoreError>;

    /// Records a run with the records whose content hash (one per record) is new, and
    /// remembers the hashes; returns the run's ids (none when nothing was new) and the
    /// positions of the records skipped.
    fn record_imported(
        &mut self,
        run: &Run,
        records: &[Record],
        hashes: &[String],
    ) -> Result<ImportOutcome, StoreError>;

    /// Adds results to a run recorded earlier.
    fn add_records(&mut self, run: RunId, records: &[Record]) -> Result<Vec<ResultId>, StoreError>;

    /// Stores (or replaces) the comparison made for a result.
    fn set_comparison(
        &mut self,
        result: ResultId,
        comparison: &StoredComparison,
    ) -> Result<(), StoreError>;

    /// Stores (or replaces) the profile of `run`'s newest time result of `key`.
    fn set_profile(
        &mut self,
        run: RunId,
        key: ProfileKey<'_>,
        profile: &StoredProfile,
    ) -> Result<(), StoreError>;

    /// The profile of the newest time result of `key` at commit `sha` on `testbed`.
    fn profile_at(
        &self,
        sha: &str,
        testbed: &Testbed,
        key: ProfileKey<'_>,
    ) -> Result<Option<StoredProfile>, StoreError>;

    /// Every benchmark, by name.
    fn benchmarks(&self) -> Result<Vec<Benchmark>, StoreError>;

    /// Every testbed, by name.
    fn testbeds(&self) -> Result<Vec<TestbedSummary>, StoreError>;

    /// Every commit with runs, newest author time first.
    fn commits(&self) -> Result<Vec<CommitSummary>, StoreError>;

    /// One benchmark's results on one testbed; see [`HistoryQuery`].
    fn history(&self, query: &HistoryQuery<'_>) -> Result<Vec<HistoryPoint>, StoreError>;

    /// Every result at one commit on one testbed, by benchmark name, size, then run.
    fn results_at(
        &self,
        sha: &str,
        testbed: &Testbed,
        metric: &str,
    ) -> Result<Vec<HistoryPoint>, StoreError>;

    /// The positions in `shas`, ascending, of the commits holding clean results that `query`
    /// accepts.
    fn with_results(
        &self,
        query: &BaselineQuery<'_>,
        shas: &[String],
    ) -> Result<Vec<usize>, StoreError>;

    /// The clean runs that `query` accepts at each of `shas` that has some, in the order of
    /// `shas`.
    fn runs_at(
        &self,
        query: &BaselineQuery<'_>,
        shas: &[String],
    ) -> Result<Vec<CommitRuns>, StoreError>;

    /// Deletes old runs by the rule in [`crate::gc`], in one transaction; with `dry_run`,
    /// only reports what it would delete. After a prune that deleted anything, compacts the
    /// storage and reports the bytes freed.
    fn gc(&mut self, keep: NonZeroUsize, dry_run: bool) -> Result<GcReport, StoreError>;

    /// Every run, with its id and uid, oldest first.
    fn stored_runs(&self) -> Result<Vec<StoredRun>, StoreError>;

    /// Every result of one run (every metric, with samples and budgets), in recorded order.
    fn run_records(&self, run: RunId) -> Result<Vec<Record>, StoreError>;

    /// Records runs copied from another store under their uids, with their results, all in
    /// one transaction; a run whose uid is here already is skipped (`false` at its position).
    fn copy_runs(&mut self, runs: &[(StoredRun, Vec<Record>)]) -> Result<Vec<bool>, StoreError>;

    /// Stores a metric's unit and direction, replacing an earlier declaration of its name.
    fn declare_metric(&mut self, info: &MetricInfo) -> Result<(), StoreError>;

    /// Every declared metric, by name.
    fn declared_metrics(&self) -> Result<Vec<MetricInfo>, StoreError>;
}
