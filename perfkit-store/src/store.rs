//! [`Store`]: the history API used by the perf test runtime and by `cargo perfkit`.
//!
//! The promises each backend keeps (locking, compatibility, durability, performance) are
//! stated in the backends' module docs: SQLite (the default) and PostgreSQL (shared history).

use std::fmt;
use std::num::NonZeroUsize;
use std::path::Path;

use crate::backend::Backend;
use crate::baseline::{BaselineQuery, candidates};
use crate::error::StoreError;
use crate::gc::GcReport;
use crate::git::GitContext;
use crate::ids::{ResultId, RunId};
use crate::location::DbLocation;
use crate::metric::MetricInfo;
use crate::model::{Commit, Run};
use crate::postgres::PostgresBackend;
use crate::profile::{ProfileKey, StoredProfile};
use crate::query::{Benchmark, CommitSummary, HistoryPoint, HistoryQuery, TestbedSummary};
use crate::record::{Record, StoredComparison};
use crate::runs::{CommitRuns, HeadRuns};
use crate::sqlite::SqliteBackend;
use crate::sync::StoredRun;
use crate::testbed::Testbed;

/// How many candidate commits the first query asks about. The baseline is usually a commit or
/// two back, and each candidate costs an index lookup, so the search starts small...
const FIRST_CHUNK: usize = 8;

/// ...and grows fourfold per query up to this, so that a baseline thousands of commits back
/// still takes few queries, none binding thousands of parameters.
const MAX_CHUNK: usize = 256;

/// How many first-parent commits [`Store::history_before`] walks at most looking for results.
pub const HISTORY_WALK: usize = 1_000;

/// The history database.
pub struct Store {
    location: DbLocation,
    backend: Box<dyn Backend>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

/// What [`Store::record_imported`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The run and the ids of the records that were new; `None` when none was.
    pub recorded: Option<Recorded>,
    /// The positions (in the records given) of those imported before, and so skipped.
    pub skipped: Vec<usize>,
}

/// The ids a recorded run received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The run.
    pub run: RunId,
    /// One id per record, in the order given.
    pub results: Vec<ResultId>,
}

