//! Writes: each one a single transaction, safe to retry whole. Names and values go to the
//! server only as bound parameters.

use std::collections::{HashMap, HashSet};

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

/// Records `run` under `uid`, or, when a run with that uid is stored already, returns its
/// ids and writes nothing.
///
/// The caller draws `uid` once and retries this whole function on a lost connection. When the
/// server committed but its reply was lost, the retry finds the run it wrote and does not
/// store it a second time.
pub(crate) fn record_run(
    client: &mut Client,
    run: &Run,
    uid: &str,
    records: &[Record],
) -> Result<(RunId, Vec<ResultId>), Failure> {
    let mut tx = client.transaction()?;
    let stored = tx.query_opt("SELECT id FROM runs WHERE uid = $1", &[&uid])?;
    if let Some(row) = stored {
        let id: i64 = row.try_get(0)?;
        let results = tx
            .query(
                "SELECT id FROM results WHERE run_id = $1 ORDER BY id",
                &[&id],
            )?
            .iter()
            .map(|r| r.try_get(0).map(ResultId::from_raw))
            .collect::<Result<_, _>>()?;
        return Ok((RunId::from_raw(id), results));
    }
    let recorded = insert_run(&mut tx, run, uid, records)?;
    tx.commit()?;
    Ok(recorded)
}

