//! The schema, as an append-only list of migrations (the pattern of cargo's cache tracker).
//!
//! `PRAGMA user_version` counts the migrations applied. Never edit or reorder an entry that
//! has shipped: files in the wild were made by it. Change the schema by appending an entry,
//! with a comment saying why; a newer entry may only add (tables, nullable columns, indexes)
//! so that what older versions wrote stays readable.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use super::APPLICATION_ID;
use super::open::{check, inspect};
use super::retry::Failure;

/// The migrations, oldest first. Entry `i` takes the schema from version `i` to `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: the first schema. Commits, testbeds and benchmarks are deduplicated by their natural
    // keys (SHA, fingerprint, name); a run ties one process's results to a commit (NULL when
    // none is known) and a testbed. Results copy the run's commit, testbed and dirty flag so
    // that "benchmark B on testbed T by commit" and "all of commit C" are each one index.
    // Statistic columns allow NULL because SQLite stores a NaN as NULL.
    r#"
    CREATE TABLE commits (
        id          INTEGER PRIMARY KEY,
        sha         TEXT    NOT NULL UNIQUE,
        parents     TEXT    NOT NULL,   -- full SHAs, space-separated, first parent first
        author_time INTEGER NOT NULL,   -- seconds since the epoch
        summary     TEXT    NOT NULL
    ) STRICT;

    CREATE TABLE testbeds (
        id          INTEGER PRIMARY KEY,
        fingerprint TEXT    NOT NULL UNIQUE,
        name        TEXT    NOT NULL,
        cpu         TEXT    NOT NULL,
        cores       INTEGER NOT NULL,
        os          TEXT    NOT NULL,
        arch        TEXT    NOT NULL,
        rustc       TEXT    NOT NULL,
        profile     TEXT    NOT NULL
    ) STRICT;

    CREATE TABLE benchmarks (
        id   INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
    ) STRICT;

    CREATE TABLE runs (
        id              INTEGER PRIMARY KEY,
        commit_id       INTEGER REFERENCES commits(id),
        testbed_id      INTEGER NOT NULL REFERENCES testbeds(id),
        dirty           INTEGER NOT NULL,
        branch          TEXT,
        started_at      INTEGER NOT NULL,  -- milliseconds since the epoch
        perfkit_version TEXT    NOT NULL,
        source          TEXT    NOT NULL,  -- perf_test, criterion
        notes           TEXT    NOT NULL   -- what git could not determine, one per line
    ) STRICT;
    CREATE INDEX runs_by_commit ON runs(commit_id, testbed_id);
    CREATE INDEX runs_by_testbed ON runs(testbed_id);

    CREATE TABLE results (
        id                       INTEGER PRIMARY KEY,
        run_id                   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        benchmark_id             INTEGER NOT NULL REFERENCES benchmarks(id),
        testbed_id               INTEGER NOT NULL REFERENCES testbeds(id),
        commit_id                INTEGER REFERENCES commits(id),
        dirty                    INTEGER NOT NULL,
        size                     INTEGER,
        n                        INTEGER NOT NULL,
        mean                     REAL,
        sd                       REAL,
        min                      REAL,
        max                      REAL,
        median                   REAL,
        p90                      REAL,
        p95                      REAL,
        p99                      REAL,
        mad                      REAL,
        mean_ci_lower            REAL,
        mean_ci_upper            REAL,
        median_ci_lower          REAL,
        median_ci_upper          REAL,
        outliers                 INTEGER NOT NULL,
        iterations_per_sample    INTEGER NOT NULL,
        samples                  BLOB    NOT NULL,  -- little-endian f64 nanoseconds per iteration
        allocs                   REAL,
        alloc_bytes              REAL,
        throughput_kind          TEXT,              -- bytes, elements
        throughput_per_iteration INTEGER,
        cmp_ratio                REAL,
        cmp_ratio_lower          REAL,
        cmp_ratio_upper          REAL,
        cmp_p                    REAL,
        cmp_verdict              TEXT
    ) STRICT;
    CREATE INDEX results_by_series ON results(benchmark_id, testbed_id, commit_id, dirty);
    CREATE INDEX results_by_commit ON results(commit_id, testbed_id);
    CREATE INDEX results_by_run ON results(run_id);

    CREATE TABLE budgets (
        result_id   INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        statistic   TEXT    NOT NULL,  -- median, mean, p90, ..., allocs, bytes
        limit_value REAL,
        estimate    REAL,
        passed      INTEGER NOT NULL,
        PRIMARY KEY (result_id, position)
    ) STRICT, WITHOUT ROWID;
    "#,
    // 2: the content hashes of imported results (`cargo perfkit import criterion`), so that
    // importing the same output again records nothing: pooled twice, one measurement would
    // read as two runs and make p-values over-confident. No foreign key: a hash outlives
    // `gc` pruning its result, so old output pruned once is not imported again as new.
    r#"
    CREATE TABLE imported (
        content_hash TEXT    PRIMARY KEY,
        run_id       INTEGER NOT NULL   -- the run that recorded it first
    ) STRICT, WITHOUT ROWID;
    "#,
    // 3: a result is the samples of one metric (time, instructions, latency, ...), so the
    // series key is (benchmark, testbed, metric, size). Results written before are `time`.
    r#"
    ALTER TABLE results ADD COLUMN metric TEXT NOT NULL DEFAULT 'time';
    DROP INDEX results_by_series;
    CREATE INDEX results_by_series ON results(benchmark_id, testbed_id, metric, commit_id, dirty);
    "#,
    // 4: a run's stable id, unique in every store, so `cargo perfkit sync` can tell a run it
    // copied before. New runs get 128 random bits in hex. Runs written before get an id made
    // of what identifies them here (commit, testbed fingerprint, start time, row id): the same
    // every time this is run, so two copies of one file (or an older file read through a
    // migrated copy in memory) give the same runs the same uids, and syncing them adds nothing.
    r#"
    ALTER TABLE runs ADD COLUMN uid TEXT;
    UPDATE runs SET uid = 'v3-' || coalesce((SELECT sha FROM commits c WHERE c.id = runs.commit_id), 'none')
        || '-' || (SELECT fingerprint FROM testbeds t WHERE t.id = runs.testbed_id)
        || '-' || started_at || '-' || id;
    CREATE UNIQUE INDEX runs_by_uid ON runs(uid);
    "#,
    // 5: the unit and direction of metrics that users' code defines (`b.metric("hit_rate",
    // ...)`), so history, verdicts and reports read them as declared. Built-in metrics are
    // described in code (`MetricInfo::builtin`) and not stored.
    r#"
    CREATE TABLE metrics (
        name   TEXT PRIMARY KEY,
        unit   TEXT NOT NULL,
        better TEXT NOT NULL CHECK (better IN ('lower', 'higher'))
    ) STRICT, WITHOUT ROWID;
    "#,
    // 6: a result's profile (`PERFKIT_PROFILE=1`, `cargo perfkit profile`): the routine's
    // folded call stacks, deflate-compressed (a few KiB), so a regression at an old commit can
    // still be explained. One per result; deleted with it.
    r#"
    CREATE TABLE profiles (
        result_id  INTEGER PRIMARY KEY REFERENCES results(id) ON DELETE CASCADE,
        samples    INTEGER NOT NULL,
        peak_bytes INTEGER,            -- peak heap of a batch of calls, when counted
        folded     BLOB    NOT NULL    -- deflate of the folded stacks' UTF-8 text
    ) STRICT;
    "#,
];

