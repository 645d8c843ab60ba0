//! Reads: the same questions as the SQLite backend's, in PostgreSQL's SQL. Lists of commits
//! are bound as one array (`= ANY($n)`), so no statement grows with the list.

use std::collections::HashMap;

use postgres::types::ToSql;
use postgres::{Client, Row};

use super::retry::Failure;
use crate::baseline::BaselineQuery;
use crate::ids::{BenchmarkId, CommitId, ResultId, RunId, TestbedId};
use crate::model::{Commit, Run, Source, Timestamp};
use crate::query::{Benchmark, CommitSummary, HistoryPoint, HistoryQuery, TestbedSummary};
use crate::record::{
    Allocations, BudgetOutcome, Record, StoredComparison, StoredSummary, Throughput, ThroughputKind,
};
use crate::runs::{CommitRuns, RunRow, SeriesKey};
use crate::samples::decode_samples;
use crate::sync::StoredRun;
use crate::testbed::{Machine, Testbed};

type Params<'a> = [&'a (dyn ToSql + Sync)];

/// A stored BIGINT as the model's u64.
fn unsigned(r: &Row, i: usize) -> Result<u64, Failure> {
    let v: i64 = r.try_get(i)?;
    u64::try_from(v).map_err(|_| Failure::Invalid(format!("a negative count {v}")))
}

fn opt_unsigned(r: &Row, i: usize) -> Result<Option<u64>, Failure> {
    match r.try_get::<_, Option<i64>>(i)? {
        Some(v) => {
            Ok(Some(u64::try_from(v).map_err(|_| {
                Failure::Invalid(format!("a negative size {v}"))
            })?))
        }
        None => Ok(None),
    }
}

fn opt_time(r: &Row, i: usize) -> Result<Option<Timestamp>, Failure> {
    Ok(r.try_get::<_, Option<i64>>(i)?.map(Timestamp::from_unix_ms))
}

fn testbed_from(r: &Row, at: usize) -> Result<Testbed, Failure> {
    let cores: i64 = r.try_get(at + 3)?;
    Ok(Testbed {
        fingerprint: r.try_get(at)?,
        name: r.try_get(at + 1)?,
        machine: Machine {
            cpu: r.try_get(at + 2)?,
            cores: u32::try_from(cores)
                .map_err(|_| Failure::Invalid(format!("a testbed with {cores} cores")))?,
            os: r.try_get(at + 4)?,
            arch: r.try_get(at + 5)?,
        },
        rustc: r.try_get(at + 6)?,
        profile: r.try_get(at + 7)?,
    })
}

pub(crate) fn benchmarks(client: &mut Client) -> Result<Vec<Benchmark>, Failure> {
    let mut sizes: HashMap<i64, Vec<u64>> = HashMap::new();
    for r in client.query(
        "SELECT DISTINCT benchmark_id, size FROM results WHERE size IS NOT NULL
         ORDER BY benchmark_id, size",
        &[],
    )? {
        sizes
            .entry(r.try_get(0)?)
            .or_default()
            .push(unsigned(&r, 1)?);
    }
    let rows = client.query(
        "SELECT b.id, b.name,
                (SELECT count(*) FROM results r WHERE r.benchmark_id = b.id),
                (SELECT max(u.started_at) FROM results r JOIN runs u ON u.id = r.run_id
                 WHERE r.benchmark_id = b.id)
         FROM benchmarks b ORDER BY b.name COLLATE \"C\"",
        &[],
    )?;
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get(0)?;
            Ok(Benchmark {
                id: BenchmarkId::from_raw(id),
                name: r.try_get(1)?,
                sizes: sizes.remove(&id).unwrap_or_default(),
                results: unsigned(r, 2)?,
                last_run: opt_time(r, 3)?,
            })
        })
        .collect()
}