impl Store {
    /// Opens (creating it and its directory if needed) the SQLite history at `path`.
    ///
    /// A file that is not perfkit's history, is damaged, or has a newer schema is refused
    /// with an error naming it, and is left byte for byte as it was.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Ok(Store {
            location: DbLocation::Sqlite(path.to_owned()),
            backend: Box::new(SqliteBackend::open(path)?),
        })
    }

    /// Opens the history at `location` (see [`DbLocation::from_env`]).
    pub fn open_location(location: &DbLocation) -> Result<Store, StoreError> {
        match location {
            DbLocation::Sqlite(path) => Store::open(path),
            DbLocation::Postgres(url) => Ok(Store {
                location: location.clone(),
                backend: Box::new(PostgresBackend::open(url, false)?),
            }),
        }
    }

    /// Opens the existing SQLite history at `path` for reading only: nothing is written to the
    /// file or its directory, so a write-protected store can be read. Writes through the
    /// returned store fail with [`StoreError::ReadOnly`]. A file whose schema is older than
    /// this crate's is read through a migrated copy in memory, and left as it was.
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        Ok(Store {
            location: DbLocation::Sqlite(path.to_owned()),
            backend: Box::new(SqliteBackend::open_read_only(path)?),
        })
    }

    /// Opens the history at `location` for reading only (see [`Store::open_read_only`]).
    ///
    /// A PostgreSQL history is read through a connection that refuses writes; a database
    /// without perfkit's schema yet, or with an older one, is migrated first (the schema is
    /// not history, and every reader needs the same one).
    pub fn open_location_read_only(location: &DbLocation) -> Result<Store, StoreError> {
        match location {
            DbLocation::Sqlite(path) => Store::open_read_only(path),
            DbLocation::Postgres(url) => Ok(Store {
                location: location.clone(),
                backend: Box::new(PostgresBackend::open(url, true)?),
            }),
        }
    }

    /// Where this store is.
    pub fn location(&self) -> &DbLocation {
        &self.location
    }

    /// Records a run with all its results, in one transaction.
    ///
    /// Waits (with retries) while other processes write; never returns "database is locked"
    /// unless they hold it for a minute.
    pub fn record_run(&mut self, run: &Run, records: &[Record]) -> Result<Recorded, StoreError> {
        let (run, results) = self.backend.record_run(run, records)?;
        Ok(Recorded { run, results })
    }

    /// Records results imported from another tool, each once: a record whose content hash
    /// (one per record, e.g. [`content_hash`](crate::content_hash) of the files it was read
    /// from) was recorded before is skipped, so importing the same output again adds nothing.
    /// The run is recorded only when some record is new; all in one transaction.
    pub fn record_imported(
        &mut self,
        run: &Run,
        records: &[Record],
        hashes: &[String],
    ) -> Result<Imported, StoreError> {
        assert_eq!(records.len(), hashes.len(), "one content hash per record");
        let (recorded, skipped) = self.backend.record_imported(run, records, hashes)?;
        Ok(Imported {
            recorded: recorded.map(|(run, results)| Recorded { run, results }),
            skipped,
        })
    }

    /// Adds results to a run recorded earlier (a process that records test by test), in one
    /// transaction.
    pub fn add_records(
        &mut self,
        run: RunId,
        records: &[Record],
    ) -> Result<Vec<ResultId>, StoreError> {
        self.backend.add_records(run, records)
    }

    /// Stores the comparison made for a result, replacing any earlier one.
    pub fn set_comparison(
        &mut self,
        result: ResultId,
        comparison: &StoredComparison,
    ) -> Result<(), StoreError> {
        self.backend.set_comparison(result, comparison)
    }

    /// Every run with its id and its stable uid (see [`sync`](crate::sync)), oldest first.
    pub fn stored_runs(&self) -> Result<Vec<StoredRun>, StoreError> {
        self.backend.stored_runs()
    }

    /// Stores the profile of `run`'s result of `key` (its newest `time` result of that
    /// benchmark and size), replacing any earlier one. Record the result first.
    pub fn set_profile(
        &mut self,
        run: RunId,
        key: ProfileKey<'_>,
        profile: &StoredProfile,
    ) -> Result<(), StoreError> {
        self.backend.set_profile(run, key, profile)
    }

    /// The newest profile of `key` (a time result of that benchmark and size) at commit `sha`
    /// on `testbed`; `None` when none was recorded there.
    pub fn profile_at(
        &self,
        sha: &str,
        testbed: &Testbed,
        key: ProfileKey<'_>,
    ) -> Result<Option<StoredProfile>, StoreError> {
        self.backend.profile_at(sha, testbed, key)
    }

    /// Every result of `run`: every metric, with raw samples, budgets and comparison.
    pub fn run_records(&self, run: RunId) -> Result<Vec<Record>, StoreError> {
        self.backend.run_records(run)
    }

    /// Records runs read from another store under their own uids, with their results, all in
    /// one transaction; a run whose uid this store holds already is skipped (`false` at its
    /// position, nothing written for it).
    pub fn copy_runs(
        &mut self,
        runs: &[(StoredRun, Vec<Record>)],
    ) -> Result<Vec<bool>, StoreError> {
        self.backend.copy_runs(runs)
    }

    /// Stores the unit and direction of a metric users' code defines, replacing an earlier
    /// declaration of its name (the latest code's description wins). A built-in metric's name
    /// is refused: `time` is nanoseconds, lower better, whatever a caller says.
    pub fn declare_metric(&mut self, info: &MetricInfo) -> Result<(), StoreError> {
        if MetricInfo::is_builtin(&info.name) {
            return Err(StoreError::BuiltinMetric {
                name: info.name.clone(),
            });
        }
        self.backend.declare_metric(info)
    }

    /// Every metric declared with [`Store::declare_metric`], by name.
    pub fn declared_metrics(&self) -> Result<Vec<MetricInfo>, StoreError> {
        self.backend.declared_metrics()
    }

    /// How to read `metric`: perfkit's own description of a built-in one, else its stored
    /// declaration, else no unit and lower-is-better ([`MetricInfo::undeclared`]).
    pub fn metric_info(&self, metric: &str) -> Result<MetricInfo, StoreError> {
        if let Some(info) = MetricInfo::builtin(metric) {
            return Ok(info);
        }
        Ok(self
            .declared_metrics()?
            .into_iter()
            .find(|m| m.name == metric)
            .unwrap_or_else(|| MetricInfo::undeclared(metric)))
    }

    /// Every benchmark with its sizes and result count, by name.
    pub fn benchmarks(&self) -> Result<Vec<Benchmark>, StoreError> {
        self.backend.benchmarks()
    }

    /// Every testbed with its run and result counts, by name.
    pub fn testbeds(&self) -> Result<Vec<TestbedSummary>, StoreError> {
        self.backend.testbeds()
    }

    /// Every commit measured, with run and result counts, newest author time first.
    pub fn commits(&self) -> Result<Vec<CommitSummary>, StoreError> {
        self.backend.commits()
    }

    /// A benchmark's results on a testbed, along the commits given (e.g. first-parent order)
    /// or by commit time; see [`HistoryQuery`].
    pub fn history(&self, query: &HistoryQuery<'_>) -> Result<Vec<HistoryPoint>, StoreError> {
        self.backend.history(query)
    }

    /// Every result (clean and dirty) of `metric` at commit `sha` on `testbed`.
    pub fn results_at(
        &self,
        sha: &str,
        testbed: &Testbed,
        metric: &str,
    ) -> Result<Vec<HistoryPoint>, StoreError> {
        self.backend.results_at(sha, testbed, metric)
    }

    /// The baseline among `candidates` (commit SHAs, nearest first): the first with clean
    /// results that `query` accepts, each of its runs kept apart; `None` when no candidate has
    /// any.
    ///
    /// [`candidates`](crate::candidates) lists them by DESIGN.md's rule; [`Store::baseline_for`]
    /// does both steps.
    pub fn baseline(
        &self,
        query: &BaselineQuery<'_>,
        candidates: impl IntoIterator<Item = String>,
    ) -> Result<Option<CommitRuns>, StoreError> {
        let mut candidates = candidates.into_iter();
        let mut size = FIRST_CHUNK;
        loop {
            let chunk: Vec<String> = candidates.by_ref().take(size).collect();
            if chunk.is_empty() {
                return Ok(None);
            }
            if let Some(&i) = self.backend.with_results(query, &chunk)?.first() {
                let found = self
                    .backend
                    .runs_at(query, std::slice::from_ref(&chunk[i]))?;
                return Ok(found.into_iter().next());
            }
            size = (size * 4).min(MAX_CHUNK);
        }
    }

    /// The baseline of a comparison whose head is `head` (`dirty`: results of uncommitted
    /// changes on top of it), with an optional explicit base revision (`PERFKIT_BASELINE`,
    /// `--base`), by the rule that [`candidates`](crate::candidates) spells out. The one
    /// selection: the perf-test runtime and every `cargo perfkit` command call it.
    ///
    /// Ask before recording the run, or exclude it with [`BaselineQuery::excluding`], so that
    /// its own results never become its baseline.
    pub fn baseline_for(
        &self,
        git: &GitContext,
        head: Option<&Commit>,
        dirty: bool,
        base: Option<&str>,
        query: &BaselineQuery<'_>,
    ) -> Result<Option<CommitRuns>, StoreError> {
        self.baseline(query, candidates(git, head, dirty, base)?)
    }

    /// A series' history before `sha`: the clean runs that `query` accepts of the nearest
    /// `limit` first-parent ancestors of `sha` that have any, nearest first, `sha` itself
    /// excluded. The walk stops after [`HISTORY_WALK`] commits, so a long history without
    /// results is not walked to its root.
    ///
    /// The judge takes the between-run noise of a series from it when no commit has replicate
    /// runs; ask with the baseline's commit, so that neither side of a comparison is in it.
    pub fn history_before(
        &self,
        git: &GitContext,
        sha: &str,
        limit: usize,
        query: &BaselineQuery<'_>,
    ) -> Result<Vec<CommitRuns>, StoreError> {
        let ancestors = git.first_parents(sha)?.skip(1).take(HISTORY_WALK);
        self.runs_along(query, ancestors, limit)
    }

    /// The clean runs that `query` accepts of the first `limit` of `commits` (SHAs, nearest
    /// first) that have any, in that order: [`Store::history_before`] without git.
    pub fn runs_along(
        &self,
        query: &BaselineQuery<'_>,
        commits: impl IntoIterator<Item = String>,
        limit: usize,
    ) -> Result<Vec<CommitRuns>, StoreError> {
        let mut commits = commits.into_iter();
        let mut found: Vec<String> = Vec::new();
        let mut size = FIRST_CHUNK.max(limit);
        while found.len() < limit {
            let chunk: Vec<String> = commits.by_ref().take(size).collect();
            if chunk.is_empty() {
                break;
            }
            let hits = self.backend.with_results(query, &chunk)?;
            found.extend(hits.into_iter().map(|i| chunk[i].clone()));
            size = (size * 4).min(MAX_CHUNK);
        }
        found.truncate(limit);
        self.backend.runs_at(query, &found)
    }

    /// The runs of `metric` at commit `commit` on `testbed` that `which` selects, grouped per
    /// series; `None` when there are none.
    pub fn head_runs(
        &self,
        commit: &Commit,
        testbed: &Testbed,
        metric: &str,
        which: HeadRuns,
    ) -> Result<Option<CommitRuns>, StoreError> {
        let points = which.select(self.results_at(&commit.sha, testbed, metric)?);
        Ok(CommitRuns::from_points(commit.clone(), &points))
    }

    /// Prunes old history in one transaction, and reports what went; with `dry_run`, deletes
    /// nothing and reports what it would delete.
    ///
    /// - Per branch, the newest `keep` commits (by author time) keep all their results; a
    ///   commit kept on any branch it was measured on is kept whole, on every testbed.
    /// - Runs on a detached HEAD (usual in CI) count as one branch of their own; each run
    ///   recorded without a commit counts as a commit of its own.
    /// - The run holding the newest result of each benchmark on each testbed is never deleted,
    ///   so every benchmark keeps its latest timing however old its commit.
    /// - Everything else is deleted with its results; commits left without runs are forgotten.
    /// - After a prune that deleted anything, a SQLite file is compacted (`VACUUM`) and
    ///   [`GcReport::freed_bytes`] says by how much; PostgreSQL reclaims the space itself
    ///   (autovacuum), and `freed_bytes` is 0.
    pub fn gc(&mut self, keep: NonZeroUsize, dry_run: bool) -> Result<GcReport, StoreError> {
        self.backend.gc(keep, dry_run)
    }
}

#[cfg(test)]
mod tests {
    /// The runtime keeps one store per process behind a `Mutex` in a static.
    #[test]
    fn a_store_can_move_between_threads() {
        fn send<T: Send>() {}
        send::<super::Store>();
        send::<crate::GitContext>();
    }
}
