//! `cargo perfkit ab` on the fixture: the planted 3x slowdown fails the gate naming only it,
//! a docs-only change passes, an unknown revision is a usage error, and the working tree
//! compared with its own commit runs the same code on both sides.
//!
//! `ab` records into a store of its own here (`--db`), so the scenario's history, which other
//! tests read, stays as they expect. The tests take turns ([`one_ab_at_a_time`]): they share
//! the worktree slots, whose binaries one of them inspects after its `ab`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};

use perfkit_store::{DEFAULT_METRIC, Store, Testbed};

use crate::fixture::{Outcome, SCENARIO, target_dir};

/// Held by each test while it runs `ab`: `ab` itself waits for the slots' lock, but a test
/// that reads a slot after its `ab` returned needs nobody to rebuild it meanwhile.
pub(crate) fn one_ab_at_a_time() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(|p| p.into_inner())
}

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
    let _turn = one_ab_at_a_time();
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
    let _turn = one_ab_at_a_time();
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
    let _turn = one_ab_at_a_time();
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
    let _turn = one_ab_at_a_time();
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

/// The test executables (no extension) among a slot's release artifacts, by file name.
fn test_executables(slot: &str) -> Vec<(String, PathBuf)> {
    let deps = target_dir()
        .join("perfkit/ab/targets")
        .join(slot)
        .join("release/deps");
    let mut found: Vec<_> = std::fs::read_dir(&deps)
        .unwrap_or_else(|e| panic!("{}: {e}", deps.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name.starts_with("perf-") || name.starts_with("fixture-")) && !name.contains('.')
        })
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    // The slots' target directories outlive a test run, so older builds of the fixture (under
    // other hashes, e.g. from before perfkit's sources changed) may sit beside this one's:
    // compare each target's newest executable, the one this `ab` built.
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).unwrap();
    found.sort_by_key(|(name, p)| (name.split('-').next().unwrap().to_owned(), modified(p)));
    let mut newest: Vec<(String, PathBuf)> = Vec::new();
    for (name, path) in found {
        let target = name.split('-').next().unwrap().to_owned();
        match newest.last_mut() {
            Some(last) if last.0.split('-').next() == Some(&target) => *last = (name, path),
            _ => newest.push((name, path)),
        }
    }
    newest
}

/// An executable as read, with the GNU build ID (a hash of the rest of the file) zeroed, and
/// every `from` replaced by `to` (of the same length).
fn normalised(exe: &Path, from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    // The ELF note's header: name size 4, descriptor size 20, type 3 (NT_GNU_BUILD_ID), "GNU".
    const BUILD_ID: &[u8] = b"\x04\0\0\0\x14\0\0\0\x03\0\0\0GNU\0";
    let mut out = std::fs::read(exe).unwrap();
    if let Some(at) = out.windows(BUILD_ID.len()).position(|w| w == BUILD_ID) {
        let id = at + BUILD_ID.len();
        out[id..id + 20].fill(0);
    }
    let mut i = 0;
    while !from.is_empty() && i + from.len() <= out.len() {
        if &out[i..i + from.len()] == from {
            out[i..i + from.len()].copy_from_slice(to);
            i += from.len();
        } else {
            i += 1;
        }
    }
    out
}

