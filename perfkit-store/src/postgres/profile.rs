//! Profiles in PostgreSQL (migration 6): one per result, as in SQLite.

use postgres::Client;

use super::retry::Failure;
use crate::ids::RunId;
use crate::profile::{ProfileKey, StoredProfile, compress, decompress};
use crate::sqlite::no_result;
use crate::testbed::Testbed;

fn big(value: u64, what: &str) -> Result<i64, Failure> {
    i64::try_from(value).map_err(|_| Failure::Invalid(format!("{what} {value} is past i64::MAX")))
}

pub(crate) fn set_profile(
    client: &mut Client,
    run: RunId,
    key: ProfileKey<'_>,
    profile: &StoredProfile,
) -> Result<(), Failure> {
    let size = key.size.map(|n| big(n, "size")).transpose()?;
    let samples = big(profile.samples, "samples")?;
    let peak = profile
        .peak_bytes
        .map(|n| big(n, "peak heap"))
        .transpose()?;
    let mut tx = client.transaction()?;
    let result = tx.query_opt(
        "SELECT r.id FROM results r JOIN benchmarks b ON b.id = r.benchmark_id
         WHERE r.run_id = $1 AND b.name = $2 AND r.size IS NOT DISTINCT FROM $3
           AND r.metric = 'time'
         ORDER BY r.id DESC LIMIT 1",
        &[&run.get(), &key.benchmark, &size],
    )?;
    let Some(result) = result else {
        return Err(Failure::Invalid(no_result(run, key)));
    };
    let result: i64 = result.try_get(0)?;
    tx.execute(
        "INSERT INTO profiles (result_id, samples, peak_bytes, folded) VALUES ($1, $2, $3, $4)
         ON CONFLICT (result_id) DO UPDATE
         SET samples = EXCLUDED.samples, peak_bytes = EXCLUDED.peak_bytes,
             folded = EXCLUDED.folded",
        &[&result, &samples, &peak, &compress(&profile.folded)],
    )?;
    tx.commit()?;
    Ok(())
}

pub(crate) fn profile_at(
    client: &mut Client,
    sha: &str,
    testbed: &Testbed,
    key: ProfileKey<'_>,
) -> Result<Option<StoredProfile>, Failure> {
    let size = key.size.map(|n| big(n, "size")).transpose()?;
    let row = client.query_opt(
        "SELECT p.samples, p.peak_bytes, p.folded
         FROM profiles p JOIN results r ON r.id = p.result_id
         JOIN commits c ON c.id = r.commit_id JOIN testbeds t ON t.id = r.testbed_id
         JOIN benchmarks b ON b.id = r.benchmark_id
         WHERE c.sha = $1 AND t.fingerprint = $2 AND b.name = $3
           AND r.size IS NOT DISTINCT FROM $4 AND r.metric = 'time'
         ORDER BY r.id DESC LIMIT 1",
        &[&sha, &testbed.fingerprint, &key.benchmark, &size],
    )?;
    let Some(row) = row else {
        return Ok(None);
    };
    let samples: i64 = row.try_get(0)?;
    let peak: Option<i64> = row.try_get(1)?;
    let folded: Vec<u8> = row.try_get(2)?;
    Ok(Some(StoredProfile {
        folded: decompress(&folded).map_err(Failure::Invalid)?,
        samples: samples.max(0) as u64,
        peak_bytes: peak.map(|p| p.max(0) as u64),
    }))
}