pub(crate) fn testbeds(client: &mut Client) -> Result<Vec<TestbedSummary>, Failure> {
    let rows = client.query(
        "SELECT t.id, t.fingerprint, t.name, t.cpu, t.cores, t.os, t.arch, t.rustc, t.profile,
                (SELECT count(*) FROM runs u WHERE u.testbed_id = t.id),
                (SELECT count(*) FROM results r WHERE r.testbed_id = t.id),
                (SELECT max(u.started_at) FROM runs u WHERE u.testbed_id = t.id)
         FROM testbeds t ORDER BY t.name COLLATE \"C\", t.id",
        &[],
    )?;
    rows.iter()
        .map(|r| {
            Ok(TestbedSummary {
                id: TestbedId::from_raw(r.try_get(0)?),
                testbed: testbed_from(r, 1)?,
                runs: unsigned(r, 9)?,
                results: unsigned(r, 10)?,
                last_run: opt_time(r, 11)?,
            })
        })
        .collect()
}

pub(crate) fn commits(client: &mut Client) -> Result<Vec<CommitSummary>, Failure> {
    let rows = client.query(
        "SELECT c.id, c.sha, c.parents, c.author_time, c.summary,
                (SELECT count(*) FROM runs u WHERE u.commit_id = c.id),
                (SELECT count(*) FROM runs u WHERE u.commit_id = c.id AND u.dirty),
                (SELECT count(*) FROM results r WHERE r.commit_id = c.id),
                (SELECT max(u.started_at) FROM runs u WHERE u.commit_id = c.id)
         FROM commits c ORDER BY c.author_time DESC, c.id DESC",
        &[],
    )?;
    rows.iter()
        .map(|r| {
            Ok(CommitSummary {
                id: CommitId::from_raw(r.try_get(0)?),
                commit: commit_from(r, 1)?,
                runs: unsigned(r, 5)?,
                dirty_runs: unsigned(r, 6)?,
                results: unsigned(r, 7)?,
                last_run: opt_time(r, 8)?,
            })
        })
        .collect()
}

pub(crate) fn history(
    client: &mut Client,
    query: &HistoryQuery<'_>,
) -> Result<Vec<HistoryPoint>, Failure> {
    let (Some(testbed), Some(benchmark)) = (
        testbed_id(client, query.testbed)?,
        benchmark_id(client, query.benchmark)?,
    ) else {
        return Ok(Vec::new());
    };
    let filter = "r.benchmark_id = $2 AND r.testbed_id = $3 AND r.metric = $4
                  AND ($5 OR NOT r.dirty)";
    let mut points = match query.commits {
        None => {
            let sql = format!(
                "{} WHERE {filter}
                 ORDER BY c.author_time IS NULL, c.author_time DESC, u.started_at DESC, r.id",
                select_points(FROM_RESULTS)
            );
            collect_points(
                client,
                &sql,
                &[
                    &query.include_samples,
                    &benchmark,
                    &testbed,
                    &query.metric,
                    &query.include_dirty,
                ],
            )?
        }
        Some(shas) => {
            let sql = format!(
                "{} WHERE c.sha = ANY($6) AND {filter}",
                select_points(FROM_COMMITS)
            );
            let mut points = collect_points(
                client,
                &sql,
                &[
                    &query.include_samples,
                    &benchmark,
                    &testbed,
                    &query.metric,
                    &query.include_dirty,
                    &shas,
                ],
            )?;
            let position: HashMap<&str, usize> = shas
                .iter()
                .enumerate()
                .map(|(i, s)| (s.as_str(), i))
                .collect();
            points.sort_by_key(|p| {
                let sha = p.commit.as_ref().map_or("", |c| c.sha.as_str());
                (position.get(sha).copied(), p.started_at, p.result)
            });
            points
        }
    };
    attach_budgets(client, &mut points)?;
    Ok(points)
}

pub(crate) fn results_at(
    client: &mut Client,
    sha: &str,
    testbed: &Testbed,
    metric: &str,
) -> Result<Vec<HistoryPoint>, Failure> {
    let Some(testbed) = testbed_id(client, testbed)? else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "{} WHERE c.sha = $2 AND r.testbed_id = $3 AND r.metric = $4
         ORDER BY b.name COLLATE \"C\", r.size NULLS FIRST, u.started_at, r.id",
        select_points(FROM_COMMITS)
    );
    let mut points = collect_points(client, &sql, &[&true, &sha, &testbed, &metric])?;
    attach_budgets(client, &mut points)?;
    Ok(points)
}

