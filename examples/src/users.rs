//! A user directory in SQLite behind `/users/search?q=<name>`: the endpoint of
//! [`crate::service`], in a slow and a fast version.
//!
//! The page is the 20 matching users seen most recently.
//!
//! - [`Version::LikeScan`]: `name LIKE '%' || q || '%'` then a sort by `last_seen`: a leading
//!   wildcard cannot use an index, so every request reads every user and sorts the matches.
//! - [`Version::Fts`]: an FTS5 index on the names whose rowids follow `last_seen` (most recent
//!   first), so the first 20 matches in rowid order are the page and the query stops there.
//!   The price: the index is rebuilt when the order changes (say, hourly), not per login.
//!
//! Names are a first and a last name from short lists, so a query for a first name matches
//! about one user in [`FIRST_NAMES`]`.len()`, and `LIKE` and the full-text match find the same
//! users (no name is part of another).

use rusqlite::{Connection, OpenFlags, params};

use crate::rng::Rng;

/// Users per page.
pub const PAGE: usize = 20;

/// First names users have.
pub const FIRST_NAMES: [&str; 24] = [
    "ada", "bruno", "chloe", "dmitri", "esme", "farid", "greta", "hiro", "ines", "jonas", "kemal",
    "lucia", "mateo", "nadia", "oskar", "priya", "quentin", "rosa", "soren", "tamsin", "umar",
    "vera", "wanda", "xavier",
];

const LAST_NAMES: [&str; 16] = [
    "abbott",
    "baker",
    "castillo",
    "dubois",
    "eriksen",
    "fontaine",
    "garcia",
    "horvat",
    "ivanova",
    "jensen",
    "kowalski",
    "lindqvist",
    "moreau",
    "nakamura",
    "okafor",
    "petrov",
];

const CITIES: [&str; 8] = [
    "lisbon", "oslo", "kyoto", "lagos", "lima", "perth", "quebec", "tallinn",
];

/// The endpoint's two versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// `LIKE '%q%'`: a scan of every user per request.
    LikeScan,
    /// An FTS5 index; the first page of matches in rowid order.
    Fts,
}

impl Version {
    fn sql(self) -> &'static str {
        match self {
            Version::LikeScan => {
                "SELECT id, name, city FROM users
                 WHERE name LIKE '%' || ?1 || '%' ORDER BY last_seen DESC, id LIMIT ?2"
            }
            Version::Fts => {
                "SELECT id, name, city FROM users_fts
                 WHERE users_fts MATCH ?1 ORDER BY rowid LIMIT ?2"
            }
        }
    }

    fn parameter(self, q: &str) -> String {
        match self {
            Version::LikeScan => q.to_owned(),
            // Quoted: the query is a word, never an FTS5 operator.
            Version::Fts => format!("\"{}\"", q.replace('"', "\"\"")),
        }
    }
}

/// One user as the endpoint returns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The user's id.
    pub id: i64,
    /// First and last name.
    pub name: String,
    /// Where they live.
    pub city: String,
}

/// An in-memory directory of users that several connections can read at once.
#[derive(Debug)]
pub struct Directory {
    uri: String,
    /// Keeps the shared in-memory database alive.
    _keeper: Connection,
}

impl Directory {
    /// `users` users (deterministic), with the FTS5 index built.
    pub fn new(users: usize) -> rusqlite::Result<Directory> {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let uri = format!(
            "file:users-{}-{n}?mode=memory&cache=shared",
            std::process::id()
        );
        let keeper = Connection::open_with_flags(&uri, flags())?;
        keeper.execute_batch(
            "CREATE TABLE users (
                 id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT NOT NULL,
                 last_seen INTEGER NOT NULL
             );
             CREATE VIRTUAL TABLE users_fts USING fts5(name, id UNINDEXED, city UNINDEXED);",
        )?;
        let mut rng = Rng::new(0x5EED_0005);
        let tx = keeper.unchecked_transaction()?;
        {
            let mut user = tx
                .prepare("INSERT INTO users (id, name, city, last_seen) VALUES (?1, ?2, ?3, ?4)")?;
            for id in 1..=users as i64 {
                let name = format!("{} {}", rng.pick(&FIRST_NAMES), rng.pick(&LAST_NAMES));
                let last_seen = rng.below(1_000_000) as i64;
                user.execute(params![id, name, rng.pick(&CITIES), last_seen])?;
            }
        }
        // Rowid 1 is the user seen last: the full-text index is in the page's order.
        tx.execute_batch(
            "INSERT INTO users_fts (rowid, name, id, city)
             SELECT row_number() OVER (ORDER BY last_seen DESC, id), name, id, city FROM users",
        )?;
        tx.commit()?;
        Ok(Directory {
            uri,
            _keeper: keeper,
        })
    }

    /// A new connection to the directory (one per server thread: a connection is not `Sync`).
    pub fn connect(&self) -> rusqlite::Result<Connection> {
        Connection::open_with_flags(&self.uri, flags())
    }
}

fn flags() -> OpenFlags {
    OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
}

/// The first page of users whose name contains the word `q`, by `version`.
pub fn search(conn: &Connection, version: Version, q: &str) -> rusqlite::Result<Vec<User>> {
    let mut statement = conn.prepare_cached(version.sql())?;
    let rows = statement.query_map(params![version.parameter(q), PAGE as i64], |row| {
        Ok(User {
            id: row.get(0)?,
            name: row.get(1)?,
            city: row.get(2)?,
        })
    })?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_versions_find_the_same_users() {
        let directory = Directory::new(2_000).unwrap();
        let conn = directory.connect().unwrap();
        let names = FIRST_NAMES.iter().chain(&LAST_NAMES);
        for q in names.copied().chain(["nobody"]) {
            let slow = search(&conn, Version::LikeScan, q).unwrap();
            let fast = search(&conn, Version::Fts, q).unwrap();
            assert_eq!(slow, fast, "{q}");
            assert_eq!(slow.is_empty(), q == "nobody", "{q}");
        }
        assert_eq!(search(&conn, Version::Fts, "ada").unwrap().len(), PAGE);
    }
}
