//! Writes: each one a single `BEGIN IMMEDIATE` transaction, safe to retry whole.

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::retry::Failure;
use crate::backend::ImportOutcome;
use crate::ids::{ResultId, RunId};
use crate::model::{Commit, Run};
use crate::record::{Record, StoredComparison};
use crate::samples::encode_samples;
use crate::sync::StoredRun;
use crate::testbed::Testbed;
use crate::uid::new_run_uid;

/// The keys every result of a run carries (see the schema's comment on `results`).
struct RunKeys {
    run: i64,
    commit: Option<i64>,
    testbed: i64,
    dirty: bool,
}

/// Folds the WAL back into the database file and empties it, so that the file alone holds
/// every committed write (see the module doc's Files). Best effort: the write is committed
/// already, and a checkpoint that other connections keep from finishing (it waits up to the
/// busy timeout) or that fails leaves the data safe in the WAL, folded by a later write.
pub(crate) fn fold_wal(conn: &Connection) {
    let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
}

pub(crate) fn record_run(
    conn: &mut Connection,
    run: &Run,
    records: &[Record],
) -> Result<(RunId, Vec<ResultId>), Failure> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let recorded = insert_run(&tx, run, &new_run_uid(), records)?;
    tx.commit()?;
    Ok(recorded)
}

/// Records runs copied from another store under their uids, each unless its uid is here
/// already, in one transaction.
pub(crate) fn copy_runs(
    conn: &mut Connection,
    runs: &[(StoredRun, Vec<Record>)],
) -> Result<Vec<bool>, Failure> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut copied = Vec::with_capacity(runs.len());
    for (run, records) in runs {
        let present = tx
            .prepare_cached("SELECT 1 FROM runs WHERE uid = ?1")?
            .exists([&run.uid])?;
        if !present {
            insert_run(&tx, &run.run, &run.uid, records)?;
        }
        copied.push(!present);
    }
    tx.commit()?;
    Ok(copied)
}

/// Records `run` with those of `records` whose content hash (`hashes`, one per record) was
/// not recorded before, and remembers the hashes, in one transaction. Returns the position
/// of each record skipped, and the run's ids when anything was new (no run otherwise).
pub(crate) fn record_imported(
    conn: &mut Connection,
    run: &Run,
    records: &[Record],
    hashes: &[String],
) -> Result<ImportOutcome, Failure> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut skipped = Vec::new();
    let mut fresh = Vec::new();
    let mut fresh_hashes = Vec::new();
    for (i, (record, hash)) in records.iter().zip(hashes).enumerate() {
        let seen = tx
            .prepare_cached("SELECT 1 FROM imported WHERE content_hash = ?1")?
            .exists([hash])?;
        // The same content twice in one import counts once too.
        if seen || fresh_hashes.contains(&hash) {
            skipped.push(i);
        } else {
            fresh.push(record.clone());
            fresh_hashes.push(hash);
        }
    }
    if fresh.is_empty() {
        return Ok((None, skipped));
    }
    let (run_id, results) = insert_run(&tx, run, &new_run_uid(), &fresh)?;
    for hash in fresh_hashes {
        tx.prepare_cached("INSERT INTO imported (content_hash, run_id) VALUES (?1, ?2)")?
            .execute(params![hash, run_id.get()])?;
    }
    tx.commit()?;
    Ok((Some((run_id, results)), skipped))
}

/// Inserts a run and its results inside `tx`.
fn insert_run(
    tx: &Transaction<'_>,
    run: &Run,
    uid: &str,
    records: &[Record],
) -> Result<(RunId, Vec<ResultId>), Failure> {
    let commit = run.commit.as_ref().map(|c| commit_id(tx, c)).transpose()?;
    let testbed = testbed_id(tx, &run.testbed)?;
    tx.prepare_cached(
        "INSERT INTO runs (commit_id, testbed_id, dirty, branch, started_at, perfkit_version,
                           source, notes, uid)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        commit,
        testbed,
        run.dirty,
        run.branch,
        run.started_at.unix_ms(),
        run.perfkit_version,
        run.source.as_str(),
        run.notes.join("\n"),
        uid,
    ])?;
    let keys = RunKeys {
        run: tx.last_insert_rowid(),
        commit,
        testbed,
        dirty: run.dirty,
    };
    let results = insert_records(tx, &keys, records)?;
    Ok((RunId::from_raw(keys.run), results))
}

pub(crate) fn add_records(
    conn: &mut Connection,
    run: RunId,
    records: &[Record],
) -> Result<Vec<ResultId>, Failure> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let keys = tx
        .query_row(
            "SELECT commit_id, testbed_id, dirty FROM runs WHERE id = ?1",
            [run.get()],
            |r| {
                Ok(RunKeys {
                    run: run.get(),
                    commit: r.get(0)?,
                    testbed: r.get(1)?,
                    dirty: r.get(2)?,
                })
            },
        )
        .optional()?
        .ok_or(Failure::UnknownRun(run.get()))?;
    let results = insert_records(&tx, &keys, records)?;
    tx.commit()?;
    Ok(results)
}

