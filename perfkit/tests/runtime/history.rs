//! History and verdicts end to end, on synthetic timings in a temporary git repository: a run
//! at commit A records; a run at commit B finds A as its baseline; a planted 3x slowdown on a
//! gated test is confirmed by a second measurement and fails; unchanged code passes.
//!
//! Each run is a child process (this test binary re-run with an environment variable), because
//! a process keeps one history session and one git view, exactly as `cargo test` does.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use perfkit::__private::{Routine, Spec};
use perfkit::measure::Mode;
use perfkit::{Bencher, History, HistoryConfig, Settings, execute};
use perfkit_store::DbLocation;

const CHILD: &str = "PERFKIT_TEST_HISTORY_CHILD";

static STATE: AtomicU64 = AtomicU64::new(0x2545_F491_4F6C_DD1D);

/// 1 µs per iteration times the factor in the child's environment, with ±1% deterministic
/// noise so the statistics have variance to work with.
fn synthetic(b: &mut Bencher) {
    let factor: f64 = std::env::var("PERFKIT_TEST_FACTOR")
        .map(|f| f.parse().unwrap())
        .unwrap_or(1.0);
    b.iter_custom(|iters| {
        let x = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
        let u = (x >> 11) as f64 / (1u64 << 53) as f64;
        let per_iter = 1000.0 * factor * (0.99 + 0.02 * u);
        Duration::from_nanos((per_iter * iters as f64) as u64)
    });
}

#[test]
#[ignore = "a child process of `baselines_and_gated_regressions`, not a test of its own"]
fn child() {
    let out = PathBuf::from(std::env::var_os(CHILD).expect("run by the parent test"));
    let repo = std::env::var("PERFKIT_TEST_REPO").unwrap();
    let gated = std::env::var("PERFKIT_TEST_GATED").is_ok();
    let mut settings = Settings::isolated(Mode::Full, out.with_file_name("measure.lock"));
    settings.history = History::Record(HistoryConfig {
        db: DbLocation::Sqlite(out.with_file_name("history.db")),
        base: None,
        testbed: Some("synthetic".into()),
    });
    let spec = Spec {
        path: "history::synthetic",
        manifest_dir: Box::leak(repo.into_boxed_str()),
        samples: Some(30),
        regression: gated.then_some(0.05),
        ..Spec::DEFAULT
    };
    let outcome = execute(&spec, Routine::Bencher(synthetic), &settings);
    let report = format!(
        "{}\n--- failure\n{}",
        outcome.text,
        outcome.failure.unwrap_or_default()
    );
    std::fs::write(&out, report).unwrap();
}

fn git(repo: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=perfkit",
            "-c",
            "user.email=perfkit@example.com",
        ])
        .args(args)
        .current_dir(repo)
        .output()
        .expect("git is installed");
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn run_child(dir: &Path, repo: &Path, name: &str, factor: f64, gated: bool) -> String {
    let out = dir.join(name);
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "history::child", "--ignored", "--test-threads=1"])
        .env(CHILD, &out)
        .env("PERFKIT_TEST_REPO", repo)
        .env("PERFKIT_TEST_FACTOR", factor.to_string());
    if gated {
        cmd.env("PERFKIT_TEST_GATED", "1");
    }
    let status = cmd.status().unwrap();
    assert!(status.success(), "child {name} failed");
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn baselines_and_gated_regressions() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["commit", "-q", "--allow-empty", "-m", "A"]);
    let a = git(&repo, &["rev-parse", "--short=7", "HEAD"]);

    let first = run_child(dir.path(), &repo, "a", 1.0, true);
    assert!(first.contains("no baseline yet"), "{first}");
    assert!(first.ends_with("--- failure\n"), "{first}");

    git(
        &repo,
        &[
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "B: planted 3x slowdown",
        ],
    );
    let slow = run_child(dir.path(), &repo, "b-slow", 3.0, true);
    assert!(slow.contains(&format!("baseline: {a} (1 run, ")), "{slow}");
    assert!(
        slow.contains("regression against the baseline: measuring again to confirm"),
        "{slow}"
    );
    assert!(
        slow.contains("confirmation: the second run confirms it"),
        "{slow}"
    );
    assert!(
        slow.contains("perf test `history::synthetic` is significantly slower than its baseline"),
        "{slow}"
    );
    assert!(
        slow.contains("+200."),
        "a 3x slowdown reads as about +200%: {slow}"
    );

    // The same commit again, unchanged code: the baseline is still A (a commit's own clean
    // results are not its baseline), the verdict is unchanged, and the test passes.
    let same = run_child(dir.path(), &repo, "b-same", 1.0, true);
    assert!(same.contains(&format!("baseline: {a} (1 run, ")), "{same}");
    assert!(same.contains("unchanged"), "{same}");
    assert!(same.ends_with("--- failure\n"), "{same}");

    // Ungated, the slowdown is reported but does not fail the test.
    let ungated = run_child(dir.path(), &repo, "b-ungated", 3.0, false);
    assert!(
        ungated.contains("regression") && ungated.ends_with("--- failure\n"),
        "{ungated}"
    );
    assert!(!ungated.contains("measuring again"), "{ungated}");
}