pub(crate) fn with_results(
    client: &mut Client,
    query: &BaselineQuery<'_>,
    shas: &[String],
) -> Result<Vec<usize>, Failure> {
    let Some((testbed, benchmark)) = baseline_keys(client, query)? else {
        return Ok(Vec::new());
    };
    let rows = client.query(
        "SELECT c.sha FROM commits c WHERE c.sha = ANY($1) AND EXISTS (
             SELECT 1 FROM results r
             WHERE r.commit_id = c.id AND r.testbed_id = $2
               AND ($3::BIGINT IS NULL OR r.benchmark_id = $3)
               AND r.metric = $4 AND NOT r.dirty AND r.run_id IS DISTINCT FROM $5)",
        &[
            &shas,
            &testbed,
            &benchmark,
            &query.metric,
            &query.exclude_run.map(RunId::get),
        ],
    )?;
    let found: Vec<String> = rows
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    Ok(shas
        .iter()
        .enumerate()
        .filter(|(_, s)| found.contains(s))
        .map(|(i, _)| i)
        .collect())
}

pub(crate) fn runs_at(
    client: &mut Client,
    query: &BaselineQuery<'_>,
    shas: &[String],
) -> Result<Vec<CommitRuns>, Failure> {
    let Some((testbed, benchmark)) = baseline_keys(client, query)? else {
        return Ok(Vec::new());
    };
    let rows = client.query(
        &format!(
            "SELECT c.sha, c.parents, c.author_time, c.summary, b.name, r.size, r.run_id, r.id,
                    u.started_at, r.samples
             FROM {FROM_COMMITS}
             JOIN runs u ON u.id = r.run_id JOIN benchmarks b ON b.id = r.benchmark_id
             WHERE c.sha = ANY($1) AND r.testbed_id = $2
               AND ($3::BIGINT IS NULL OR r.benchmark_id = $3)
               AND r.metric = $4 AND NOT r.dirty AND r.run_id IS DISTINCT FROM $5"
        ),
        &[
            &shas,
            &testbed,
            &benchmark,
            &query.metric,
            &query.exclude_run.map(RunId::get),
        ],
    )?;
    let mut by_commit: HashMap<String, (Commit, Vec<RunRow>)> = HashMap::new();
    for r in &rows {
        let blob: Vec<u8> = r.try_get(9)?;
        let samples = decode_samples(&blob).ok_or_else(|| bad_blob(blob.len()))?;
        let commit = commit_from(r, 0)?;
        let row = RunRow {
            key: SeriesKey::new(r.try_get::<_, String>(4)?, opt_unsigned(r, 5)?),
            run: RunId::from_raw(r.try_get(6)?),
            result: ResultId::from_raw(r.try_get(7)?),
            started_at: Timestamp::from_unix_ms(r.try_get(8)?),
            dirty: false,
            samples,
        };
        by_commit
            .entry(commit.sha.clone())
            .or_insert_with(|| (commit, Vec::new()))
            .1
            .push(row);
    }
    Ok(shas
        .iter()
        .filter_map(|sha| by_commit.remove(sha))
        .filter_map(|(commit, rows)| CommitRuns::group(commit, rows))
        .collect())
}

pub(crate) fn stored_runs(client: &mut Client) -> Result<Vec<StoredRun>, Failure> {
    let rows = client.query(
        "SELECT u.id, u.uid, u.dirty, u.branch, u.started_at, u.perfkit_version, u.source,
                u.notes, t.fingerprint, t.name, t.cpu, t.cores, t.os, t.arch, t.rustc, t.profile,
                c.sha, c.parents, c.author_time, c.summary
         FROM runs u JOIN testbeds t ON t.id = u.testbed_id
         LEFT JOIN commits c ON c.id = u.commit_id
         ORDER BY u.started_at, u.id",
        &[],
    )?;
    rows.iter()
        .map(|r| {
            let notes: String = r.try_get(7)?;
            let commit = match r.try_get::<_, Option<String>>(16)? {
                Some(_) => Some(commit_from(r, 16)?),
                None => None,
            };
            Ok(StoredRun {
                id: RunId::from_raw(r.try_get(0)?),
                uid: r.try_get(1)?,
                run: Run {
                    commit,
                    testbed: testbed_from(r, 8)?,
                    dirty: r.try_get(2)?,
                    branch: r.try_get(3)?,
                    started_at: Timestamp::from_unix_ms(r.try_get(4)?),
                    perfkit_version: r.try_get(5)?,
                    source: Source::parse(&r.try_get::<_, String>(6)?),
                    notes: notes.lines().map(str::to_owned).collect(),
                },
            })
        })
        .collect()
}