pub(crate) fn copy_runs(
    client: &mut Client,
    runs: &[(StoredRun, Vec<Record>)],
) -> Result<Vec<bool>, Failure> {
    let mut tx = client.transaction()?;
    let uids: Vec<&str> = runs.iter().map(|(run, _)| run.uid.as_str()).collect();
    let mut present: HashSet<String> = tx
        .query("SELECT uid FROM runs WHERE uid = ANY($1)", &[&uids])?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    let mut copied = Vec::with_capacity(runs.len());
    for (run, records) in runs {
        // A uid twice in one batch is copied once.
        let new = present.insert(run.uid.clone());
        if new {
            insert_run(&mut tx, &run.run, &run.uid, records)?;
        }
        copied.push(new);
    }
    tx.commit()?;
    Ok(copied)
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

/// Inserts `records` in a fixed number of statements whatever their count: the benchmarks'
/// ids in one, the results' ids drawn from their sequence in one (so each record knows its
/// id without relying on the order `RETURNING` gives), the results as arrays in one, and the
/// budgets in one. A statement per result would cost a round trip to the server per result.
fn insert_records(
    tx: &mut Transaction<'_>,
    keys: &RunKeys,
    records: &[Record],
) -> Result<Vec<ResultId>, Failure> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let names: Vec<&str> = records.iter().map(|r| r.benchmark.as_str()).collect();
    let benchmarks = benchmark_ids(tx, &names)?;
    let count = big(records.len() as u64, "a result count")?;
    let mut ids: Vec<i64> = tx
        .query(
            "SELECT nextval(pg_get_serial_sequence('results', 'id')) FROM generate_series(1, $1::BIGINT)",
            &[&count],
        )?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    // Ascending, so the results read back (by id) in the order they were given.
    ids.sort_unstable();

    let mut c = Columns::default();
    for (record, id) in records.iter().zip(&ids) {
        let s = &record.summary;
        let cmp = record.comparison.as_ref();
        c.id.push(*id);
        c.benchmark.push(benchmarks[record.benchmark.as_str()]);
        c.size
            .push(record.size.map(|v| big(v, "a size")).transpose()?);
        c.n.push(big(s.n, "a sample count")?);
        c.stats.push([
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
        ]);
        c.outliers.push(big(s.outliers, "an outlier count")?);
        c.iterations
            .push(big(record.iterations_per_sample, "iterations per sample")?);
        c.samples.push(encode_samples(&record.samples));
        c.allocs.push(record.allocations.map(|a| a.allocs));
        c.alloc_bytes.push(record.allocations.map(|a| a.bytes));
        c.throughput_kind
            .push(record.throughput.map(|t| t.kind.as_str()));
        c.throughput.push(
            record
                .throughput
                .map(|t| big(t.per_iteration, "a throughput"))
                .transpose()?,
        );
        c.cmp.push([
            cmp.map(|c| c.ratio),
            cmp.map(|c| c.ratio_ci_lower),
            cmp.map(|c| c.ratio_ci_upper),
            cmp.map(|c| c.p),
        ]);
        c.verdict.push(cmp.map(|c| c.verdict.as_str()));
        c.metric.push(record.metric.as_str());
        for (position, b) in record.budgets.iter().enumerate() {
            c.budget_result.push(*id);
            c.budget_position
                .push(big(position as u64, "a budget position")?);
            c.budget_statistic.push(b.statistic.as_str());
            c.budget_limit.push(b.limit);
            c.budget_estimate.push(b.estimate);
            c.budget_passed.push(b.passed);
        }
    }
    let stat = |i: usize| c.stats.iter().map(|s| s[i]).collect::<Vec<f64>>();
    let cmp = |i: usize| c.cmp.iter().map(|s| s[i]).collect::<Vec<Option<f64>>>();
    tx.execute(
        "INSERT INTO results (
             id, run_id, testbed_id, commit_id, dirty, benchmark_id, size,
             n, mean, sd, min, max, median, p90, p95, p99, mad,
             mean_ci_lower, mean_ci_upper, median_ci_lower, median_ci_upper, outliers,
             iterations_per_sample, samples, allocs, alloc_bytes,
             throughput_kind, throughput_per_iteration,
             cmp_ratio, cmp_ratio_lower, cmp_ratio_upper, cmp_p, cmp_verdict, metric)
         SELECT r.id, $2, $3, $4, $5, r.benchmark_id, r.size,
                r.n, r.mean, r.sd, r.min, r.max, r.median, r.p90, r.p95, r.p99, r.mad,
                r.mean_ci_lower, r.mean_ci_upper, r.median_ci_lower, r.median_ci_upper,
                r.outliers, r.iterations_per_sample, r.samples, r.allocs, r.alloc_bytes,
                r.throughput_kind, r.throughput_per_iteration,
                r.cmp_ratio, r.cmp_ratio_lower, r.cmp_ratio_upper, r.cmp_p, r.cmp_verdict,
                r.metric
         FROM unnest($1::BIGINT[], $6::BIGINT[], $7::BIGINT[], $8::BIGINT[],
                     $9::FLOAT8[], $10::FLOAT8[], $11::FLOAT8[], $12::FLOAT8[], $13::FLOAT8[],
                     $14::FLOAT8[], $15::FLOAT8[], $16::FLOAT8[], $17::FLOAT8[],
                     $18::FLOAT8[], $19::FLOAT8[], $20::FLOAT8[], $21::FLOAT8[],
                     $22::BIGINT[], $23::BIGINT[], $24::BYTEA[], $25::FLOAT8[], $26::FLOAT8[],
                     $27::TEXT[], $28::BIGINT[],
                     $29::FLOAT8[], $30::FLOAT8[], $31::FLOAT8[], $32::FLOAT8[], $33::TEXT[],
                     $34::TEXT[])
              AS r(id, benchmark_id, size, n, mean, sd, min, max, median, p90, p95, p99, mad,
                   mean_ci_lower, mean_ci_upper, median_ci_lower, median_ci_upper, outliers,
                   iterations_per_sample, samples, allocs, alloc_bytes,
                   throughput_kind, throughput_per_iteration,
                   cmp_ratio, cmp_ratio_lower, cmp_ratio_upper, cmp_p, cmp_verdict, metric)",
        &[
            &c.id,
            &keys.run,
            &keys.testbed,
            &keys.commit,
            &keys.dirty,
            &c.benchmark,
            &c.size,
            &c.n,
            &stat(0),
            &stat(1),
            &stat(2),
            &stat(3),
            &stat(4),
            &stat(5),
            &stat(6),
            &stat(7),
            &stat(8),
            &stat(9),
            &stat(10),
            &stat(11),
            &stat(12),
            &c.outliers,
            &c.iterations,
            &c.samples,
            &c.allocs,
            &c.alloc_bytes,
            &c.throughput_kind,
            &c.throughput,
            &cmp(0),
            &cmp(1),
            &cmp(2),
            &cmp(3),
            &c.verdict,
            &c.metric,
        ],
    )?;
    if !c.budget_result.is_empty() {
        tx.execute(
            "INSERT INTO budgets (result_id, position, statistic, limit_value, estimate, passed)
             SELECT * FROM unnest($1::BIGINT[], $2::BIGINT[], $3::TEXT[], $4::FLOAT8[],
                                  $5::FLOAT8[], $6::BOOL[])",
            &[
                &c.budget_result,
                &c.budget_position,
                &c.budget_statistic,
                &c.budget_limit,
                &c.budget_estimate,
                &c.budget_passed,
            ],
        )?;
    }
    Ok(ids.into_iter().map(ResultId::from_raw).collect())
}

/// The per-result values of [`insert_records`], one array per column.
#[derive(Default)]
struct Columns<'a> {
    id: Vec<i64>,
    benchmark: Vec<i64>,
    size: Vec<Option<i64>>,
    n: Vec<i64>,
    /// mean, sd, min, max, median, p90, p95, p99, mad, and the two intervals' bounds.
    stats: Vec<[f64; 13]>,
    outliers: Vec<i64>,
    iterations: Vec<i64>,
    samples: Vec<Vec<u8>>,
    allocs: Vec<Option<f64>>,
    alloc_bytes: Vec<Option<f64>>,
    throughput_kind: Vec<Option<&'static str>>,
    throughput: Vec<Option<i64>>,
    /// ratio, its bounds, p.
    cmp: Vec<[Option<f64>; 4]>,
    verdict: Vec<Option<&'a str>>,
    metric: Vec<&'a str>,
    budget_result: Vec<i64>,
    budget_position: Vec<i64>,
    budget_statistic: Vec<&'a str>,
    budget_limit: Vec<f64>,
    budget_estimate: Vec<f64>,
    budget_passed: Vec<bool>,
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