/// Code layout alone moves a benchmark by 10-25%, so the two sides of an A/A comparison must
/// run the same code at the same addresses. The fixture is clean at its last commit, so
/// `ab HEAD` builds the same source twice: the binaries may differ only in the bytes of the
/// slot's path (`worktrees/base` or `worktrees/head`, compiled in by `env!`) and in the build
/// ID that hashes them, not in length or layout.
#[test]
fn ab_of_the_working_tree_against_its_own_commit_builds_the_same_binaries() {
    let _turn = one_ab_at_a_time();
    let s = &*SCENARIO;
    let db = tempfile::tempdir().unwrap();
    let db_path = db.path().join("ab.db").display().to_string();
    let out = s.perfkit(&["ab", "HEAD", "--rounds", "3", "--db", &db_path]);
    assert_eq!(out.code, cargo_perfkit::exit::OK, "{out:#?}");

    let base = test_executables("base");
    let head = test_executables("head");
    let names = |bins: &[(String, PathBuf)]| bins.iter().map(|b| b.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&head), names(&base), "{out:#?}");
    assert!(base.len() >= 2, "the lib's and tests/perf.rs's: {base:?}");
    let slot = |name: &str| {
        let path = target_dir().join("perfkit/ab/worktrees").join(name);
        path.canonicalize().unwrap_or(path).display().to_string()
    };
    let (base_slot, head_slot) = (slot("base"), slot("head"));
    for ((name, b), (_, h)) in base.iter().zip(&head) {
        let b = normalised(b, b"", b"");
        let h = normalised(h, head_slot.as_bytes(), base_slot.as_bytes());
        assert_eq!(h.len(), b.len(), "{name}: the sides' sizes differ");
        if let Some(at) = b.iter().zip(&h).position(|(x, y)| x != y) {
            let around = |v: &[u8]| {
                String::from_utf8_lossy(&v[at.saturating_sub(40)..(at + 40).min(v.len())])
                    .into_owned()
            };
            panic!(
                "{name}: the sides differ at byte {at} of {}, not only in the slot's path:\n\
                 base {:?}\nhead {:?}",
                b.len(),
                around(&b),
                around(&h)
            );
        }
    }
}

/// `ab --metric instructions`: the rounds count under callgrind, and a change of +2% in the
/// work of `slowed` (2 000 → 2 040 multiply-adds), which timing on a shared machine cannot
/// tell from noise, is caught and named, and `steady` is not; three rounds by default.
/// Skips with a printed reason when Valgrind is absent (fails instead under CI).
#[test]
fn ab_on_instruction_counts_catches_a_two_percent_change() {
    if !perfkit::measure::callgrind::available_for_tests() {
        return;
    }
    let _turn = one_ab_at_a_time();
    let s = &*SCENARIO;
    let perf = std::fs::read_to_string(s.path().join("tests/perf.rs")).unwrap();
    let base_text = perf.replace("const FACTOR: u64 = 3;", "const FACTOR: u64 = 1;");
    assert_ne!(
        base_text, perf,
        "the fixture's `slow` commit sets FACTOR = 3"
    );
    let head_text = base_text.replace("2_000 * FACTOR", "2_040 * FACTOR");
    let base = commit_beside_head(s.path(), "tests/perf.rs", &base_text, "counts: base");
    let head = commit_beside_head(s.path(), "tests/perf.rs", &head_text, "counts: +2%");
    let db = tempfile::tempdir().unwrap();
    let db_path = db.path().join("ab.db").display().to_string();
    // The fixture's perfkit.toml sets a 25% threshold for time's sake; counts need their 1%.
    let out = s.perfkit(&[
        "ab",
        &base,
        &head,
        "--metric",
        "instructions",
        "--threshold",
        "1%",
        "--db",
        &db_path,
    ]);
    assert_eq!(out.code, cargo_perfkit::exit::REGRESSION, "{out:#?}");
    let message = failure_message(&out);
    assert!(message.contains(SLOWED), "{out:#?}");
    assert!(!message.contains(STEADY), "{out:#?}");
    assert!(
        out.stderr.contains("round 3/3") && !out.stderr.contains("round 4/"),
        "three rounds for counts: {out:#?}"
    );
    assert!(
        out.stdout.contains("instructions per iteration"),
        "{out:#?}"
    );
    // The rounds recorded counts, not time.
    let store = Store::open(db.path().join("ab.db").as_path()).unwrap();
    assert_eq!(runs_at(&store, &head), 0, "no time recorded: {out:#?}");
    let testbed = &store.testbeds().unwrap()[0].testbed;
    let counted = store.results_at(&head, testbed, "instructions").unwrap();
    assert_eq!(counted.len(), 2 * 3, "two benchmarks in three rounds");
}
