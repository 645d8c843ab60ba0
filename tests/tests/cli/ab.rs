//! `cargo perfkit ab` on the fixture: the planted 3x slowdown fails the gate naming only it,
//! a docs-only change passes, an unknown revision is a usage error.
//!
//! `ab` records into a store of its own here (`--db`), so the scenario's history, which other
//! tests read, stays as they expect.

use perfkit_store::{Store, Testbed};

use crate::fixture::{Outcome, SCENARIO};

const SLOWED: &str = "perf::slowed";
const STEADY: &str = "perf::steady";

/// Few rounds keep the test short (about a second each); ten leave the paired test 9
/// degrees of freedom, so one round disturbed by a busy machine cannot hide a 3x change.
const ROUNDS: &str = "10";

/// The runs recorded at `sha`, whatever the testbed.
fn runs_at(store: &Store, sha: &str) -> usize {
    let testbeds: Vec<Testbed> = store
        .testbeds()
        .unwrap()
        .into_iter()
        .map(|t| t.testbed)
        .collect();
    let mut runs: Vec<_> = testbeds
        .iter()
        .flat_map(|t| store.results_at(sha, t).unwrap())
        .map(|p| p.run)
        .collect();
    runs.sort();
    runs.dedup();
    runs.len()
}

fn failure_message(outcome: &Outcome) -> &str {
    outcome
        .stdout
        .split("ab failed:")
        .nth(1)
        .unwrap_or_else(|| panic!("no failure message: {outcome:#?}"))
}

/// One test, not two: both invocations use the same base worktree, which `ab` reuses.
#[test]
fn ab_fails_on_the_planted_slowdown_and_passes_a_docs_only_change() {
    let s = &*SCENARIO;
    let [initial, docs, slow] = &s.commits;
    let db = tempfile::tempdir().unwrap();
    let db_path = db.path().join("ab.db").display().to_string();

    // HEAD defaults to the working tree: the fixture is checked out at `slow`, clean.
    let slowed = s.perfkit(&["ab", &docs[..10], "--rounds", ROUNDS, "--db", &db_path]);
    assert_eq!(slowed.code, cargo_perfkit::exit::REGRESSION, "{slowed:#?}");
    let message = failure_message(&slowed);
    assert!(message.contains(SLOWED), "{slowed:#?}");
    assert!(!message.contains(STEADY), "{slowed:#?}");
    assert!(
        slowed.stderr.contains("building the base") && slowed.stderr.contains("round 10/10"),
        "progress goes to stderr: {slowed:#?}"
    );

    let unchanged = s.perfkit(&[
        "ab", initial, docs, "--rounds", ROUNDS, "--db", &db_path, "--format", "json",
    ]);
    assert_eq!(unchanged.code, cargo_perfkit::exit::OK, "{unchanged:#?}");
    let v: serde_json::Value =
        serde_json::from_str(&unchanged.stdout).expect("stdout is JSON and nothing else");
    assert_eq!(v["command"], "ab");
    assert_eq!(v["passed"], true);
    assert_eq!(v["counts"]["unchanged"], 2, "{}", unchanged.stdout);

    // Both sides joined history under their own commits, one run per round.
    let store = Store::open(db.path().join("ab.db").as_path()).unwrap();
    let rounds: usize = ROUNDS.parse().unwrap();
    assert_eq!(runs_at(&store, slow), rounds);
    assert_eq!(
        runs_at(&store, docs),
        2 * rounds,
        "base of one, head of the other"
    );
    assert_eq!(runs_at(&store, initial), rounds);
}

#[test]
fn ab_with_an_unknown_revision_says_so_and_exits_2() {
    let s = &*SCENARIO;
    let db = tempfile::tempdir().unwrap();
    let db_path = db.path().join("ab.db").display().to_string();
    let out = s.perfkit(&["ab", "no-such-branch", "--db", &db_path]);
    assert_eq!(out.code, cargo_perfkit::exit::USAGE, "{out:#?}");
    assert!(
        out.stderr
            .contains("error: base revision: git cannot resolve `no-such-branch` to a commit"),
        "{out:#?}"
    );
    let head = s.perfkit(&["ab", "HEAD", "nope~3", "--db", &db_path]);
    assert_eq!(head.code, cargo_perfkit::exit::USAGE, "{head:#?}");
    assert!(
        head.stderr
            .contains("head revision: git cannot resolve `nope~3`"),
        "{head:#?}"
    );
}
