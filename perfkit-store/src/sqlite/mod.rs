//! The SQLite backend: one file, `<workspace root>/.perfkit/history.db` by default.
//!
//! # Locking
//!
//! Any number of processes may read and write at once. The file is in WAL mode, so readers
//! never wait for the writer. Each write is one `BEGIN IMMEDIATE` transaction, taking the
//! write lock up front, so two writers never deadlock upgrading a read lock. A writer that
//! finds the lock taken waits (a busy timeout) and then retries with backoff; "database is
//! locked" reaches the caller only as [`StoreError::Busy`] after a minute of trying.
//! Migrations run in one `EXCLUSIVE` transaction that re-reads the schema version inside it,
//! so processes that open a new file at the same moment migrate it once.
//!
//! # Compatibility
//!
//! The schema version is `PRAGMA user_version`, the length of the append-only
//! [`migrations`] list; opening an older file migrates it forward. A file whose version is
//! newer than this crate knows is refused ([`StoreError::NewerSchema`]) and not touched, and
//! so is any file that is not SQLite or whose `PRAGMA application_id` is not
//! [`APPLICATION_ID`]: nothing is written to a file before it is known to be perfkit's.
//!
//! # Durability
//!
//! `synchronous = FULL`: a result is on disk when `record_run` returns, and survives the
//! process being killed and the machine losing power. A process killed mid-write loses only
//! the transaction it had not committed; the next open rolls it back.
//!
//! # Files
//!
//! The history is the one file `history.db`. While a connection writes, SQLite keeps two
//! companions beside it, `history.db-wal` (committed transactions not yet folded into the file)
//! and `history.db-shm` (an index of the WAL); perfkit folds the WAL back into `history.db`
//! after every write (`PRAGMA wal_checkpoint(TRUNCATE)`), so copying, caching or uploading
//! `history.db` alone copies the whole history, even while a perf-test process that keeps its
//! connection open is still running. The fold is skipped only when another process is reading
//! or writing at that moment; its own next write, or the last connection closing, folds it then.
//!
//! # Performance
//!
//! The two hot queries are indexed: the results of benchmark B on testbed T by commit
//! (`results_by_series`), and all results of commit C (`results_by_commit`). A baseline and a
//! series' history (the runs of up to 20 earlier commits) are each one query over a list of
//! commits, started from the commits (`CROSS JOIN`) and seeking their results in those indexes. Results carry
//! copies of their run's commit, testbed and dirty flag so that both are answered from an
//! index without visiting the run. Raw samples are one blob per result (8 bytes a sample).

mod gc;
mod metrics;
mod migrations;
mod open;
mod profile;
mod read;
mod retry;
mod sync;
mod write;

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

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

pub use migrations::SCHEMA_VERSION;
pub(crate) use profile::no_result;
use retry::retry;

/// `PRAGMA application_id` of a perfkit history file: `PFKT` in ASCII.
pub const APPLICATION_ID: i32 = 0x5046_4B54;

/// A history in one SQLite file.
pub(crate) struct SqliteBackend {
    path: PathBuf,
    conn: Connection,
}

impl SqliteBackend {
    pub(crate) fn open(path: &Path) -> Result<SqliteBackend, StoreError> {
        Ok(SqliteBackend {
            path: path.to_owned(),
            conn: open::open(path)?,
        })
    }

    pub(crate) fn open_read_only(path: &Path) -> Result<SqliteBackend, StoreError> {
        Ok(SqliteBackend {
            path: path.to_owned(),
            conn: open::open_read_only(path)?,
        })
    }
}

impl Backend for SqliteBackend {
    fn record_run(
        &mut self,
        run: &Run,
        records: &[Record],
    ) -> Result<(RunId, Vec<ResultId>), StoreError> {
        let conn = &mut self.conn;
        let done = retry(&self.path, "recording a run", || {
            write::record_run(conn, run, records)
        })?;
        write::fold_wal(conn);
        Ok(done)
    }

    fn record_imported(
        &mut self,
        run: &Run,
        records: &[Record],
        hashes: &[String],
    ) -> Result<ImportOutcome, StoreError> {
        let conn = &mut self.conn;
        let done = retry(&self.path, "recording imported results", || {
            write::record_imported(conn, run, records, hashes)
        })?;
        write::fold_wal(conn);
        Ok(done)
    }

    fn add_records(&mut self, run: RunId, records: &[Record]) -> Result<Vec<ResultId>, StoreError> {
        let conn = &mut self.conn;
        let done = retry(&self.path, "adding results", || {
            write::add_records(conn, run, records)
        })?;
        write::fold_wal(conn);
        Ok(done)
    }

    fn set_comparison(
        &mut self,
        result: ResultId,
        comparison: &StoredComparison,
    ) -> Result<(), StoreError> {
        let conn = &mut self.conn;
        retry(&self.path, "storing a comparison", || {
            write::set_comparison(conn, result, comparison)
        })?;
        write::fold_wal(conn);
        Ok(())
    }

    fn set_profile(
        &mut self,
        run: RunId,
        key: ProfileKey<'_>,
        profile: &StoredProfile,
    ) -> Result<(), StoreError> {
        let conn = &mut self.conn;
        retry(&self.path, "storing a profile", || {
            profile::set_profile(conn, run, key, profile)
        })?;
        write::fold_wal(conn);
        Ok(())
    }

