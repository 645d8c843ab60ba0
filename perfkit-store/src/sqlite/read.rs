//! Reads: listings, history, and the two questions baseline selection and a series' history
//! ask (which commits have results, and their runs).

use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params_from_iter};

use super::retry::Failure;
use crate::baseline::BaselineQuery;
use crate::ids::{BenchmarkId, CommitId, ResultId, RunId, TestbedId};
use crate::model::{Commit, Timestamp};
use crate::query::{Benchmark, CommitSummary, HistoryPoint, HistoryQuery, TestbedSummary};
use crate::record::{
    Allocations, BudgetOutcome, Record, StoredComparison, StoredSummary, Throughput, ThroughputKind,
};
use crate::runs::{CommitRuns, RunRow, SeriesKey};
use crate::samples::decode_samples;
use crate::testbed::{Machine, Testbed};

/// Most SHAs or ids bound in one statement: far below SQLite's limit (32,766), and small
/// enough that a statement stays cheap to prepare.
const CHUNK: usize = 500;

pub(crate) fn benchmarks(conn: &Connection) -> Result<Vec<Benchmark>, Failure> {
    let mut sizes: HashMap<i64, Vec<u64>> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT DISTINCT benchmark_id, size FROM results WHERE size IS NOT NULL
         ORDER BY benchmark_id, size",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        sizes.entry(row.get(0)?).or_default().push(row.get(1)?);
    }
    let mut stmt = conn.prepare(
        "SELECT b.id, b.name,
                (SELECT count(*) FROM results r WHERE r.benchmark_id = b.id),
                (SELECT max(u.started_at) FROM results r JOIN runs u ON u.id = r.run_id
                 WHERE r.benchmark_id = b.id)
         FROM benchmarks b ORDER BY b.name",
    )?;
    let list = stmt
        .query_map([], |r| {
            let id: i64 = r.get(0)?;
            Ok(Benchmark {
                id: BenchmarkId::from_raw(id),
                name: r.get(1)?,
                sizes: sizes.remove(&id).unwrap_or_default(),
                results: r.get(2)?,
                last_run: r.get::<_, Option<i64>>(3)?.map(Timestamp::from_unix_ms),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(list)
}

pub(crate) fn testbeds(conn: &Connection) -> Result<Vec<TestbedSummary>, Failure> {
    let mut stmt = conn.prepare(
        "SELECT t.id, t.fingerprint, t.name, t.cpu, t.cores, t.os, t.arch, t.rustc, t.profile,
                (SELECT count(*) FROM runs u WHERE u.testbed_id = t.id),
                (SELECT count(*) FROM results r WHERE r.testbed_id = t.id),
                (SELECT max(u.started_at) FROM runs u WHERE u.testbed_id = t.id)
         FROM testbeds t ORDER BY t.name, t.id",
    )?;
    let list = stmt
        .query_map([], |r| {
            Ok(TestbedSummary {
                id: TestbedId::from_raw(r.get(0)?),
                testbed: Testbed {
                    fingerprint: r.get(1)?,
                    name: r.get(2)?,
                    machine: Machine {
                        cpu: r.get(3)?,
                        cores: r.get(4)?,
                        os: r.get(5)?,
                        arch: r.get(6)?,
                    },
                    rustc: r.get(7)?,
                    profile: r.get(8)?,
                },
                runs: r.get(9)?,
                results: r.get(10)?,
                last_run: r.get::<_, Option<i64>>(11)?.map(Timestamp::from_unix_ms),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(list)
}

pub(crate) fn commits(conn: &Connection) -> Result<Vec<CommitSummary>, Failure> {
    let mut stmt = conn.prepare(
        "SELECT c.id, c.sha, c.parents, c.author_time, c.summary,
                (SELECT count(*) FROM runs u WHERE u.commit_id = c.id),
                (SELECT count(*) FROM runs u WHERE u.commit_id = c.id AND u.dirty),
                (SELECT count(*) FROM results r WHERE r.commit_id = c.id),
                (SELECT max(u.started_at) FROM runs u WHERE u.commit_id = c.id)
         FROM commits c ORDER BY c.author_time DESC, c.id DESC",
    )?;
    let list = stmt
        .query_map([], |r| {
            Ok(CommitSummary {
                id: CommitId::from_raw(r.get(0)?),
                commit: commit_from(r, 1)?,
                runs: r.get(5)?,
                dirty_runs: r.get(6)?,
                results: r.get(7)?,
                last_run: r.get::<_, Option<i64>>(8)?.map(Timestamp::from_unix_ms),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(list)
}

pub(crate) fn history(
    conn: &Connection,
    query: &HistoryQuery<'_>,
) -> Result<Vec<HistoryPoint>, Failure> {
    let (Some(testbed), Some(benchmark)) = (
        testbed_id(conn, query.testbed)?,
        benchmark_id(conn, query.benchmark)?,
    ) else {
        return Ok(Vec::new());
    };
    let samples = Value::from(query.include_samples);
    let keys = [
        Value::from(benchmark),
        Value::from(testbed),
        text(query.metric),
        Value::from(query.include_dirty),
    ];
    let filter = "r.benchmark_id = ? AND r.testbed_id = ? AND r.metric = ? AND (? OR r.dirty = 0)";
    let mut points = Vec::new();
    match query.commits {
        None => {
            let sql = format!(
                "{} WHERE {filter}
                 ORDER BY c.author_time IS NULL, c.author_time DESC, u.started_at DESC, r.id",
                select_points(FROM_RESULTS)
            );
            let values = [samples].into_iter().chain(keys).collect();
            points = collect_points(conn, &sql, values)?;
        }
        Some(shas) => {
            for chunk in shas.chunks(CHUNK) {
                let sql = format!(
                    "{} WHERE c.sha IN ({}) AND {filter}",
                    select_points(FROM_COMMITS),
                    placeholders(chunk.len())
                );
                let values = [samples.clone()]
                    .into_iter()
                    .chain(chunk.iter().map(text))
                    .chain(keys.iter().cloned());
                points.extend(collect_points(conn, &sql, values.collect())?);
            }
            let position: HashMap<&str, usize> = shas
                .iter()
                .enumerate()
                .map(|(i, s)| (s.as_str(), i))
                .collect();
            points.sort_by_key(|p| {
                let sha = p.commit.as_ref().map_or("", |c| c.sha.as_str());
                (position.get(sha).copied(), p.started_at, p.result)
            });
        }
    }
    attach_budgets(conn, &mut points)?;
    Ok(points)
}

pub(crate) fn results_at(
    conn: &Connection,
    sha: &str,
    testbed: &Testbed,
    metric: &str,
) -> Result<Vec<HistoryPoint>, Failure> {
    let Some(testbed) = testbed_id(conn, testbed)? else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "{} WHERE c.sha = ? AND r.testbed_id = ? AND r.metric = ?
         ORDER BY b.name, r.size, u.started_at, r.id",
        select_points(FROM_COMMITS)
    );
    let values = vec![
        Value::from(true),
        text(sha),
        Value::from(testbed),
        text(metric),
    ];
    let mut points = collect_points(conn, &sql, values)?;
    attach_budgets(conn, &mut points)?;
    Ok(points)
}

pub(crate) fn with_results(
    conn: &Connection,
    query: &BaselineQuery<'_>,
    shas: &[String],
) -> Result<Vec<usize>, Failure> {
    let Some((testbed, benchmark)) = baseline_keys(conn, query)? else {
        return Ok(Vec::new());
    };
    // Two spellings rather than `(? IS NULL OR r.benchmark_id = ?)`, so that each is planned
    // onto its own index: results_by_series for one benchmark, results_by_commit for all.
    let benchmark_filter = if benchmark.is_some() {
        "AND r.benchmark_id = ?"
    } else {
        ""
    };
    let mut found = Vec::new();
    for chunk in shas.chunks(CHUNK) {
        let sql = format!(
            "SELECT c.sha FROM commits c WHERE c.sha IN ({}) AND EXISTS (
                 SELECT 1 FROM results r
                 WHERE r.commit_id = c.id AND r.testbed_id = ? {benchmark_filter}
                   AND r.metric = ? AND r.dirty = 0 AND r.run_id IS NOT ?)",
            placeholders(chunk.len())
        );
        let values: Vec<Value> = chunk
            .iter()
            .map(text)
            .chain([Value::from(testbed)])
            .chain(benchmark.map(Value::from))
            .chain([text(query.metric)])
            .chain([Value::from(query.exclude_run.map(RunId::get))])
            .collect();
        let mut stmt = conn.prepare_cached(&sql)?;
        let shas_found = stmt.query_map(params_from_iter(values), |r| r.get::<_, String>(0))?;
        for sha in shas_found {
            found.push(sha?);
        }
    }
    Ok(shas
        .iter()
        .enumerate()
        .filter(|(_, s)| found.contains(s))
        .map(|(i, _)| i)
        .collect())
}

pub(crate) fn runs_at(
    conn: &Connection,
    query: &BaselineQuery<'_>,
    shas: &[String],
) -> Result<Vec<CommitRuns>, Failure> {
    let Some((testbed, benchmark)) = baseline_keys(conn, query)? else {
        return Ok(Vec::new());
    };
    let mut by_commit: HashMap<String, (Commit, Vec<RunRow>)> = HashMap::new();
    for chunk in shas.chunks(CHUNK) {
        let sql = format!(
            "SELECT c.sha, c.parents, c.author_time, c.summary, b.name, r.size, r.run_id, r.id,
                    u.started_at, r.samples
             FROM {FROM_COMMITS}
             JOIN runs u ON u.id = r.run_id JOIN benchmarks b ON b.id = r.benchmark_id
             WHERE c.sha IN ({}) AND r.testbed_id = ? {} AND r.metric = ? AND r.dirty = 0
               AND r.run_id IS NOT ?",
            placeholders(chunk.len()),
            if benchmark.is_some() {
                "AND r.benchmark_id = ?"
            } else {
                ""
            }
        );
        let values: Vec<Value> = chunk
            .iter()
            .map(text)
            .chain([Value::from(testbed)])
            .chain(benchmark.map(Value::from))
            .chain([text(query.metric)])
            .chain([Value::from(query.exclude_run.map(RunId::get))])
            .collect();
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(values))?;
        while let Some(r) = rows.next()? {
            let blob: Vec<u8> = r.get(9)?;
            let samples = decode_samples(&blob).ok_or_else(|| bad_blob(blob.len()))?;
            let commit = commit_from(r, 0)?;
            let row = RunRow {
                key: SeriesKey::new(r.get::<_, String>(4)?, r.get(5)?),
                run: RunId::from_raw(r.get(6)?),
                result: ResultId::from_raw(r.get(7)?),
                started_at: Timestamp::from_unix_ms(r.get(8)?),
                dirty: false,
                samples,
            };
            by_commit
                .entry(commit.sha.clone())
                .or_insert_with(|| (commit, Vec::new()))
                .1
                .push(row);
        }
    }
    Ok(shas
        .iter()
        .filter_map(|sha| by_commit.remove(sha))
        .filter_map(|(commit, rows)| CommitRuns::group(commit, rows))
        .collect())
}

/// The testbed's and benchmark's ids; `None` when the store has never seen them.
fn baseline_keys(
    conn: &Connection,
    query: &BaselineQuery<'_>,
) -> Result<Option<(i64, Option<i64>)>, Failure> {
    let Some(testbed) = testbed_id(conn, query.testbed)? else {
        return Ok(None);
    };
    match query.benchmark {
        None => Ok(Some((testbed, None))),
        Some(name) => Ok(benchmark_id(conn, name)?.map(|b| (testbed, Some(b)))),
    }
}

fn testbed_id(conn: &Connection, testbed: &Testbed) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM testbeds WHERE fingerprint = ?1")?
        .query_row([&testbed.fingerprint], |r| r.get(0))
        .optional()
}

fn benchmark_id(conn: &Connection, name: &str) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM benchmarks WHERE name = ?1")?
        .query_row([name], |r| r.get(0))
        .optional()
}

/// The columns of a [`HistoryPoint`] from `from`, which must bind `r` (results) and `c`
/// (commits); the first parameter says whether to load samples.
pub(super) fn select_points(from: &str) -> String {
    format!(
        "SELECT r.id, b.name, r.size, r.n, r.mean, r.sd, r.min, r.max, r.median, r.p90, r.p95,
                r.p99, r.mad, r.mean_ci_lower, r.mean_ci_upper, r.median_ci_lower,
                r.median_ci_upper, r.outliers, r.iterations_per_sample,
                CASE WHEN ? THEN r.samples ELSE x'' END,
                r.allocs, r.alloc_bytes, r.throughput_kind, r.throughput_per_iteration,
                r.cmp_ratio, r.cmp_ratio_lower, r.cmp_ratio_upper, r.cmp_p, r.cmp_verdict,
                u.id, u.started_at, u.dirty, u.branch,
                c.sha, c.parents, c.author_time, c.summary, r.metric
         FROM {from}
         JOIN benchmarks b ON b.id = r.benchmark_id
         JOIN runs u ON u.id = r.run_id"
    )
}

/// Results joined to their commit, for a known set of commits: `CROSS JOIN` makes SQLite
/// start from the commits and seek each one's results in `results_by_series`. Left to itself
/// it scans every result of the series once per chunk of SHAs, which grows with the square of
/// the history's length.
const FROM_COMMITS: &str = "commits c CROSS JOIN results r ON r.commit_id = c.id";

/// Results with their commit, if any.
pub(super) const FROM_RESULTS: &str = "results r LEFT JOIN commits c ON c.id = r.commit_id";

pub(super) fn collect_points(
    conn: &Connection,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<HistoryPoint>, Failure> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params_from_iter(values))?;
    let mut points = Vec::new();
    while let Some(row) = rows.next()? {
        let blob: Vec<u8> = row.get(19)?;
        let mut point = point_from(row)?;
        point.record.samples = decode_samples(&blob).ok_or_else(|| bad_blob(blob.len()))?;
        points.push(point);
    }
    Ok(points)
}

fn point_from(r: &Row<'_>) -> rusqlite::Result<HistoryPoint> {
    // SQLite stores NaN as NULL, so NULL reads back as NaN.
    let f =
        |i: usize| -> rusqlite::Result<f64> { Ok(r.get::<_, Option<f64>>(i)?.unwrap_or(f64::NAN)) };
    let summary = StoredSummary {
        n: r.get(3)?,
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
        outliers: r.get(17)?,
    };
    let allocations = match (r.get::<_, Option<f64>>(20)?, r.get::<_, Option<f64>>(21)?) {
        (Some(allocs), Some(bytes)) => Some(Allocations { allocs, bytes }),
        _ => None,
    };
    let kind: Option<String> = r.get(22)?;
    let throughput = match (kind.as_deref().and_then(ThroughputKind::parse), r.get(23)?) {
        (Some(kind), Some(per_iteration)) => Some(Throughput {
            kind,
            per_iteration,
        }),
        _ => None,
    };
    let comparison = match r.get::<_, Option<String>>(28)? {
        Some(verdict) => Some(StoredComparison {
            ratio: f(24)?,
            ratio_ci_lower: f(25)?,
            ratio_ci_upper: f(26)?,
            p: f(27)?,
            verdict,
        }),
        None => None,
    };
    let commit = match r.get::<_, Option<String>>(33)? {
        Some(_) => Some(commit_from(r, 33)?),
        None => None,
    };
    Ok(HistoryPoint {
        commit,
        run: RunId::from_raw(r.get(29)?),
        started_at: Timestamp::from_unix_ms(r.get(30)?),
        dirty: r.get(31)?,
        branch: r.get(32)?,
        result: ResultId::from_raw(r.get(0)?),
        record: Record {
            benchmark: r.get(1)?,
            size: r.get(2)?,
            metric: r.get(37)?,
            summary,
            iterations_per_sample: r.get(18)?,
            samples: Vec::new(),
            budgets: Vec::new(),
            allocations,
            throughput,
            comparison,
        },
    })
}

/// A commit from four columns starting at `at`: sha, parents, author_time, summary.
pub(super) fn commit_from(r: &Row<'_>, at: usize) -> rusqlite::Result<Commit> {
    let parents: String = r.get(at + 1)?;
    Ok(Commit {
        sha: r.get(at)?,
        parents: parents.split_whitespace().map(str::to_owned).collect(),
        author_time: r.get(at + 2)?,
        summary: r.get(at + 3)?,
    })
}

pub(super) fn attach_budgets(
    conn: &Connection,
    points: &mut [HistoryPoint],
) -> Result<(), Failure> {
    let index: HashMap<i64, usize> = points
        .iter()
        .enumerate()
        .map(|(i, p)| (p.result.get(), i))
        .collect();
    let ids: Vec<i64> = index.keys().copied().collect();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT result_id, statistic, limit_value, estimate, passed FROM budgets
             WHERE result_id IN ({}) ORDER BY result_id, position",
            placeholders(chunk.len())
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query(params_from_iter(chunk))?;
        while let Some(r) = rows.next()? {
            let budget = BudgetOutcome {
                statistic: r.get(1)?,
                limit: r.get::<_, Option<f64>>(2)?.unwrap_or(f64::NAN),
                estimate: r.get::<_, Option<f64>>(3)?.unwrap_or(f64::NAN),
                passed: r.get(4)?,
            };
            points[index[&r.get::<_, i64>(0)?]]
                .record
                .budgets
                .push(budget);
        }
    }
    Ok(())
}

fn placeholders(n: usize) -> String {
    let mut s = "?,".repeat(n);
    s.pop();
    s
}

fn text(s: impl AsRef<str>) -> Value {
    Value::Text(s.as_ref().to_owned())
}

fn bad_blob(len: usize) -> Failure {
    Failure::Invalid(format!(
        "a samples blob of {len} bytes is not a whole number of 8-byte floats"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_comma_separated() {
        assert_eq!(placeholders(3), "?,?,?");
        assert_eq!(placeholders(1), "?");
    }
}
