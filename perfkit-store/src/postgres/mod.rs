//! The PostgreSQL backend: one database that every CI machine of a team reads and writes,
//! selected by `PERFKIT_DB=postgres://user@host:port/db` (or `--db`, or `db` in
//! `perfkit.toml`). The same model, schema versions and baseline rule as SQLite.
//!
//! # Locking
//!
//! Any number of processes on any number of machines may read and write at once. Each write
//! is one transaction (`READ COMMITTED`); commits, testbeds and benchmarks are inserted with
//! `ON CONFLICT DO NOTHING`, so two runs of one commit share its row. A deadlock or
//! serialization failure between writers, a dropped connection, or a server that is
//! restarting is retried, the whole transaction again, with backoff for up to 20 seconds;
//! then the caller gets [`StoreError::Unreachable`] naming the URL (never its password).
//! Opening migrates in one transaction holding `pg_advisory_xact_lock`, re-reading the
//! version under it, so machines that open a new database at the same moment migrate it once.
//!
//! # Compatibility
//!
//! The schema version is the one row of `perfkit_schema` (which also marks the database as
//! perfkit's), counting the append-only [`migrations`]; entry `i` means what SQLite's entry
//! `i` means. A newer version is refused ([`StoreError::NewerSchema`]); a database with
//! tables but no `perfkit_schema` is refused ([`StoreError::ForeignDatabase`]); neither is
//! written to. The tables live in the connection's current schema (`search_path`).
//!
//! # Durability
//!
//! A run is committed when `record_run` returns, as durable as the server makes commits. A
//! connection lost mid-run rolls the whole run back on the server: nothing partial is stored.
//!
//! # Read-only
//!
//! A store opened read-only refuses writes before they reach the server. It still migrates
//! an empty or older database when opened: the schema is not history, and every reader
//! needs the current one.
//!
//! # Performance
//!
//! The same indexes as SQLite's (`results_by_series`, `results_by_commit`); lists of commits
//! are bound as one array (`= ANY($1)`), so a baseline search is one statement per chunk of
//! candidates. A run is written in a fixed number of statements whatever its size (its
//! benchmarks, its results and its budgets each as arrays, `unnest`ed on the server), so the
//! round trips to a distant server do not grow with the results. `gc` deletes and leaves
//! compaction to the server's autovacuum.

mod gc;
mod metrics;
mod migrations;
mod open;
mod profile;
mod read;
mod retry;
mod write;

use std::cell::RefCell;
use std::num::NonZeroUsize;

use crate::backend::{Backend, ImportOutcome};
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
use crate::uid::new_run_uid;

pub use migrations::PG_SCHEMA_VERSION;
use retry::Conn;
pub use retry::redact_url;

/// A history in one PostgreSQL database.
pub(crate) struct PostgresBackend {
    /// Reads take `&self` in [`Backend`]; the client needs `&mut` for every statement.
    conn: RefCell<Conn>,
    read_only: bool,
}

impl PostgresBackend {
    /// Connects to `url`, refuses a database that is not perfkit's or is newer, and migrates.
    pub(crate) fn open(url: &str, read_only: bool) -> Result<PostgresBackend, StoreError> {
        let mut conn = Conn::new(url)?;
        open::open(&mut conn)?;
        Ok(PostgresBackend {
            conn: RefCell::new(conn),
            read_only,
        })
    }

    fn read<T>(
        &self,
        op: &'static str,
        mut f: impl FnMut(&mut postgres::Client) -> Result<T, retry::Failure>,
    ) -> Result<T, StoreError> {
        self.conn.borrow_mut().run(op, &mut f)
    }

    fn write<T>(
        &mut self,
        op: &'static str,
        mut f: impl FnMut(&mut postgres::Client) -> Result<T, retry::Failure>,
    ) -> Result<T, StoreError> {
        let conn = self.conn.get_mut();
        if self.read_only {
            return Err(StoreError::ReadOnly {
                path: conn.url.clone().into(),
                cause: format!("{op}: the store was opened read-only"),
            });
        }
        conn.run(op, &mut f)
    }
}

