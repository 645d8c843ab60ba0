//! What `cargo perfkit sync` reads: every run with its uid, and one run's results whole.

use rusqlite::Connection;
use rusqlite::types::Value;

use super::read::{FROM_RESULTS, attach_budgets, collect_points, commit_from, select_points};
use super::retry::Failure;
use crate::ids::RunId;
use crate::model::{Run, Source, Timestamp};
use crate::record::Record;
use crate::sync::StoredRun;
use crate::testbed::{Machine, Testbed};

pub(crate) fn stored_runs(conn: &Connection) -> Result<Vec<StoredRun>, Failure> {
    let mut stmt = conn.prepare(
        "SELECT u.id, u.uid, u.dirty, u.branch, u.started_at, u.perfkit_version, u.source,
                u.notes, t.fingerprint, t.name, t.cpu, t.cores, t.os, t.arch, t.rustc, t.profile,
                c.sha, c.parents, c.author_time, c.summary
         FROM runs u JOIN testbeds t ON t.id = u.testbed_id
         LEFT JOIN commits c ON c.id = u.commit_id
         ORDER BY u.started_at, u.id",
    )?;
    let rows = stmt.query_map([], |r| {
        let notes: String = r.get(7)?;
        let commit = match r.get::<_, Option<String>>(16)? {
            Some(_) => Some(commit_from(r, 16)?),
            None => None,
        };
        Ok(StoredRun {
            id: RunId::from_raw(r.get(0)?),
            uid: r.get(1)?,
            run: Run {
                commit,
                testbed: Testbed {
                    fingerprint: r.get(8)?,
                    name: r.get(9)?,
                    machine: Machine {
                        cpu: r.get(10)?,
                        cores: r.get(11)?,
                        os: r.get(12)?,
                        arch: r.get(13)?,
                    },
                    rustc: r.get(14)?,
                    profile: r.get(15)?,
                },
                dirty: r.get(2)?,
                branch: r.get(3)?,
                started_at: Timestamp::from_unix_ms(r.get(4)?),
                perfkit_version: r.get(5)?,
                source: Source::parse(&r.get::<_, String>(6)?),
                notes: notes.lines().map(str::to_owned).collect(),
            },
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn run_records(conn: &Connection, run: RunId) -> Result<Vec<Record>, Failure> {
    let sql = format!(
        "{} WHERE r.run_id = ? ORDER BY r.id",
        select_points(FROM_RESULTS)
    );
    let mut points = collect_points(conn, &sql, vec![Value::from(true), Value::from(run.get())])?;
    attach_budgets(conn, &mut points)?;
    Ok(points.into_iter().map(|p| p.record).collect())
}
