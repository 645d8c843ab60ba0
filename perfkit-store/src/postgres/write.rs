//! Writes: each one a single transaction, safe to retry whole. Names and values go to the
//! server only as bound parameters.

use postgres::{Client, Transaction};

use super::retry::Failure;
use crate::backend::ImportOutcome;
use crate::ids::{ResultId, RunId};
use crate::model::{Commit, Run};
use crate::record::{Record, StoredComparison};
use crate::samples::encode_samples;
use crate::sync::StoredRun;
use crate::testbed::Testbed;
use crate::uid::new_run_uid;

/// The keys every result of a run carries (see the SQLite schema's comment on `results`).
struct RunKeys {
    run: i64,
    commit: Option<i64>,
    testbed: i64,
    dirty: bool,
}

/// A count or size as PostgreSQL's BIGINT; past `i64::MAX` it is refused, as in SQLite.
fn big(value: u64, what: &str) -> Result<i64, Failure> {
    i64::try_from(value).map_err(|_| Failure::Invalid(format!("{what} {value} is past i64::MAX")))
}

pub(crate) fn record_run(
    client: &mut Client,
    run: &Run,
    records: &[Record],
) -> Result<(RunId, Vec<ResultId>), Failure> {
    let mut tx = client.transaction()?;
    let recorded = insert_run(&mut tx, run, &new_run_uid(), records)?;
    tx.commit()?;
    Ok(recorded)
}

pub(crate) fn copy_run(
    client: &mut Client,
    run: &StoredRun,
    records: &[Record],
) -> Result<bool, Failure> {
    let mut tx = client.transaction()?;
    if !tx
        .query("SELECT 1 FROM runs WHERE uid = $1", &[&run.uid])?
        .is_empty()
    {
        return Ok(false);
    }
    insert_run(&mut tx, &run.run, &run.uid, records)?;
    tx.commit()?;
    Ok(true)
}

/// See the SQLite backend's `record_imported`: the same rule, in one transaction.
pub(crate) fn record_imported(
    client: &mut Client,
    run: &Run,
    records: &[Record],
    hashes: &[String],
) -> Result<ImportOutcome, Failure> {
    let mut tx = client.transaction()?;
    let mut skipped = Vec::new();
    let mut fresh = Vec::new();
    let mut fresh_hashes = Vec::new();
    for (i, (record, hash)) in records.iter().zip(hashes).enumerate() {
        let seen = !tx
            .query("SELECT 1 FROM imported WHERE content_hash = $1", &[hash])?
            .is_empty();
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
    let (run_id, results) = insert_run(&mut tx, run, &new_run_uid(), &fresh)?;
    for hash in fresh_hashes {
        // Another importer may have recorded the same content meanwhile: its run is kept.
        tx.execute(
            "INSERT INTO imported (content_hash, run_id) VALUES ($1, $2)
             ON CONFLICT (content_hash) DO NOTHING",
            &[hash, &run_id.get()],
        )?;
    }
    tx.commit()?;
    Ok((Some((run_id, results)), skipped))
}

fn insert_run(
    tx: &mut Transaction<'_>,
    run: &Run,
    uid: &str,
    records: &[Record],
) -> Result<(RunId, Vec<ResultId>), Failure> {
    let commit = run.commit.as_ref().map(|c| commit_id(tx, c)).transpose()?;
    let testbed = testbed_id(tx, &run.testbed)?;
    let row = tx.query_one(
        "INSERT INTO runs (commit_id, testbed_id, dirty, branch, started_at, perfkit_version,
                           source, notes, uid)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        &[
            &commit,
            &testbed,
            &run.dirty,
            &run.branch,
            &run.started_at.unix_ms(),
            &run.perfkit_version,
            &run.source.as_str(),
            &run.notes.join("\n"),
            &uid,
        ],
    )?;
    let keys = RunKeys {
        run: row.try_get(0)?,
        commit,
        testbed,
        dirty: run.dirty,
    };
    let results = insert_records(tx, &keys, records)?;
    Ok((RunId::from_raw(keys.run), results))
}

pub(crate) fn add_records(
    client: &mut Client,
    run: RunId,
    records: &[Record],
) -> Result<Vec<ResultId>, Failure> {
    let mut tx = client.transaction()?;
    let row = tx
        .query_opt(
            "SELECT commit_id, testbed_id, dirty FROM runs WHERE id = $1",
            &[&run.get()],
        )?
        .ok_or(Failure::UnknownRun(run.get()))?;
    let keys = RunKeys {
        run: run.get(),
        commit: row.try_get(0)?,
        testbed: row.try_get(1)?,
        dirty: row.try_get(2)?,
    };
    let results = insert_records(&mut tx, &keys, records)?;
    tx.commit()?;
    Ok(results)
}