pub(crate) fn run_records(client: &mut Client, run: RunId) -> Result<Vec<Record>, Failure> {
    let sql = format!(
        "{} WHERE r.run_id = $2 ORDER BY r.id",
        select_points(FROM_RESULTS)
    );
    let mut points = collect_points(client, &sql, &[&true, &run.get()])?;
    attach_budgets(client, &mut points)?;
    Ok(points.into_iter().map(|p| p.record).collect())
}

fn baseline_keys(
    client: &mut Client,
    query: &BaselineQuery<'_>,
) -> Result<Option<(i64, Option<i64>)>, Failure> {
    let Some(testbed) = testbed_id(client, query.testbed)? else {
        return Ok(None);
    };
    match query.benchmark {
        None => Ok(Some((testbed, None))),
        Some(name) => Ok(benchmark_id(client, name)?.map(|b| (testbed, Some(b)))),
    }
}

fn testbed_id(client: &mut Client, testbed: &Testbed) -> Result<Option<i64>, Failure> {
    match client.query_opt(
        "SELECT id FROM testbeds WHERE fingerprint = $1",
        &[&testbed.fingerprint],
    )? {
        Some(r) => Ok(Some(r.try_get(0)?)),
        None => Ok(None),
    }
}

fn benchmark_id(client: &mut Client, name: &str) -> Result<Option<i64>, Failure> {
    match client.query_opt("SELECT id FROM benchmarks WHERE name = $1", &[&name])? {
        Some(r) => Ok(Some(r.try_get(0)?)),
        None => Ok(None),
    }
}

/// The columns of a [`HistoryPoint`] from `from`, which must bind `r` (results) and `c`
/// (commits); `$1` says whether to load samples.
fn select_points(from: &str) -> String {
    format!(
        "SELECT r.id, b.name, r.size, r.n, r.mean, r.sd, r.min, r.max, r.median, r.p90, r.p95,
                r.p99, r.mad, r.mean_ci_lower, r.mean_ci_upper, r.median_ci_lower,
                r.median_ci_upper, r.outliers, r.iterations_per_sample,
                CASE WHEN $1::BOOLEAN THEN r.samples ELSE ''::BYTEA END,
                r.allocs, r.alloc_bytes, r.throughput_kind, r.throughput_per_iteration,
                r.cmp_ratio, r.cmp_ratio_lower, r.cmp_ratio_upper, r.cmp_p, r.cmp_verdict,
                u.id, u.started_at, u.dirty, u.branch,
                c.sha, c.parents, c.author_time, c.summary, r.metric
         FROM {from}
         JOIN benchmarks b ON b.id = r.benchmark_id
         JOIN runs u ON u.id = r.run_id"
    )
}

const FROM_COMMITS: &str = "commits c JOIN results r ON r.commit_id = c.id";
const FROM_RESULTS: &str = "results r LEFT JOIN commits c ON c.id = r.commit_id";

fn collect_points(
    client: &mut Client,
    sql: &str,
    params: &Params<'_>,
) -> Result<Vec<HistoryPoint>, Failure> {
    client.query(sql, params)?.iter().map(point_from).collect()
}