/// The ids of benchmarks `names`, inserting those that are new. Names are inserted in sorted
/// order, so two writers adding overlapping names take their locks in one order.
fn benchmark_ids<'n>(
    tx: &mut Transaction<'_>,
    names: &[&'n str],
) -> Result<HashMap<&'n str, i64>, Failure> {
    let mut sorted = names.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    tx.execute(
        "INSERT INTO benchmarks (name)
         SELECT name FROM unnest($1::TEXT[]) WITH ORDINALITY AS n(name, i) ORDER BY i
         ON CONFLICT (name) DO NOTHING",
        &[&sorted],
    )?;
    let mut stored = HashMap::with_capacity(names.len());
    for row in tx.query(
        "SELECT name, id FROM benchmarks WHERE name = ANY($1)",
        &[&sorted],
    )? {
        stored.insert(row.try_get::<_, String>(0)?, row.try_get::<_, i64>(1)?);
    }
    names
        .iter()
        .map(|name| match stored.get(*name) {
            Some(id) => Ok((*name, *id)),
            // Only a `gc` deleting it between the two statements could do this.
            None => Err(Failure::Invalid(format!(
                "the benchmark {name:?} vanished while a run was written"
            ))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use postgres::NoTls;

    use super::*;
    use crate::model::{Source, Timestamp};
    use crate::record::StoredSummary;
    use crate::testbed::Machine;

    /// A fresh database on the server `PERFKIT_TEST_POSTGRES` names, migrated; `None` (said)
    /// without one, unless CI requires it.
    fn fresh_database() -> Option<(Client, Client, String)> {
        let Some(url) = std::env::var("PERFKIT_TEST_POSTGRES")
            .ok()
            .filter(|u| !u.is_empty())
        else {
            let required = ["CI", "PERFKIT_REQUIRE_TOOLS", "PERFKIT_REQUIRE_POSTGRES"]
                .iter()
                .any(|v| std::env::var(v).is_ok_and(|v| v == "true" || v == "1"));
            assert!(!required, "PERFKIT_TEST_POSTGRES is required here");
            println!("postgres: skipped (PERFKIT_TEST_POSTGRES is not set)");
            return None;
        };
        let name = format!("perfkit_unit_{}", std::process::id());
        let mut admin = Client::connect(&url, NoTls).expect("the test server");
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let (base, _) = url.rsplit_once('/').expect("a URL with a database");
        let mut client = Client::connect(&format!("{base}/{name}"), NoTls).unwrap();
        let mut tx = client.transaction().unwrap();
        super::super::migrations::apply(&mut tx, 0).unwrap();
        tx.commit().unwrap();
        Some((admin, client, name))
    }

    /// The retry after a commit whose reply was lost runs `record_run` again with the same
    /// uid: it must find the run, not store it twice.
    #[test]
    fn recording_again_under_the_same_uid_stores_the_run_once() {
        let Some((mut admin, mut client, name)) = fresh_database() else {
            return;
        };
        let machine = Machine {
            cpu: "cpu".into(),
            cores: 2,
            os: "linux".into(),
            arch: "x86_64".into(),
        };
        let mut run = Run {
            commit: None,
            testbed: Testbed::new(machine, "rustc", "release", None),
            dirty: false,
            branch: None,
            started_at: Timestamp::from_unix_ms(1_000),
            perfkit_version: "0.1.0".into(),
            source: Source::PerfTest,
            notes: Vec::new(),
        };
        let records: Vec<Record> = (0..3)
            .map(|i| Record::new(format!("b{i}"), StoredSummary::default(), 1, vec![1.0, 2.0]))
            .collect();
        let first = record_run(&mut client, &run, "uid-1", &records).unwrap();
        let again = record_run(&mut client, &run, "uid-1", &records).unwrap();
        assert_eq!(again, first);
        run.started_at = Timestamp::from_unix_ms(2_000);
        let other = record_run(&mut client, &run, "uid-2", &records).unwrap();
        assert_ne!(other.0, first.0);
        let mut count = |sql: &str| client.query_one(sql, &[]).unwrap().get::<_, i64>(0);
        assert_eq!(
            (
                count("SELECT count(*) FROM runs"),
                count("SELECT count(*) FROM results")
            ),
            (2, 6)
        );
        drop(client);
        admin
            .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .unwrap();
    }
}