pub(crate) fn set_comparison(
    client: &mut Client,
    result: ResultId,
    c: &StoredComparison,
) -> Result<(), Failure> {
    let changed = client.execute(
        "UPDATE results SET cmp_ratio = $2, cmp_ratio_lower = $3, cmp_ratio_upper = $4,
                            cmp_p = $5, cmp_verdict = $6
         WHERE id = $1",
        &[
            &result.get(),
            &c.ratio,
            &c.ratio_ci_lower,
            &c.ratio_ci_upper,
            &c.p,
            &c.verdict,
        ],
    )?;
    if changed == 0 {
        return Err(Failure::Invalid(format!("there is no result {result}")));
    }
    Ok(())
}

fn insert_records(
    tx: &mut Transaction<'_>,
    keys: &RunKeys,
    records: &[Record],
) -> Result<Vec<ResultId>, Failure> {
    let insert = tx.prepare(
        "INSERT INTO results (
             run_id, benchmark_id, testbed_id, commit_id, dirty, size,
             n, mean, sd, min, max, median, p90, p95, p99, mad,
             mean_ci_lower, mean_ci_upper, median_ci_lower, median_ci_upper, outliers,
             iterations_per_sample, samples, allocs, alloc_bytes,
             throughput_kind, throughput_per_iteration,
             cmp_ratio, cmp_ratio_lower, cmp_ratio_upper, cmp_p, cmp_verdict, metric)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                 $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27,
                 $28, $29, $30, $31, $32, $33)
         RETURNING id",
    )?;
    let budget = tx.prepare(
        "INSERT INTO budgets (result_id, position, statistic, limit_value, estimate, passed)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )?;
    let mut ids = Vec::with_capacity(records.len());
    for record in records {
        let benchmark = benchmark_id(tx, &record.benchmark)?;
        let s = &record.summary;
        let c = record.comparison.as_ref();
        let size = record.size.map(|v| big(v, "a size")).transpose()?;
        let throughput = record
            .throughput
            .map(|t| big(t.per_iteration, "a throughput"))
            .transpose()?;
        let row = tx.query_one(
            &insert,
            &[
                &keys.run,
                &benchmark,
                &keys.testbed,
                &keys.commit,
                &keys.dirty,
                &size,
                &big(s.n, "a sample count")?,
                &s.mean,
                &s.sd,
                &s.min,
                &s.max,
                &s.median,
                &s.p90,
                &s.p95,
                &s.p99,
                &s.mad,
                &s.mean_ci_lower,
                &s.mean_ci_upper,
                &s.median_ci_lower,
                &s.median_ci_upper,
                &big(s.outliers, "an outlier count")?,
                &big(record.iterations_per_sample, "iterations per sample")?,
                &encode_samples(&record.samples),
                &record.allocations.map(|a| a.allocs),
                &record.allocations.map(|a| a.bytes),
                &record.throughput.map(|t| t.kind.as_str()),
                &throughput,
                &c.map(|c| c.ratio),
                &c.map(|c| c.ratio_ci_lower),
                &c.map(|c| c.ratio_ci_upper),
                &c.map(|c| c.p),
                &c.map(|c| c.verdict.as_str()),
                &record.metric,
            ],
        )?;
        let result: i64 = row.try_get(0)?;
        for (position, b) in record.budgets.iter().enumerate() {
            let position = i64::try_from(position).unwrap_or(i64::MAX);
            tx.execute(
                &budget,
                &[
                    &result,
                    &position,
                    &b.statistic,
                    &b.limit,
                    &b.estimate,
                    &b.passed,
                ],
            )?;
        }
        ids.push(ResultId::from_raw(result));
    }
    Ok(ids)
}

fn commit_id(tx: &mut Transaction<'_>, c: &Commit) -> Result<i64, Failure> {
    tx.execute(
        "INSERT INTO commits (sha, parents, author_time, summary) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sha) DO NOTHING",
        &[&c.sha, &c.parents.join(" "), &c.author_time, &c.summary],
    )?;
    Ok(tx
        .query_one("SELECT id FROM commits WHERE sha = $1", &[&c.sha])?
        .try_get(0)?)
}

fn testbed_id(tx: &mut Transaction<'_>, t: &Testbed) -> Result<i64, Failure> {
    tx.execute(
        "INSERT INTO testbeds (fingerprint, name, cpu, cores, os, arch, rustc, profile)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (fingerprint) DO NOTHING",
        &[
            &t.fingerprint,
            &t.name,
            &t.machine.cpu,
            &i64::from(t.machine.cores),
            &t.machine.os,
            &t.machine.arch,
            &t.rustc,
            &t.profile,
        ],
    )?;
    Ok(tx
        .query_one(
            "SELECT id FROM testbeds WHERE fingerprint = $1",
            &[&t.fingerprint],
        )?
        .try_get(0)?)
}

fn benchmark_id(tx: &mut Transaction<'_>, name: &str) -> Result<i64, Failure> {
    tx.execute(
        "INSERT INTO benchmarks (name) VALUES ($1) ON CONFLICT (name) DO NOTHING",
        &[&name],
    )?;
    Ok(tx
        .query_one("SELECT id FROM benchmarks WHERE name = $1", &[&name])?
        .try_get(0)?)
}
