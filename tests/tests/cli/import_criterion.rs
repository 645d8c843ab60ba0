//! `cargo perfkit import criterion` on the output of a real criterion run: the imported
//! medians are criterion's own estimates, and the imported benchmarks work with the other
//! commands like perf tests do.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion};
use perfkit_store::{GitContext, HistoryQuery, Store};
use serde_json::Value;

use crate::fixture::perfkit;

/// Runs two tiny benchmarks (one with a numeric parameter) with criterion, writing its
/// output under `out`.
fn run_criterion(out: &Path) {
    let mut c = Criterion::default()
        .output_directory(out)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(50))
        .measurement_time(Duration::from_millis(200))
        .nresamples(1000)
        .without_plots();
    c.bench_function("checksum", |b| {
        b.iter(|| (0..std::hint::black_box(500u64)).fold(0u64, |a, x| a.wrapping_add(x * x)))
    });
    let mut group = c.benchmark_group("sum");
    group.bench_with_input(BenchmarkId::new("iter", 1000), &1000u64, |b, &n| {
        b.iter(|| (0..std::hint::black_box(n)).sum::<u64>())
    });
    group.finish();
    c.final_summary();
}

/// criterion's own median estimate, from `estimates.json`.
fn criterion_median(out: &Path, id_dir: &str) -> f64 {
    let path = out.join(id_dir).join("new").join("estimates.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    v["median"]["point_estimate"].as_f64().unwrap()
}

#[test]
fn imported_medians_equal_criterions_estimates() {
    // The fixture's perf tests measure while this binary's other tests run; a criterion
    // benchmark on the other core made unchanged code read +26.8% there (seen in CI). Let
    // the fixture finish measuring first.
    std::sync::LazyLock::force(&crate::fixture::SCENARIO);
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["commit", "-q", "--allow-empty", "-m", "benchmarks"][..],
    ] {
        let ok = Command::new("git")
            .args(args)
            .current_dir(repo)
            .env("GIT_AUTHOR_NAME", "Ada")
            .env("GIT_AUTHOR_EMAIL", "ada@example.com")
            .env("GIT_COMMITTER_NAME", "Ada")
            .env("GIT_COMMITTER_EMAIL", "ada@example.com")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .status()
            .unwrap();
        assert!(ok.success());
    }
    let out = repo.join("criterion-out");
    run_criterion(&out);

    let db = repo.join("history.db").display().to_string();
    let import = perfkit(
        repo,
        &[
            "import",
            "criterion",
            "criterion-out",
            "--db",
            &db,
            "--format",
            "json",
        ],
    );
    assert_eq!(import.code, 0, "{import:#?}");
    let report: Value = serde_json::from_str(&import.stdout).unwrap();
    assert_eq!(
        report["benchmarks"].as_array().unwrap().len(),
        2,
        "{report}"
    );

    let store = Store::open(Path::new(&db)).unwrap();
    let testbed = store.testbeds().unwrap().remove(0).testbed;
    let head = GitContext::discover(repo).head().unwrap().sha.clone();
    for (name, size, id_dir) in [
        ("checksum", None, "checksum"),
        ("sum/iter", Some(1000), "sum/iter/1000"),
    ] {
        let points = store.history(&HistoryQuery::new(name, &testbed)).unwrap();
        assert_eq!(points.len(), 1, "{name}");
        let p = &points[0];
        assert_eq!(p.record.size, size);
        assert_eq!(p.commit.as_ref().unwrap().sha, head);
        let expected = criterion_median(&out, id_dir);
        let got = p.record.summary.median;
        assert!(
            (got - expected).abs() <= 1e-9 * expected,
            "{name}: imported median {got} ns, criterion's estimate {expected} ns"
        );
        assert_eq!(p.record.samples.len(), 10);
    }
    assert_eq!(store.commits().unwrap()[0].runs, 1, "one import is one run");

    // The imported benchmarks are history like any other.
    let list = perfkit(repo, &["list", "--db", &db]);
    assert!(list.stdout.contains("sum/iter"), "{list:#?}");
    let history = perfkit(repo, &["history", "sum", "--db", &db]);
    assert_eq!(history.code, 0, "{history:#?}");
    assert!(
        history.stdout.contains("sum/iter (n = 1000)"),
        "{history:#?}"
    );
}
