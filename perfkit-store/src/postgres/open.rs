//! Opening a PostgreSQL history: connect, and under an advisory lock, refuse what is not
//! perfkit's, then migrate, all in one transaction.

use postgres::Client;

use super::migrations::{APPLICATION, PG_SCHEMA_VERSION, apply};
use super::retry::{Conn, Failure};
use crate::error::StoreError;

/// The advisory lock key every perfkit migrating a database takes: `PFKT` in ASCII.
const MIGRATION_LOCK: i64 = 0x5046_4B54;

/// What a database turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Found {
    /// No tables in its schema.
    Empty,
    /// perfkit's history at this version.
    Perfkit {
        /// `perfkit_schema.version`.
        version: u32,
    },
    /// Someone else's: what says so.
    Foreign(String),
}

/// Connects to `conn`'s database and brings its schema to [`PG_SCHEMA_VERSION`].
pub(crate) fn open(conn: &mut Conn) -> Result<(), StoreError> {
    let url = conn.url.clone();
    conn.run("opening", |client| migrate(client, &url))
}

/// In one transaction holding the advisory lock (so two machines opening a new database at
/// once migrate it once): reads what the database is, refuses it or migrates it.
fn migrate(client: &mut Client, url: &str) -> Result<(), Failure> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    let from = check(url, inspect(&mut tx)?)?;
    if from < PG_SCHEMA_VERSION {
        apply(&mut tx, from)?;
    }
    tx.commit()?;
    Ok(())
}

/// Reads what the database is, without writing to it.
pub(crate) fn inspect(client: &mut impl postgres::GenericClient) -> Result<Found, Failure> {
    let row = client.query_one(
        "SELECT to_regclass('perfkit_schema') IS NOT NULL,
                (SELECT count(*) FROM information_schema.tables
                 WHERE table_schema = current_schema())",
        &[],
    )?;
    let marked: bool = row.try_get(0)?;
    let tables: i64 = row.try_get(1)?;
    if !marked {
        return Ok(if tables == 0 {
            Found::Empty
        } else {
            Found::Foreign(format!(
                "it has {tables} tables in schema {} and no perfkit_schema table",
                current_schema(client)?
            ))
        });
    }
    let rows = client.query("SELECT application, version FROM perfkit_schema", &[])?;
    Ok(match rows.as_slice() {
        [row] if row.try_get::<_, String>(0)? == APPLICATION => Found::Perfkit {
            version: u32::try_from(row.try_get::<_, i32>(1)?).unwrap_or(u32::MAX),
        },
        [row] => Found::Foreign(format!(
            "its perfkit_schema names the application {:?}",
            row.try_get::<_, String>(0)?
        )),
        rows => Found::Foreign(format!("its perfkit_schema has {} rows, not 1", rows.len())),
    })
}

fn current_schema(client: &mut impl postgres::GenericClient) -> Result<String, Failure> {
    Ok(client
        .query_one("SELECT current_schema()", &[])?
        .try_get(0)?)
}

/// The version to migrate from, or the error that refuses the database.
pub(crate) fn check(url: &str, found: Found) -> Result<u32, StoreError> {
    match found {
        Found::Empty => Ok(0),
        Found::Perfkit { version } if version <= PG_SCHEMA_VERSION => Ok(version),
        Found::Perfkit { version } => Err(StoreError::NewerSchema {
            path: url.into(),
            found: version,
            supported: PG_SCHEMA_VERSION,
            crate_version: env!("CARGO_PKG_VERSION"),
        }),
        Found::Foreign(found) => Err(StoreError::ForeignDatabase {
            url: url.to_owned(),
            found,
        }),
    }
}
