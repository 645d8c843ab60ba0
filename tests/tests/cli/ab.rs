//! `cargo perfkit ab` on the fixture: the planted 3x slowdown fails the gate naming only it,
//! a docs-only change passes, an unknown revision is a usage error.
//!
//! `ab` records into a store of its own here (`--db`), so the scenario's history, which other
//! tests read, stays as they expect.

use std::path::Path;
use std::process::Command;

use perfkit_store::{DEFAULT_METRIC, Store, Testbed};

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
        .flat_map(|t| store.results_at(sha, t, DEFAULT_METRIC).unwrap())
        .map(|p| p.run)
        .collect();
    runs.sort();
    runs.dedup();
    runs.len()
}

/// Runs git in `dir` with a fixed identity and an optional index file; its trimmed stdout.
fn git(dir: &Path, index: Option<&Path>, args: &[&str], input: Option<&str>) -> String {
    use std::io::Write as _;
    let mut cmd = Command::new("git");
    cmd.args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Ada")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    if let Some(index) = index {
        cmd.env("GIT_INDEX_FILE", index);
    }
    let mut child = cmd.spawn().expect("git runs");
    if let Some(text) = input {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// A commit on top of HEAD with `path` holding `text`, made without touching the working
/// tree, the index or HEAD (other tests read the fixture meanwhile).
fn commit_beside_head(dir: &Path, path: &str, text: &str, subject: &str) -> String {
    let scratch = tempfile::tempdir().unwrap();
    let index = scratch.path().join("index");
    let blob = git(dir, None, &["hash-object", "-w", "--stdin"], Some(text));
    git(dir, Some(&index), &["read-tree", "HEAD"], None);
    let info = format!("100644,{blob},{path}");
    git(
        dir,
        Some(&index),
        &["update-index", "--cacheinfo", &info],
        None,
    );
    let tree = git(dir, Some(&index), &["write-tree"], None);
    git(
        dir,
        None,
        &["commit-tree", &tree, "-p", "HEAD", "-m", subject],
        None,
    )
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

#[test]
fn ab_with_a_base_that_does_not_build_shows_cargos_error_and_exits_2() {
    let s = &*SCENARIO;
    let broken = commit_beside_head(s.path(), "src/lib.rs", "pub fn work(", "broken");
    let db = tempfile::tempdir().unwrap();
    let db_path = db.path().join("ab.db").display().to_string();
    let out = s.perfkit(&["ab", &broken, "--rounds", "3", "--db", &db_path]);
    assert_eq!(out.code, cargo_perfkit::exit::USAGE, "{out:#?}");
    assert!(
        out.stderr.contains("base: error"),
        "cargo's error is shown: {out:#?}"
    );
    assert!(
        out.stderr.contains(&format!(
            "error: the base {} (broken) does not build",
            &broken[..7]
        )),
        "{out:#?}"
    );
    // The working tree built and nothing was measured: no run recorded.
    let store = Store::open(db.path().join("ab.db").as_path()).unwrap();
    assert!(store.testbeds().unwrap().is_empty(), "nothing recorded");
}

#[test]
fn ab_with_a_base_without_the_benchmark_calls_it_new() {
    let s = &*SCENARIO;
    let perf = std::fs::read_to_string(s.path().join("tests/perf.rs")).unwrap();
    let cut = perf.rfind("#[perf_test").expect("two perf tests");
    let base = commit_beside_head(s.path(), "tests/perf.rs", &perf[..cut], "only steady");
    let db = tempfile::tempdir().unwrap();
    let db_path = db.path().join("ab.db").display().to_string();
    let out = s.perfkit(&[
        "ab", &base, "--rounds", "3", "--db", &db_path, "--format", "json",
    ]);
    assert_eq!(out.code, cargo_perfkit::exit::OK, "{out:#?}");
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let verdict = |name: &str| {
        v["benchmarks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["name"] == name)
            .unwrap_or_else(|| panic!("{name} missing: {}", out.stdout))["verdict"]
            .clone()
    };
    assert_eq!(verdict(SLOWED), "new");
    assert_eq!(verdict(STEADY), "unchanged");
}
