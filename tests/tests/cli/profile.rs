//! `cargo perfkit profile` and `ab --explain` on the fixture, with real `cargo test --release`
//! runs. Each records into a store of its own (`--db`), so the scenario's history, which other
//! tests read, stays as they expect.

use crate::ab::one_ab_at_a_time;
use crate::fixture::{SCENARIO, perfkit_with};

/// Long enough for a few hundred samples: these tests check the plumbing, not the shares
/// (those are checked in perfkit's own tests).
const SHORT: (&str, &str) = ("PERFKIT_PROFILE_TIME", "1s");

#[test]
fn profile_prints_the_hottest_functions_and_writes_the_flame_graph() {
    let s = &*SCENARIO;
    let db = tempfile::tempdir().unwrap();
    let db_path = db.path().join("p.db").display().to_string();
    let out = perfkit_with(
        s.path(),
        &[
            "profile", "slowed", "--time", "1s", "--db", &db_path, "--diff", "HEAD~1",
        ],
        &[],
    );
    assert_eq!(out.code, cargo_perfkit::exit::OK, "{out:#?}");
    assert!(out.stdout.contains("profile perf::slowed\n"), "{out:#?}");
    // The hottest function is the test's own (`fixture::work` is inlined into it without line
    // tables, and the profile says so).
    let top = out.stdout.lines().nth(3).unwrap_or_default();
    assert!(
        top.ends_with("perf::slowed::slowed") || top.ends_with("fixture::work"),
        "{out:#?}"
    );
    assert!(out.stdout.contains("no line tables"), "{out:#?}");
    assert!(!out.stdout.contains("profile perf::steady"), "{out:#?}");
    let head = &s.commits[2][..7];
    let svg = s
        .path()
        .join(format!(".perfkit/profiles/{head}/perf__slowed.svg"));
    assert!(svg.exists(), "{out:#?}");
    // The base was never profiled into this store: --diff says how to get its profile.
    assert!(
        out.stdout.contains(&format!(
            "no profile of it at {} on this testbed",
            &s.commits[1][..7]
        )),
        "{out:#?}"
    );
}

/// Issue 15: a pattern that matches no test says so (exit 2), rather than printing nothing.
#[test]
fn profile_of_a_pattern_that_matches_nothing_says_so() {
    let s = &*SCENARIO;
    let db = tempfile::tempdir().unwrap();
    let db_path = db.path().join("p.db").display().to_string();
    let out = perfkit_with(
        s.path(),
        &["profile", "no_such_test", "--db", &db_path],
        &[SHORT],
    );
    assert_eq!(out.code, cargo_perfkit::exit::USAGE, "{out:#?}");
    assert!(
        out.stderr.contains("no perf test matches `no_such_test`"),
        "{out:#?}"
    );
}

#[test]
fn ab_explain_profiles_both_sides_of_the_regression() {
    let _turn = one_ab_at_a_time();
    let s = &*SCENARIO;
    let docs = &s.commits[1];
    let db = tempfile::tempdir().unwrap();
    let db_path = db.path().join("ab.db").display().to_string();
    let out = perfkit_with(
        s.path(),
        // Ten rounds, as in `ab`'s own test: three can leave a 3x change undecided on a busy
        // machine.
        &[
            "ab",
            &docs[..10],
            "--rounds",
            "10",
            "--explain",
            "--db",
            &db_path,
        ],
        &[SHORT],
    );
    assert_eq!(out.code, cargo_perfkit::exit::REGRESSION, "{out:#?}");
    let explained = out
        .stdout
        .split("\nexplain perf::slowed: ")
        .nth(1)
        .unwrap_or_else(|| panic!("no explanation: {out:#?}"));
    assert!(
        explained.contains("functions whose share of the routine grew"),
        "{out:#?}"
    );
    assert!(explained.contains("differential flame graph: "), "{out:#?}");
    assert!(!out.stdout.contains("explain perf::steady"), "{out:#?}");
}
