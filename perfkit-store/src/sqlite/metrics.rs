//! The `metrics` table: the declared unit and direction of each metric users' code defines.

use rusqlite::{Connection, TransactionBehavior, params};

use super::retry::Failure;
use crate::metric::MetricInfo;

/// Stores `info`, replacing an earlier declaration of its name: the latest code's description
/// wins.
pub(crate) fn declare(conn: &mut Connection, info: &MetricInfo) -> Result<(), Failure> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.prepare_cached(
        "INSERT INTO metrics (name, unit, better) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET unit = excluded.unit, better = excluded.better",
    )?
    .execute(params![info.name, info.unit, info.better.as_str()])?;
    tx.commit()?;
    Ok(())
}

/// Every declaration, by name.
pub(crate) fn declared(conn: &Connection) -> Result<Vec<MetricInfo>, Failure> {
    let mut stmt = conn.prepare_cached("SELECT name, unit, better FROM metrics ORDER BY name")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (name, unit, better) = row?;
        out.push(MetricInfo::from_row(name, unit, &better).map_err(Failure::Invalid)?);
    }
    Ok(out)
}
