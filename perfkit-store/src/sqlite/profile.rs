//! Profiles in SQLite (migration 6): one per result.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::retry::Failure;
use crate::ids::RunId;
use crate::profile::{ProfileKey, StoredProfile, compress, decompress};
use crate::testbed::Testbed;

pub(crate) fn set_profile(
    conn: &mut Connection,
    run: RunId,
    key: ProfileKey<'_>,
    profile: &StoredProfile,
) -> Result<(), Failure> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let result: Option<i64> = tx
        .query_row(
            "SELECT r.id FROM results r JOIN benchmarks b ON b.id = r.benchmark_id
             WHERE r.run_id = ?1 AND b.name = ?2 AND r.size IS ?3 AND r.metric = 'time'
             ORDER BY r.id DESC LIMIT 1",
            params![run.get(), key.benchmark, key.size],
            |r| r.get(0),
        )
        .optional()?;
    let Some(result) = result else {
        return Err(Failure::Invalid(no_result(run, key)));
    };
    tx.execute(
        "INSERT OR REPLACE INTO profiles (result_id, samples, peak_bytes, folded)
         VALUES (?1, ?2, ?3, ?4)",
        params![
            result,
            profile.samples,
            profile.peak_bytes,
            compress(&profile.folded)
        ],
    )?;
    tx.commit()?;
    Ok(())
}

pub(crate) fn profile_at(
    conn: &Connection,
    sha: &str,
    testbed: &Testbed,
    key: ProfileKey<'_>,
) -> Result<Option<StoredProfile>, Failure> {
    let row: Option<(u64, Option<u64>, Vec<u8>)> = conn
        .prepare_cached(
            "SELECT p.samples, p.peak_bytes, p.folded
             FROM profiles p JOIN results r ON r.id = p.result_id
             JOIN commits c ON c.id = r.commit_id JOIN testbeds t ON t.id = r.testbed_id
             JOIN benchmarks b ON b.id = r.benchmark_id
             WHERE c.sha = ?1 AND t.fingerprint = ?2 AND b.name = ?3 AND r.size IS ?4
               AND r.metric = 'time'
             ORDER BY r.id DESC LIMIT 1",
        )?
        .query_row(
            params![sha, testbed.fingerprint, key.benchmark, key.size],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    row.map(|(samples, peak_bytes, folded)| {
        Ok(StoredProfile {
            folded: decompress(&folded).map_err(Failure::Invalid)?,
            samples,
            peak_bytes,
        })
    })
    .transpose()
}

/// The message when a run holds no result to attach a profile to.
pub(crate) fn no_result(run: RunId, key: ProfileKey<'_>) -> String {
    let size = key.size.map(|n| format!(" (n = {n})")).unwrap_or_default();
    format!(
        "run {run} has no time result of `{}`{size} to attach a profile to (record the \
         result first)",
        key.benchmark
    )
}