pub(crate) fn set_comparison(
    conn: &mut Connection,
    result: ResultId,
    c: &StoredComparison,
) -> Result<(), Failure> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let changed = tx.execute(
        "UPDATE results SET cmp_ratio = ?2, cmp_ratio_lower = ?3, cmp_ratio_upper = ?4,
                            cmp_p = ?5, cmp_verdict = ?6
         WHERE id = ?1",
        params![
            result.get(),
            c.ratio,
            c.ratio_ci_lower,
            c.ratio_ci_upper,
            c.p,
            c.verdict
        ],
    )?;
    if changed == 0 {
        return Err(Failure::Invalid(format!("there is no result {result}")));
    }
    tx.commit()?;
    Ok(())
}

fn insert_records(
    tx: &Transaction<'_>,
    keys: &RunKeys,
    records: &[Record],
) -> Result<Vec<ResultId>, Failure> {
    let mut ids = Vec::with_capacity(records.len());
    for record in records {
        let benchmark = benchmark_id(tx, &record.benchmark)?;
        let s = &record.summary;
        let c = record.comparison.as_ref();
        tx.prepare_cached(
            "INSERT INTO results (
                 run_id, benchmark_id, testbed_id, commit_id, dirty, size,
                 n, mean, sd, min, max, median, p90, p95, p99, mad,
                 mean_ci_lower, mean_ci_upper, median_ci_lower, median_ci_upper, outliers,
                 iterations_per_sample, samples, allocs, alloc_bytes,
                 throughput_kind, throughput_per_iteration,
                 cmp_ratio, cmp_ratio_lower, cmp_ratio_upper, cmp_p, cmp_verdict, metric)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                     ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27,
                     ?28, ?29, ?30, ?31, ?32, ?33)",
        )?
        .execute(params![
            keys.run,
            benchmark,
            keys.testbed,
            keys.commit,
            keys.dirty,
            record.size,
            s.n,
            s.mean,
            s.sd,
            s.min,
            s.max,
            s.median,
            s.p90,
            s.p95,
            s.p99,
            s.mad,
            s.mean_ci_lower,
            s.mean_ci_upper,
            s.median_ci_lower,
            s.median_ci_upper,
            s.outliers,
            record.iterations_per_sample,
            encode_samples(&record.samples),
            record.allocations.map(|a| a.allocs),
            record.allocations.map(|a| a.bytes),
            record.throughput.map(|t| t.kind.as_str()),
            record.throughput.map(|t| t.per_iteration),
            c.map(|c| c.ratio),
            c.map(|c| c.ratio_ci_lower),
            c.map(|c| c.ratio_ci_upper),
            c.map(|c| c.p),
            c.map(|c| c.verdict.as_str()),
            record.metric,
        ])?;
        let result = tx.last_insert_rowid();
        let mut budget = tx.prepare_cached(
            "INSERT INTO budgets (result_id, position, statistic, limit_value, estimate, passed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (position, b) in record.budgets.iter().enumerate() {
            budget.execute(params![
                result,
                position,
                b.statistic,
                b.limit,
                b.estimate,
                b.passed
            ])?;
        }
        ids.push(ResultId::from_raw(result));
    }
    Ok(ids)
}

fn commit_id(tx: &Transaction<'_>, c: &Commit) -> rusqlite::Result<i64> {
    tx.prepare_cached(
        "INSERT INTO commits (sha, parents, author_time, summary) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (sha) DO NOTHING",
    )?
    .execute(params![
        c.sha,
        c.parents.join(" "),
        c.author_time,
        c.summary
    ])?;
    tx.prepare_cached("SELECT id FROM commits WHERE sha = ?1")?
        .query_row([&c.sha], |r| r.get(0))
}

fn testbed_id(tx: &Transaction<'_>, t: &Testbed) -> rusqlite::Result<i64> {
    tx.prepare_cached(
        "INSERT INTO testbeds (fingerprint, name, cpu, cores, os, arch, rustc, profile)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (fingerprint) DO NOTHING",
    )?
    .execute(params![
        t.fingerprint,
        t.name,
        t.machine.cpu,
        t.machine.cores,
        t.machine.os,
        t.machine.arch,
        t.rustc,
        t.profile
    ])?;
    tx.prepare_cached("SELECT id FROM testbeds WHERE fingerprint = ?1")?
        .query_row([&t.fingerprint], |r| r.get(0))
}

fn benchmark_id(tx: &Transaction<'_>, name: &str) -> rusqlite::Result<i64> {
    tx.prepare_cached("INSERT INTO benchmarks (name) VALUES (?1) ON CONFLICT (name) DO NOTHING")?
        .execute([name])?;
    tx.prepare_cached("SELECT id FROM benchmarks WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
}
