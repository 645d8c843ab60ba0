//! One set of behaviour tests, every backend: [`backends`] gives a fresh, empty store of each
//! backend, and a test runs its body once per store.
//!
//! SQLite always runs. PostgreSQL runs when `PERFKIT_TEST_POSTGRES` holds a URL whose user
//! may create databases (each store is a database of its own, dropped afterwards); without
//! it the PostgreSQL half prints that it was skipped, and fails instead when `CI=true`,
//! `PERFKIT_REQUIRE_TOOLS=1` or `PERFKIT_REQUIRE_POSTGRES=1`, so CI cannot pass without it.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, Ordering};

use perfkit_store::{DbLocation, Store};

/// The environment variable naming the PostgreSQL server the tests may use.
pub const POSTGRES_ENV: &str = "PERFKIT_TEST_POSTGRES";

/// Where an empty store of one backend is, and what removes it afterwards.
pub struct TempLocation {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    pub location: DbLocation,
    guard: Guard,
}

enum Guard {
    Dir(#[allow(dead_code)] tempfile::TempDir),
    Database { admin_url: String, name: String },
}

impl Drop for TempLocation {
    fn drop(&mut self) {
        if let Guard::Database { admin_url, name } = &self.guard
            && let Ok(mut client) = postgres::Client::connect(admin_url, postgres::NoTls)
        {
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

impl TempLocation {
    /// The PostgreSQL URL; `None` for SQLite.
    pub fn url(&self) -> Option<&str> {
        match &self.location {
            DbLocation::Postgres(url) => Some(url),
            DbLocation::Sqlite(_) => None,
        }
    }

    /// Opens the store here.
    pub fn open(self) -> TempStore {
        let store = Store::open_location(&self.location)
            .unwrap_or_else(|e| panic!("opening the {} store: {e}", self.backend));
        TempStore {
            store: Some(store),
            at: self,
        }
    }
}

/// A store of one backend, removed when dropped; derefs to the [`Store`].
pub struct TempStore {
    store: Option<Store>,
    pub at: TempLocation,
}

impl Deref for TempStore {
    type Target = Store;
    fn deref(&self) -> &Store {
        self.store.as_ref().expect("open")
    }
}

impl DerefMut for TempStore {
    fn deref_mut(&mut self) -> &mut Store {
        self.store.as_mut().expect("open")
    }
}

impl Drop for TempStore {
    fn drop(&mut self) {
        // The connection goes before the database it is connected to.
        self.store.take();
    }
}

/// A fresh empty store of each backend available, opened; see the module doc.
pub fn backends() -> Vec<TempStore> {
    locations().into_iter().map(TempLocation::open).collect()
}

/// A fresh empty location of each backend available, not yet opened (for tests of opening).
pub fn locations() -> Vec<TempLocation> {
    let mut all = vec![sqlite_location()];
    all.extend(postgres_location());
    for at in &all {
        // Shown with a failing test's output: which backend the failure was on.
        println!("backend: {}", at.backend);
    }
    all
}

/// A fresh SQLite location.
pub fn sqlite_location() -> TempLocation {
    let dir = tempfile::tempdir().unwrap();
    TempLocation {
        backend: "sqlite",
        location: DbLocation::Sqlite(dir.path().join(".perfkit").join("history.db")),
        guard: Guard::Dir(dir),
    }
}

/// A fresh, empty PostgreSQL database, or `None` (having said so) when no server is given.
pub fn postgres_location() -> Option<TempLocation> {
    let Some(admin_url) = std::env::var(POSTGRES_ENV).ok().filter(|v| !v.is_empty()) else {
        assert!(
            !perfkit_store::test_cluster::postgres_required(),
            "{POSTGRES_ENV} is not set, and CI / PERFKIT_REQUIRE_TOOLS / PERFKIT_REQUIRE_POSTGRES \
             require the PostgreSQL half of the store tests: start a server (.ci/run shows how) \
             and set {POSTGRES_ENV}=postgres://user@127.0.0.1:PORT/db"
        );
        println!("postgres: skipped ({POSTGRES_ENV} is not set)");
        return None;
    };
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = format!(
        "perfkit_test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = postgres::Client::connect(&admin_url, postgres::NoTls)
        .unwrap_or_else(|e| panic!("{POSTGRES_ENV}: cannot connect: {e}"));
    // One statement each: CREATE DATABASE cannot run in the transaction a batch is.
    for sql in [
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        format!("CREATE DATABASE {name}"),
    ] {
        admin
            .batch_execute(&sql)
            .unwrap_or_else(|e| panic!("{POSTGRES_ENV}: {sql}: {e:?}"));
    }
    Some(TempLocation {
        backend: "postgres",
        location: DbLocation::Postgres(with_database(&admin_url, &name)),
        guard: Guard::Database { admin_url, name },
    })
}

/// `url` naming database `db` instead of its own.
pub fn with_database(url: &str, db: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a postgres:// URL");
    let (base, query) = match rest.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (rest, None),
    };
    let authority = base.split('/').next().unwrap_or(base);
    let mut out = format!("{scheme}://{authority}/{db}");
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}
