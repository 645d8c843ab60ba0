//! What only PostgreSQL has: a server to reach, a database shared with other programs, and
//! machines migrating one database at once. The behaviour both backends share is tested on
//! both by the other modules (see `backends`).

use std::time::Duration;

use perfkit_store::{DbLocation, PG_SCHEMA_VERSION, Store, StoreError};

use crate::backends::postgres_location;
use crate::support::{record, run_at, testbed};

fn admin(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).unwrap()
}

fn schema_rows(url: &str) -> Vec<(String, i32)> {
    admin(url)
        .query("SELECT application, version FROM perfkit_schema", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[test]
fn migrating_twice_and_from_two_threads_at_once_migrates_once() {
    let Some(at) = postgres_location() else {
        return;
    };
    let url = at.url().unwrap().to_owned();
    let barrier = std::sync::Barrier::new(2);
    std::thread::scope(|s| {
        let openers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    Store::open_location(&at.location).map(|_| ())
                })
            })
            .collect();
        for opener in openers {
            opener.join().unwrap().expect("both openers succeed");
        }
    });
    let mut store = Store::open_location(&at.location).unwrap();
    store
        .record_run(&run_at(None, false, &testbed()), &[record("a", 1)])
        .unwrap();
    drop(store);
    let store = Store::open_location(&at.location).unwrap();
    assert_eq!(
        store.benchmarks().unwrap().len(),
        1,
        "reopening keeps the data"
    );
    assert_eq!(
        schema_rows(&url),
        vec![("perfkit".to_owned(), PG_SCHEMA_VERSION as i32)]
    );
}

#[test]
fn a_foreign_database_is_refused_untouched() {
    let Some(at) = postgres_location() else {
        return;
    };
    let url = at.url().unwrap().to_owned();
    admin(&url)
        .batch_execute("CREATE TABLE customers (name TEXT); INSERT INTO customers VALUES ('ada');")
        .unwrap();
    let err = Store::open_location(&at.location).unwrap_err();
    assert!(matches!(err, StoreError::ForeignDatabase { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains(&url) && message.contains("untouched"),
        "{message}"
    );
    let mut client = admin(&url);
    let tables: i64 = client
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 1, "perfkit created nothing");
    let name: String = client
        .query_one("SELECT name FROM customers", &[])
        .unwrap()
        .get(0);
    assert_eq!(name, "ada");
}

#[test]
fn a_newer_schema_is_refused_untouched_naming_both_versions() {
    let Some(at) = postgres_location() else {
        return;
    };
    let url = at.url().unwrap().to_owned();
    drop(Store::open_location(&at.location).unwrap());
    let newer = PG_SCHEMA_VERSION as i32 + 5;
    admin(&url)
        .execute("UPDATE perfkit_schema SET version = $1", &[&newer])
        .unwrap();
    for read_only in [false, true] {
        let opened = if read_only {
            Store::open_location_read_only(&at.location)
        } else {
            Store::open_location(&at.location)
        };
        let err = opened.unwrap_err();
        assert!(matches!(err, StoreError::NewerSchema { .. }), "{err:?}");
        let message = err.to_string();
        assert!(
            message.contains(&newer.to_string())
                && message.contains(&PG_SCHEMA_VERSION.to_string())
                && message.contains(&url),
            "{message}"
        );
    }
    assert_eq!(schema_rows(&url), vec![("perfkit".to_owned(), newer)]);
}

#[test]
fn a_read_only_store_refuses_writes_before_the_server() {
    let Some(at) = postgres_location() else {
        return;
    };
    drop(Store::open_location(&at.location).unwrap());
    let mut store = Store::open_location_read_only(&at.location).unwrap();
    let err = store
        .record_run(&run_at(None, false, &testbed()), &[record("a", 1)])
        .unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err:?}");
    assert!(store.benchmarks().unwrap().is_empty());
}

/// A password in the URL never reaches an error message or the location as displayed.
#[test]
fn a_password_is_never_printed() {
    // Nothing listens on port 1: refused until perfkit gives up.
    let url = "postgres://ci:hunter2@127.0.0.1:1/perf";
    let location = DbLocation::from_setting(Some(url), std::path::Path::new("/"));
    assert_eq!(location.to_string(), "postgres://ci:***@127.0.0.1:1/perf");
    let start = std::time::Instant::now();
    let err = Store::open_location(&location).unwrap_err();
    assert!(matches!(err, StoreError::Unreachable { .. }), "{err:?}");
    assert!(
        start.elapsed() >= Duration::from_secs(5),
        "retried before giving up"
    );
    let message = format!("{err} {err:?}");
    assert!(!message.contains("hunter2"), "{message}");
    assert!(message.contains("ci:***@127.0.0.1:1/perf"), "{message}");

    // A server that answers, asked for a database it does not have: one clear error at once.
    let Some(at) = postgres_location() else {
        return;
    };
    let missing = crate::backends::with_database(at.url().unwrap(), "no_such_database");
    let with_password = inject_password(&missing, "hunter2");
    let err = Store::open_location(&DbLocation::Postgres(with_password)).unwrap_err();
    assert!(matches!(err, StoreError::Postgres { .. }), "{err:?}");
    let message = format!("{err} {err:?}");
    assert!(!message.contains("hunter2"), "{message}");
    assert!(message.contains("no_such_database"), "{message}");
}

/// `url` with `password` for its user (a user is added when it has none).
fn inject_password(url: &str, password: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    match rest.split_once('@') {
        Some((user, host)) => format!(
            "{scheme}://{}:{password}@{host}",
            user.split(':').next().unwrap()
        ),
        None => format!("{scheme}://postgres:{password}@{rest}"),
    }
}