fn point_from(r: &Row) -> Result<HistoryPoint, Failure> {
    let f = |i: usize| -> Result<f64, Failure> {
        Ok(r.try_get::<_, Option<f64>>(i)?.unwrap_or(f64::NAN))
    };
    let summary = StoredSummary {
        n: unsigned(r, 3)?,
        mean: f(4)?,
        sd: f(5)?,
        min: f(6)?,
        max: f(7)?,
        median: f(8)?,
        p90: f(9)?,
        p95: f(10)?,
        p99: f(11)?,
        mad: f(12)?,
        mean_ci_lower: f(13)?,
        mean_ci_upper: f(14)?,
        median_ci_lower: f(15)?,
        median_ci_upper: f(16)?,
        outliers: unsigned(r, 17)?,
    };
    let blob: Vec<u8> = r.try_get(19)?;
    let samples = decode_samples(&blob).ok_or_else(|| bad_blob(blob.len()))?;
    let allocations = match (
        r.try_get::<_, Option<f64>>(20)?,
        r.try_get::<_, Option<f64>>(21)?,
    ) {
        (Some(allocs), Some(bytes)) => Some(Allocations { allocs, bytes }),
        _ => None,
    };
    let kind: Option<String> = r.try_get(22)?;
    let throughput = match (
        kind.as_deref().and_then(ThroughputKind::parse),
        opt_unsigned(r, 23)?,
    ) {
        (Some(kind), Some(per_iteration)) => Some(Throughput {
            kind,
            per_iteration,
        }),
        _ => None,
    };
    let comparison = match r.try_get::<_, Option<String>>(28)? {
        Some(verdict) => Some(StoredComparison {
            ratio: f(24)?,
            ratio_ci_lower: f(25)?,
            ratio_ci_upper: f(26)?,
            p: f(27)?,
            verdict,
        }),
        None => None,
    };
    let commit = match r.try_get::<_, Option<String>>(33)? {
        Some(_) => Some(commit_from(r, 33)?),
        None => None,
    };
    Ok(HistoryPoint {
        commit,
        run: RunId::from_raw(r.try_get(29)?),
        started_at: Timestamp::from_unix_ms(r.try_get(30)?),
        dirty: r.try_get(31)?,
        branch: r.try_get(32)?,
        result: ResultId::from_raw(r.try_get(0)?),
        record: Record {
            benchmark: r.try_get(1)?,
            size: opt_unsigned(r, 2)?,
            metric: r.try_get(37)?,
            summary,
            iterations_per_sample: unsigned(r, 18)?,
            samples,
            budgets: Vec::new(),
            allocations,
            throughput,
            comparison,
        },
    })
}

/// A commit from four columns starting at `at`: sha, parents, author_time, summary.
fn commit_from(r: &Row, at: usize) -> Result<Commit, Failure> {
    let parents: String = r.try_get(at + 1)?;
    Ok(Commit {
        sha: r.try_get(at)?,
        parents: parents.split_whitespace().map(str::to_owned).collect(),
        author_time: r.try_get(at + 2)?,
        summary: r.try_get(at + 3)?,
    })
}

fn attach_budgets(client: &mut Client, points: &mut [HistoryPoint]) -> Result<(), Failure> {
    let index: HashMap<i64, usize> = points
        .iter()
        .enumerate()
        .map(|(i, p)| (p.result.get(), i))
        .collect();
    let ids: Vec<i64> = index.keys().copied().collect();
    if ids.is_empty() {
        return Ok(());
    }
    for r in client.query(
        "SELECT result_id, statistic, limit_value, estimate, passed FROM budgets
         WHERE result_id = ANY($1) ORDER BY result_id, position",
        &[&ids],
    )? {
        let budget = BudgetOutcome {
            statistic: r.try_get(1)?,
            limit: r.try_get::<_, Option<f64>>(2)?.unwrap_or(f64::NAN),
            estimate: r.try_get::<_, Option<f64>>(3)?.unwrap_or(f64::NAN),
            passed: r.try_get(4)?,
        };
        points[index[&r.try_get::<_, i64>(0)?]]
            .record
            .budgets
            .push(budget);
    }
    Ok(())
}

fn bad_blob(len: usize) -> Failure {
    Failure::Invalid(format!(
        "a samples blob of {len} bytes is not a whole number of 8-byte floats"
    ))
}