impl Backend for PostgresBackend {
    fn record_run(
        &mut self,
        run: &Run,
        records: &[Record],
    ) -> Result<(RunId, Vec<ResultId>), StoreError> {
        // One uid for every attempt: a retry after a commit whose reply was lost finds the run.
        let uid = new_run_uid();
        self.write("recording a run", |c| {
            write::record_run(c, run, &uid, records)
        })
    }

    fn record_imported(
        &mut self,
        run: &Run,
        records: &[Record],
        hashes: &[String],
    ) -> Result<ImportOutcome, StoreError> {
        self.write("recording imported results", |c| {
            write::record_imported(c, run, records, hashes)
        })
    }

    fn add_records(&mut self, run: RunId, records: &[Record]) -> Result<Vec<ResultId>, StoreError> {
        self.write("adding results", |c| write::add_records(c, run, records))
    }

    fn set_comparison(
        &mut self,
        result: ResultId,
        comparison: &StoredComparison,
    ) -> Result<(), StoreError> {
        self.write("storing a comparison", |c| {
            write::set_comparison(c, result, comparison)
        })
    }

    fn set_profile(
        &mut self,
        run: RunId,
        key: ProfileKey<'_>,
        profile: &StoredProfile,
    ) -> Result<(), StoreError> {
        self.write("storing a profile", |c| {
            profile::set_profile(c, run, key, profile)
        })
    }

    fn profile_at(
        &self,
        sha: &str,
        testbed: &Testbed,
        key: ProfileKey<'_>,
    ) -> Result<Option<StoredProfile>, StoreError> {
        self.read("reading a profile", |c| {
            profile::profile_at(c, sha, testbed, key)
        })
    }

    fn benchmarks(&self) -> Result<Vec<Benchmark>, StoreError> {
        self.read("listing benchmarks", read::benchmarks)
    }

    fn testbeds(&self) -> Result<Vec<TestbedSummary>, StoreError> {
        self.read("listing testbeds", read::testbeds)
    }

    fn commits(&self) -> Result<Vec<CommitSummary>, StoreError> {
        self.read("listing commits", read::commits)
    }

    fn history(&self, query: &HistoryQuery<'_>) -> Result<Vec<HistoryPoint>, StoreError> {
        self.read("reading history", |c| read::history(c, query))
    }

    fn results_at(
        &self,
        sha: &str,
        testbed: &Testbed,
        metric: &str,
    ) -> Result<Vec<HistoryPoint>, StoreError> {
        self.read("reading a commit's results", |c| {
            read::results_at(c, sha, testbed, metric)
        })
    }

    fn with_results(
        &self,
        query: &BaselineQuery<'_>,
        shas: &[String],
    ) -> Result<Vec<usize>, StoreError> {
        self.read("searching for results", |c| {
            read::with_results(c, query, shas)
        })
    }

    fn runs_at(
        &self,
        query: &BaselineQuery<'_>,
        shas: &[String],
    ) -> Result<Vec<CommitRuns>, StoreError> {
        self.read("reading runs", |c| read::runs_at(c, query, shas))
    }

    fn gc(&mut self, keep: NonZeroUsize, dry_run: bool) -> Result<GcReport, StoreError> {
        if dry_run {
            return self
                .conn
                .get_mut()
                .run("pruning history", |c| gc::gc(c, keep, true));
        }
        self.write("pruning history", |c| gc::gc(c, keep, false))
    }

    fn stored_runs(&self) -> Result<Vec<StoredRun>, StoreError> {
        self.read("listing runs", read::stored_runs)
    }

    fn run_records(&self, run: RunId) -> Result<Vec<Record>, StoreError> {
        self.read("reading a run's results", |c| read::run_records(c, run))
    }

    fn copy_runs(&mut self, runs: &[(StoredRun, Vec<Record>)]) -> Result<Vec<bool>, StoreError> {
        self.write("copying runs", |c| write::copy_runs(c, runs))
    }

    fn declare_metric(&mut self, info: &MetricInfo) -> Result<(), StoreError> {
        self.write("declaring a metric", |c| metrics::declare(c, info))
    }

    fn declared_metrics(&self) -> Result<Vec<MetricInfo>, StoreError> {
        self.read("listing metrics", metrics::declared)
    }
}
