//! The `metrics` table (see the SQLite backend's): declared units and directions.

use postgres::Client;

use super::retry::Failure;
use crate::metric::MetricInfo;

/// Stores `info`, replacing an earlier declaration of its name.
pub(crate) fn declare(client: &mut Client, info: &MetricInfo) -> Result<(), Failure> {
    client.execute(
        "INSERT INTO metrics (name, unit, better) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET unit = excluded.unit, better = excluded.better",
        &[&info.name, &info.unit, &info.better.as_str()],
    )?;
    Ok(())
}

/// Every declaration, by name.
pub(crate) fn declared(client: &mut Client) -> Result<Vec<MetricInfo>, Failure> {
    client
        .query("SELECT name, unit, better FROM metrics ORDER BY name", &[])?
        .into_iter()
        .map(|row| {
            let better: String = row.get(2);
            MetricInfo::from_row(row.get(0), row.get(1), &better).map_err(Failure::Invalid)
        })
        .collect()
}