/// The schema version this crate writes and understands.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Brings the schema up to [`SCHEMA_VERSION`], in one exclusive transaction.
///
/// The version is read again inside the transaction: another process may have migrated (or a
/// newer perfkit may have) between this process's first look and taking the lock.
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<(), Failure> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
    let from = check(path, inspect(&tx)?)?;
    if from == SCHEMA_VERSION {
        return Ok(());
    }
    for migration in &MIGRATIONS[from as usize..] {
        tx.execute_batch(migration)?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sqlite::open::Found;

    fn schema(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn migrate_twice() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, Path::new(":memory:")).unwrap();
        let once = schema(&conn);
        migrate(&mut conn, Path::new(":memory:")).unwrap();
        assert_eq!(schema(&conn), once);
        assert_eq!(
            inspect(&conn).unwrap(),
            Found::Perfkit {
                version: SCHEMA_VERSION
            }
        );
    }

    /// A store written before metrics existed: its results read as `time`.
    #[test]
    fn results_written_before_metrics_are_time() {
        let mut conn = Connection::open_in_memory().unwrap();
        for migration in &MIGRATIONS[..2] {
            conn.execute_batch(migration).unwrap();
        }
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
        conn.execute_batch(
            "INSERT INTO testbeds VALUES (1, 'fp', 'tb', 'cpu', 2, 'linux', 'x86_64', 'rustc', 'release');
             INSERT INTO benchmarks VALUES (1, 'parse');
             INSERT INTO runs (id, testbed_id, dirty, started_at, perfkit_version, source, notes)
                 VALUES (1, 1, 0, 0, '0.1.0', 'perf_test', '');
             INSERT INTO results (run_id, benchmark_id, testbed_id, dirty, n, outliers,
                                  iterations_per_sample, samples)
                 VALUES (1, 1, 1, 0, 0, 0, 1, x'');",
        )
        .unwrap();
        migrate(&mut conn, Path::new(":memory:")).unwrap();
        let metric: String = conn
            .query_row("SELECT metric FROM results", [], |r| r.get(0))
            .unwrap();
        assert_eq!(metric, "time");
    }

    /// Runs written before uids existed get one each, the same however often it is derived.
    #[test]
    fn runs_written_before_uids_get_stable_distinct_ones() {
        let old = || {
            let mut conn = Connection::open_in_memory().unwrap();
            for migration in &MIGRATIONS[..3] {
                conn.execute_batch(migration).unwrap();
            }
            conn.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
            conn.pragma_update(None, "user_version", 3).unwrap();
            conn.execute_batch(
                "INSERT INTO testbeds VALUES (1, 'fp', 'tb', 'cpu', 2, 'linux', 'x86_64', 'rustc', 'release');
                 INSERT INTO commits VALUES (1, 'abc', '', 0, 's');
                 INSERT INTO runs (id, commit_id, testbed_id, dirty, started_at, perfkit_version, source, notes)
                     VALUES (1, 1, 1, 0, 5, '0.1.0', 'perf_test', ''),
                            (2, NULL, 1, 0, 5, '0.1.0', 'perf_test', '');",
            )
            .unwrap();
            migrate(&mut conn, Path::new(":memory:")).unwrap();
            let mut stmt = conn.prepare("SELECT uid FROM runs ORDER BY id").unwrap();
            stmt.query_map([], |r| r.get::<_, String>(0))
                .unwrap()
                .collect::<Result<Vec<_>, _>>()
                .unwrap()
        };
        let uids = old();
        assert_eq!(uids, vec!["v3-abc-fp-5-1", "v3-none-fp-5-2"]);
        assert_eq!(old(), uids);
    }

    #[test]
    fn every_migration_applies_on_top_of_the_previous_ones() {
        let conn = Connection::open_in_memory().unwrap();
        for (i, migration) in MIGRATIONS.iter().enumerate() {
            conn.execute_batch(migration)
                .unwrap_or_else(|e| panic!("migration {}: {e}", i + 1));
        }
    }
}
