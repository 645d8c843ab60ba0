//! `cargo perfkit sync`: a copy that a second sync leaves alone, filters, and every reading
//! command giving the same answer from a PostgreSQL copy as from the SQLite original.

use cargo_perfkit::exit;

use std::path::Path;

use cargo_perfkit::Context;

use crate::support::project;

/// `cargo perfkit ARGS --db URL` in `dir`, as `Project::perfkit` runs it against its file.
fn perfkit_at(dir: &Path, url: &str, args: &[&str]) -> (u8, String, String) {
    let mut argv = vec!["cargo-perfkit", "perfkit"];
    argv.extend_from_slice(args);
    argv.extend_from_slice(&["--db", url, "--testbed", "snapshot"]);
    let (mut ctx, out): (Context, _) = Context::captured(dir, &[]);
    let code = cargo_perfkit::run(argv, &mut ctx);
    let tidy = |s: String| s.replace(&dir.display().to_string(), "[project]");
    (code, tidy(out.stdout()), tidy(out.stderr()))
}

#[test]
fn syncing_twice_copies_once_and_filters_choose_runs() {
    let p = project();
    let db = p.db.display().to_string();
    let (code, out, err) = p.perfkit(&["sync", &db, "copy.db"]);
    assert_eq!(code, exit::OK, "{err}");
    assert!(out.starts_with("copied 5 runs (22 results) from "), "{out}");
    let (code, out, _) = p.perfkit(&["sync", &db, "copy.db"]);
    assert_eq!(code, exit::OK);
    assert!(out.starts_with("copied 0 runs (0 results)"), "{out}");
    assert!(
        out.contains("5 of the 5 runs selected were there already"),
        "{out}"
    );

    let (_, out, _) = p.perfkit(&["sync", &db, "later.db", "--since", "2099-01-01"]);
    assert!(out.starts_with("copied 0 runs"), "{out}");
    let (_, out, _) = p.perfkit(&["sync", &db, "other.db", "--branch", "feature"]);
    assert!(out.starts_with("copied 0 runs"), "{out}");

    let (code, _, err) = p.perfkit(&["sync", &db, "x.db", "--since", "last week"]);
    assert_eq!(code, exit::USAGE);
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    let (code, _, err) = p.perfkit(&["sync", &db, &db]);
    assert_eq!(code, exit::USAGE);
    assert!(err.contains("the same store"), "{err}");
}

/// Each reading command answers the same from a PostgreSQL copy of the history as from the
/// SQLite file (`PERFKIT_TEST_POSTGRES`; skipped without it, as the store tests say).
#[test]
fn every_reading_command_answers_the_same_from_postgres() {
    let Ok(admin_url) = std::env::var("PERFKIT_TEST_POSTGRES") else {
        println!("postgres: skipped (PERFKIT_TEST_POSTGRES is not set)");
        return;
    };
    let name = format!("perfkit_cli_test_{}", std::process::id());
    let mut admin = postgres::Client::connect(&admin_url, postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    let url = format!("{base}/{name}");

    let p = project();
    let db = p.db.display().to_string();
    let (code, out, err) = p.perfkit(&["sync", &db, &url]);
    assert_eq!(code, exit::OK, "{err}");
    assert!(out.starts_with("copied 5 runs"), "{out}");
    for args in [
        &["list"][..],
        &["history"],
        &["compare", "HEAD~1", "HEAD"],
        &["check"],
        &["export", "--format", "json"],
    ] {
        let from_sqlite = p.perfkit(args);
        let from_postgres = perfkit_at(p.path(), &url, args);
        let tidy = |s: &str| {
            s.replace("[project]/.perfkit/history.db", "[db]")
                .replace(&url, "[db]")
        };
        assert_eq!(
            from_postgres.0, from_sqlite.0,
            "{args:?}: {}",
            from_postgres.2
        );
        assert_eq!(tidy(&from_postgres.1), tidy(&from_sqlite.1), "{args:?}");
    }
    let (code, out, err) = perfkit_at(p.path(), &url, &["gc", "--keep", "1"]);
    assert_eq!(code, exit::OK, "{err}");
    assert!(out.starts_with("deleted 1 run"), "{out}");
    assert!(
        !out.contains("compacted"),
        "only a SQLite file is compacted: {out}"
    );
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .unwrap();
}

/// An unreachable server is one line, exit 2, naming the URL without its password.
#[test]
fn an_unreachable_server_is_one_line_without_the_password() {
    let p = project();
    let db = p.db.display().to_string();
    let (code, _, err) = p.perfkit(&["sync", &db, "postgres://ci:hunter2@127.0.0.1:1/perf"]);
    assert_eq!(code, exit::USAGE);
    assert!(!err.contains("hunter2"), "{err}");
    assert!(err.contains("postgres://ci:***@127.0.0.1:1/perf"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

/// A wrong password and an unknown database, on a private server with password
/// authentication: one line each, exit 2, naming the URL without any password.
#[test]
fn a_wrong_password_and_an_unknown_database_are_one_line_each() {
    let Some(cluster) = perfkit_store::test_cluster::TestCluster::start_or_skip() else {
        return;
    };
    let p = project();
    let port = cluster.port();
    let wrong = cluster.url_with_password("postgres", "not-the-password");
    let (code, out, err) = perfkit_at(p.path(), &wrong, &["history"]);
    assert_eq!(code, exit::USAGE, "{out}{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!("postgres://perfkit:***@127.0.0.1:{port}/postgres")),
        "{err}"
    );
    assert!(err.contains("password authentication failed"), "{err}");
    assert!(
        !err.contains("not-the-password") && !err.contains(cluster.password()),
        "{err}"
    );

    let missing = cluster.url("no_such_database");
    let (code, out, err) = perfkit_at(p.path(), &missing, &["history"]);
    assert_eq!(code, exit::USAGE, "{out}{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("\"no_such_database\" does not exist"), "{err}");
    assert!(!err.contains(cluster.password()), "{err}");
}
