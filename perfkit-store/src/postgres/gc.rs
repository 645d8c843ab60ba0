//! Pruning: read every run, let [`crate::gc`] decide, delete, in one transaction that holds
//! off new runs meanwhile (a lock on `runs`), so a run recorded during the prune waits and
//! is never half-judged. PostgreSQL returns the space itself (autovacuum): nothing to compact.

use std::collections::HashSet;
use std::num::NonZeroUsize;

use postgres::Client;

use super::retry::Failure;
use crate::gc::{GcReport, RunRow, report, runs_to_delete};
use crate::ids::RunId;
use crate::model::{Commit, Timestamp};

pub(crate) fn gc(
    client: &mut Client,
    keep: NonZeroUsize,
    dry_run: bool,
) -> Result<GcReport, Failure> {
    let mut tx = client.transaction()?;
    // Writers insert runs; SHARE ROW EXCLUSIVE makes them wait, readers do not.
    tx.batch_execute("LOCK TABLE runs IN SHARE ROW EXCLUSIVE MODE")?;
    let mut rows = Vec::new();
    for r in tx.query(
        "SELECT u.id, u.branch, u.started_at,
                (SELECT count(*) FROM results r WHERE r.run_id = u.id),
                c.sha, c.parents, c.author_time, c.summary
         FROM runs u LEFT JOIN commits c ON c.id = u.commit_id
         ORDER BY u.id",
        &[],
    )? {
        let commit = match r.try_get::<_, Option<String>>(4)? {
            Some(sha) => {
                let parents: String = r.try_get(5)?;
                Some(Commit {
                    sha,
                    parents: parents.split_whitespace().map(str::to_owned).collect(),
                    author_time: r.try_get(6)?,
                    summary: r.try_get(7)?,
                })
            }
            None => None,
        };
        let results: i64 = r.try_get(3)?;
        rows.push(RunRow {
            run: RunId::from_raw(r.try_get(0)?),
            branch: r.try_get(1)?,
            started_at: Timestamp::from_unix_ms(r.try_get(2)?),
            results: u64::try_from(results).unwrap_or(0),
            commit,
        });
    }
    let mut protected = HashSet::new();
    for r in tx.query(
        "SELECT (SELECT r.run_id FROM results r JOIN runs u ON u.id = r.run_id
                 WHERE r.benchmark_id = s.benchmark_id AND r.testbed_id = s.testbed_id
                 ORDER BY u.started_at DESC, u.id DESC LIMIT 1)
         FROM (SELECT DISTINCT benchmark_id, testbed_id FROM results) s",
        &[],
    )? {
        protected.insert(RunId::from_raw(r.try_get(0)?));
    }
    let deleted = runs_to_delete(&rows, keep.get(), &protected);
    let summary = report(&rows, &deleted, dry_run);
    if dry_run {
        return Ok(summary); // dropping the transaction rolls it back
    }
    let ids: Vec<i64> = deleted.iter().map(|r| r.get()).collect();
    // Results and their budgets go with their run (ON DELETE CASCADE).
    tx.execute("DELETE FROM runs WHERE id = ANY($1)", &[&ids])?;
    tx.execute(
        "DELETE FROM commits WHERE id NOT IN
             (SELECT commit_id FROM runs WHERE commit_id IS NOT NULL)",
        &[],
    )?;
    tx.commit()?;
    Ok(summary)
}