    fn profile_at(
        &self,
        sha: &str,
        testbed: &Testbed,
        key: ProfileKey<'_>,
    ) -> Result<Option<StoredProfile>, StoreError> {
        retry(&self.path, "reading a profile", || {
            profile::profile_at(&self.conn, sha, testbed, key)
        })
    }

    fn benchmarks(&self) -> Result<Vec<Benchmark>, StoreError> {
        retry(&self.path, "listing benchmarks", || {
            read::benchmarks(&self.conn)
        })
    }

    fn testbeds(&self) -> Result<Vec<TestbedSummary>, StoreError> {
        retry(&self.path, "listing testbeds", || {
            read::testbeds(&self.conn)
        })
    }

    fn commits(&self) -> Result<Vec<CommitSummary>, StoreError> {
        retry(&self.path, "listing commits", || read::commits(&self.conn))
    }

    fn history(&self, query: &HistoryQuery<'_>) -> Result<Vec<HistoryPoint>, StoreError> {
        retry(&self.path, "reading history", || {
            read::history(&self.conn, query)
        })
    }

    fn results_at(
        &self,
        sha: &str,
        testbed: &Testbed,
        metric: &str,
    ) -> Result<Vec<HistoryPoint>, StoreError> {
        retry(&self.path, "reading a commit's results", || {
            read::results_at(&self.conn, sha, testbed, metric)
        })
    }

    fn with_results(
        &self,
        query: &BaselineQuery<'_>,
        shas: &[String],
    ) -> Result<Vec<usize>, StoreError> {
        retry(&self.path, "searching for results", || {
            read::with_results(&self.conn, query, shas)
        })
    }

    fn runs_at(
        &self,
        query: &BaselineQuery<'_>,
        shas: &[String],
    ) -> Result<Vec<CommitRuns>, StoreError> {
        retry(&self.path, "reading runs", || {
            read::runs_at(&self.conn, query, shas)
        })
    }

    fn gc(&mut self, keep: NonZeroUsize, dry_run: bool) -> Result<GcReport, StoreError> {
        let conn = &mut self.conn;
        let mut report = retry(&self.path, "pruning history", || {
            gc::gc(conn, keep, dry_run)
        })?;
        if !report.dry_run && report.runs > 0 {
            report.freed_bytes = retry(
                &self.path,
                "compacting the file after the prune (VACUUM; the prune itself is done)",
                || gc::vacuum(conn),
            )?;
        }
        write::fold_wal(conn);
        Ok(report)
    }

    fn stored_runs(&self) -> Result<Vec<StoredRun>, StoreError> {
        retry(&self.path, "listing runs", || sync::stored_runs(&self.conn))
    }

    fn run_records(&self, run: RunId) -> Result<Vec<Record>, StoreError> {
        retry(&self.path, "reading a run's results", || {
            sync::run_records(&self.conn, run)
        })
    }

    fn copy_runs(&mut self, runs: &[(StoredRun, Vec<Record>)]) -> Result<Vec<bool>, StoreError> {
        let conn = &mut self.conn;
        let copied = retry(&self.path, "copying runs", || write::copy_runs(conn, runs))?;
        write::fold_wal(conn);
        Ok(copied)
    }

    fn declare_metric(&mut self, info: &MetricInfo) -> Result<(), StoreError> {
        let conn = &mut self.conn;
        retry(&self.path, "declaring a metric", || {
            metrics::declare(conn, info)
        })?;
        write::fold_wal(conn);
        Ok(())
    }

    fn declared_metrics(&self) -> Result<Vec<MetricInfo>, StoreError> {
        retry(&self.path, "listing metrics", || {
            metrics::declared(&self.conn)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{GitContext, Machine, Source, StoredSummary};

    /// Issue 11.10: a full disk was reported as "move the file away".
    #[test]
    fn a_full_disk_is_reported_as_a_full_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.db");
        let mut backend = SqliteBackend::open(&path).unwrap();
        // SQLite answers SQLITE_FULL, as on a full disk, when a file would outgrow this.
        let pages: i64 = backend
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap();
        let _: i64 = backend
            .conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
                r.get(0)
            })
            .unwrap();
        let machine = Machine {
            cpu: "cpu".into(),
            cores: 2,
            os: "linux".into(),
            arch: "x86_64".into(),
        };
        let testbed = Testbed::new(machine, "rustc 1.95.0", "release", None);
        let run = Run::new(
            &GitContext::discover(dir.path()),
            testbed,
            "0.1.0",
            Source::PerfTest,
        );
        let records: Vec<Record> = (0..20)
            .map(|i| {
                Record::new(
                    format!("b{i}"),
                    StoredSummary::default(),
                    1,
                    vec![1.5; 1000],
                )
            })
            .collect();
        let err = backend.record_run(&run, &records).unwrap_err();
        assert!(matches!(err, StoreError::DiskFull { .. }), "{err:?}");
        let message = err.to_string();
        assert!(
            message.contains("is full") && message.contains("history.db"),
            "{message}"
        );
        assert!(!message.contains("move the file away"), "{message}");
    }
}