#[test]
fn a_store_that_cannot_be_opened_fails_the_test_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.db");
    let garbage = "this is not a SQLite database, and perfkit must not overwrite it\n".repeat(100);
    std::fs::write(&db, &garbage).unwrap();
    let mut settings = Settings::isolated(Mode::Full, dir.path().join("measure.lock"));
    settings.history = History::Record(HistoryConfig {
        db: DbLocation::Sqlite(db.clone()),
        base: None,
        testbed: None,
    });
    let spec = Spec {
        path: "history::unopenable",
        manifest_dir: env!("CARGO_MANIFEST_DIR"),
        samples: Some(5),
        ..Spec::DEFAULT
    };
    let out = execute(&spec, Routine::Bencher(synthetic), &settings);
    let failure = out.failure.expect("recording cannot succeed");
    assert!(failure.contains(&db.display().to_string()), "{failure}");
    assert!(failure.contains("PERFKIT_RECORD=0"), "{failure}");
    assert_eq!(
        std::fs::read_to_string(&db).unwrap(),
        garbage,
        "the file is left untouched"
    );
}

#[test]
fn a_comparison_records_each_variant_at_each_size() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.db");
    let mut settings = Settings::isolated(Mode::Full, dir.path().join("measure.lock"));
    settings.history = History::Record(HistoryConfig {
        db: DbLocation::Sqlite(db.clone()),
        base: None,
        testbed: Some("synthetic".into()),
    });
    let plan = perfkit::measure::Plan {
        fixed_samples: Some(5),
        min_samples: 5,
        max_samples: 5,
        warmup: Duration::ZERO,
        ..perfkit::measure::Plan::QUICK
    };
    let report = perfkit::Comparison::new("sum")
        .sizes([10, 20, 40])
        .setup(|n| (0..n as u64).collect::<Vec<u64>>())
        .variant("iterator", |v| v.iter().sum::<u64>())
        .variant("loop", |v| {
            let mut s = 0;
            for x in v {
                s += x;
            }
            s
        })
        .plan(plan)
        .settings(settings)
        .run();
    assert_eq!(report.sizes.len(), 3);
    let store = perfkit_store::Store::open(&db).unwrap();
    let recorded: Vec<(String, Vec<u64>, u64)> = store
        .benchmarks()
        .unwrap()
        .into_iter()
        .map(|b| (b.name, b.sizes, b.results))
        .collect();
    assert_eq!(
        recorded,
        vec![
            ("sum/iterator".to_owned(), vec![10, 20, 40], 3),
            ("sum/loop".to_owned(), vec![10, 20, 40], 3),
        ]
    );
}

/// Issue 11.4: a bad `PERFKIT_BASELINE` threw the measurement away (the test failed before
/// recording). Now the result is recorded first, and the failure names the revision.
#[test]
fn a_bad_base_revision_records_first_then_fails_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["commit", "-q", "--allow-empty", "-m", "A"]);
    let db = dir.path().join("history.db");
    let mut settings = Settings::isolated(Mode::Full, dir.path().join("measure.lock"));
    settings.history = History::Record(HistoryConfig {
        db: DbLocation::Sqlite(db.clone()),
        base: Some("no-such-branch".into()),
        testbed: Some("synthetic".into()),
    });
    let spec = Spec {
        path: "history::bad_base",
        manifest_dir: Box::leak(repo.display().to_string().into_boxed_str()),
        samples: Some(5),
        ..Spec::DEFAULT
    };
    let out = execute(&spec, Routine::Bencher(synthetic), &settings);
    let failure = out.failure.expect("a bad base revision fails the test");
    assert!(
        failure.contains("PERFKIT_BASELINE=`no-such-branch`"),
        "{failure}"
    );
    assert!(failure.contains("its result was recorded"), "{failure}");
    let store = perfkit_store::Store::open(&db).unwrap();
    let recorded: Vec<(String, u64)> = store
        .benchmarks()
        .unwrap()
        .into_iter()
        .map(|b| (b.name, b.results))
        .collect();
    assert_eq!(recorded, vec![("history::bad_base".to_owned(), 1)]);
}
