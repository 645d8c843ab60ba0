//! One judging path: a perf test's own verdict and `cargo perfkit check` pick the same
//! baseline and reach the same change and verdict on the same history. Before, the runtime
//! and the CLI each selected and pooled on their own (the CLI with `pool.rs`), and could
//! disagree.
//!
//! The perf test runs in child processes (this test binary re-run with an environment
//! variable), one per commit checked out, as `cargo test` would: a process keeps one history
//! session and one git view.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use cargo_perfkit::{Context, exit};
use perfkit::__private::{Routine, Spec};
use perfkit::measure::Mode;
use perfkit::{Bencher, History, HistoryConfig, Settings, execute};
use perfkit_store::{DbLocation, HistoryQuery, Store};
use serde_json::Value;

use crate::support::repository;

const CHILD: &str = "PERFKIT_AGREE_CHILD";
const TESTBED: &str = "agree";
const NAME: &str = "agree::parse";

static STATE: AtomicU64 = AtomicU64::new(0x2545_F491_4F6C_DD1D);

/// 1 µs per iteration times the factor in the environment, with ±1% deterministic noise.
fn synthetic(b: &mut Bencher) {
    let factor: f64 = std::env::var("PERFKIT_AGREE_FACTOR")
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
#[ignore = "a child process of `the_runtime_and_check_pick_the_same_baseline_and_verdict`"]
fn child() {
    let out = PathBuf::from(std::env::var_os(CHILD).expect("run by the parent test"));
    let repo = std::env::var("PERFKIT_AGREE_REPO").unwrap();
    let mut settings = Settings::isolated(Mode::Full, out.with_file_name("measure.lock"));
    settings.history = History::Record(HistoryConfig {
        db: DbLocation::Sqlite(Path::new(&repo).join(".perfkit").join("history.db")),
        base: std::env::var("PERFKIT_AGREE_BASE").ok(),
        testbed: Some(TESTBED.into()),
    });
    let spec = Spec {
        path: NAME,
        manifest_dir: Box::leak(repo.into_boxed_str()),
        samples: Some(30),
        ..Spec::DEFAULT
    };
    let outcome = execute(&spec, Routine::Bencher(synthetic), &settings);
    std::fs::write(&out, &outcome.text).unwrap();
    assert!(outcome.failure.is_none(), "{:?}", outcome.failure);
}

fn checkout(repo: &Path, rev: &str) {
    let status = Command::new("git")
        .args(["checkout", "-q", rev])
        .current_dir(repo)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Runs the perf test once at the commit checked out; returns what it printed.
fn run_test(repo: &Path, out: &Path, factor: f64) -> String {
    run_test_against(repo, out, factor, None)
}

/// As [`run_test`], with `PERFKIT_BASELINE` set to `base`.
fn run_test_against(repo: &Path, out: &Path, factor: f64, base: Option<&str>) -> String {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "agree::child", "--ignored", "--test-threads=1"])
        .env(CHILD, out)
        .env("PERFKIT_AGREE_REPO", repo)
        .env("PERFKIT_AGREE_FACTOR", factor.to_string());
    if let Some(base) = base {
        cmd.env("PERFKIT_AGREE_BASE", base);
    }
    let status = cmd.status().unwrap();
    assert!(status.success(), "the child perf test failed");
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn the_runtime_and_check_pick_the_same_baseline_and_verdict() {
    let p = repository();
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("report.txt");
    // Two runs at the first commit, one at the second (its baseline has replicates), then a
    // planted 1.5x slowdown at the third.
    checkout(p.path(), "HEAD~2");
    run_test(p.path(), &report, 1.0);
    run_test(p.path(), &report, 1.0);
    checkout(p.path(), "main");
    checkout(p.path(), "HEAD~1");
    run_test(p.path(), &report, 1.0);
    run_test(p.path(), &report, 1.0);
    checkout(p.path(), "main");
    let printed = run_test(p.path(), &report, 1.5);

    // What the test judged, as it stored it beside its result.
    let store = Store::open(&p.db).unwrap();
    let testbed = store
        .testbeds()
        .unwrap()
        .into_iter()
        .find(|t| t.testbed.name == TESTBED)
        .unwrap()
        .testbed;
    let head = p.commit("HEAD");
    let along = [head.sha.clone()];
    let points = store
        .history(&HistoryQuery::new(NAME, &testbed).along(&along))
        .unwrap();
    let stored = points[0].record.comparison.clone().expect("judged");

    let db = p.db.display().to_string();
    let argv = [
        "cargo-perfkit",
        "perfkit",
        "check",
        "--format",
        "json",
        "--db",
        &db,
        "--testbed",
        TESTBED,
    ];
    let check = |extra: &[&str]| {
        let (mut ctx, captured) = Context::captured(p.path(), &[]);
        let code = cargo_perfkit::run(argv.iter().chain(extra), &mut ctx);
        let json: Value = serde_json::from_str(&captured.stdout()).expect("JSON");
        (code, json)
    };
    let (code, json) = check(&[]);
    let row = &json["benchmarks"][0];

    let base = p.commit("HEAD~1");
    assert!(
        printed.contains(&format!("baseline: {} (2 runs, ", base.short_sha())),
        "{printed}"
    );
    assert_eq!(json["base"]["commit"]["sha"], Value::from(base.sha.clone()));
    assert_eq!(row["verdict"], Value::from(stored.verdict.clone()));
    assert_eq!(stored.verdict, "regression", "{printed}");
    assert_eq!(code, exit::REGRESSION);
    // Equal up to the last bit that JSON's decimal text keeps (serde_json parses floats to
    // within an ulp).
    let same = |json: &Value, stored: f64| {
        let j = json.as_f64().unwrap();
        assert!(
            (j - stored).abs() <= 1e-12 * stored.abs(),
            "{j} vs {stored}"
        );
    };
    same(&row["ratio"], stored.ratio);
    same(&row["ratio_ci"][0], stored.ratio_ci_lower);
    same(&row["ratio_ci"][1], stored.ratio_ci_upper);
    same(&row["p"], stored.p);
    // The noise source the test printed is the one check reports.
    let noise = row["noise"]["text"].as_str().unwrap();
    assert!(
        printed.contains(&format!("(noise: {noise})")),
        "{printed}\n{noise}"
    );

    // A base revision whose merge-base is the commit itself (`--base main` on main): the
    // runtime took the commit's own earlier run as its baseline while `check` skipped it.
    // Both skip it now.
    let printed = run_test_against(p.path(), &report, 1.5, Some("main"));
    assert!(
        printed.contains(&format!("baseline: {} (2 runs, ", base.short_sha())),
        "{printed}"
    );
    let (_, json) = check(&["--base", "main"]);
    assert_eq!(json["base"]["commit"]["sha"], Value::from(base.sha));
}
