//! Pruning: read every run, let [`crate::gc`] decide, delete, all in one `BEGIN IMMEDIATE`
//! transaction, so a run recorded meanwhile waits and is never half-judged.

use std::collections::HashSet;
use std::num::NonZeroUsize;

use rusqlite::{Connection, TransactionBehavior, params_from_iter};

use super::retry::Failure;
use crate::gc::{GcReport, RunRow, report, runs_to_delete};
use crate::ids::RunId;
use crate::model::{Commit, Timestamp};

/// Most ids bound in one `DELETE`.
const CHUNK: usize = 500;

pub(crate) fn gc(
    conn: &mut Connection,
    keep: NonZeroUsize,
    dry_run: bool,
) -> Result<GcReport, Failure> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let rows = runs(&tx)?;
    let protected = newest_runs(&tx)?;
    let deleted = runs_to_delete(&rows, keep.get(), &protected);
    let summary = report(&rows, &deleted, dry_run);
    if dry_run {
        return Ok(summary); // dropping the transaction rolls it back: nothing was written
    }
    for chunk in deleted.chunks(CHUNK) {
        let mut marks = "?,".repeat(chunk.len());
        marks.pop();
        // Results and their budgets go with their run (ON DELETE CASCADE).
        tx.execute(
            &format!("DELETE FROM runs WHERE id IN ({marks})"),
            params_from_iter(chunk.iter().map(|r| r.get())),
        )?;
    }
    tx.execute(
        "DELETE FROM commits WHERE id NOT IN
             (SELECT commit_id FROM runs WHERE commit_id IS NOT NULL)",
        [],
    )?;
    tx.commit()?;
    Ok(summary)
}

/// Compacts the file after a prune (`VACUUM`); returns the bytes it shrank by.
pub(crate) fn vacuum(conn: &Connection) -> Result<u64, Failure> {
    let size = || -> rusqlite::Result<i64> {
        conn.query_row(
            "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size",
            [],
            |r| r.get(0),
        )
    };
    let before = size()?;
    conn.execute_batch("VACUUM")?;
    Ok(u64::try_from(before - size()?).unwrap_or(0))
}

fn runs(conn: &Connection) -> Result<Vec<RunRow>, Failure> {
    let mut stmt = conn.prepare(
        "SELECT u.id, u.branch, u.started_at,
                (SELECT count(*) FROM results r WHERE r.run_id = u.id),
                c.sha, c.parents, c.author_time, c.summary
         FROM runs u LEFT JOIN commits c ON c.id = u.commit_id
         ORDER BY u.id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            let commit = match r.get::<_, Option<String>>(4)? {
                Some(sha) => {
                    let parents: String = r.get(5)?;
                    Some(Commit {
                        sha,
                        parents: parents.split_whitespace().map(str::to_owned).collect(),
                        author_time: r.get(6)?,
                        summary: r.get(7)?,
                    })
                }
                None => None,
            };
            Ok(RunRow {
                run: RunId::from_raw(r.get(0)?),
                branch: r.get(1)?,
                started_at: Timestamp::from_unix_ms(r.get(2)?),
                results: r.get(3)?,
                commit,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// The run holding the newest result of each benchmark on each testbed.
fn newest_runs(conn: &Connection) -> Result<HashSet<RunId>, Failure> {
    let mut stmt = conn.prepare(
        "SELECT (SELECT r.run_id FROM results r JOIN runs u ON u.id = r.run_id
                 WHERE r.benchmark_id = s.benchmark_id AND r.testbed_id = s.testbed_id
                 ORDER BY u.started_at DESC, u.id DESC LIMIT 1)
         FROM (SELECT DISTINCT benchmark_id, testbed_id FROM results) s",
    )?;
    let ids = stmt
        .query_map([], |r| Ok(RunId::from_raw(r.get(0)?)))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroUsize;

    use crate::{GitContext, Machine, Record, Run, Source, Store, StoredSummary, Testbed};

    const ONE: NonZeroUsize = NonZeroUsize::MIN;

    fn run_at(store: &mut Store, testbed: &Testbed, n: u8, branch: &str, benchmarks: &[&str]) {
        let dir = tempfile::tempdir().unwrap();
        let mut run = Run::new(
            &GitContext::discover(dir.path()),
            testbed.clone(),
            "0.1.0",
            Source::PerfTest,
        );
        run.commit = Some(crate::Commit {
            sha: format!("{n:02x}").repeat(20),
            parents: vec![],
            author_time: i64::from(n),
            summary: format!("commit {n}"),
        });
        run.branch = Some(branch.to_owned());
        let records: Vec<Record> = benchmarks
            .iter()
            .map(|b| Record::new(*b, StoredSummary::default(), 1, vec![1.0, 2.0]))
            .collect();
        store.record_run(&run, &records).unwrap();
    }

    #[test]
    fn prunes_old_commits_but_keeps_each_benchmarks_newest_run() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("h.db")).unwrap();
        let machine = Machine {
            cpu: "cpu".into(),
            cores: 2,
            os: "linux".into(),
            arch: "x86_64".into(),
        };
        let testbed = Testbed::new(machine, "rustc 1.95.0", "release", None);
        run_at(&mut store, &testbed, 1, "main", &["a", "old_only"]);
        run_at(&mut store, &testbed, 2, "main", &["a"]);
        run_at(&mut store, &testbed, 3, "main", &["a"]);

        let dry = store.gc(ONE, true).unwrap();
        assert!(dry.dry_run);
        assert_eq!((dry.runs, dry.results), (1, 1));
        assert_eq!(
            store.commits().unwrap().len(),
            3,
            "a dry run deletes nothing"
        );

        let done = store.gc(ONE, false).unwrap();
        assert_eq!((done.runs, done.results, done.kept_commits), (1, 1, 2));
        assert_eq!(done.pruned[0].commit.as_ref().unwrap().author_time, 2);
        let left: Vec<i64> = store
            .commits()
            .unwrap()
            .iter()
            .map(|c| c.commit.author_time)
            .collect();
        // Commit 1 holds the only (so the newest) result of `old_only`.
        assert_eq!(left, vec![3, 1]);
        let again = store.gc(ONE, false).unwrap();
        assert_eq!(
            (again.runs, again.freed_bytes),
            (0, 0),
            "pruning twice is a no-op"
        );
    }
}
