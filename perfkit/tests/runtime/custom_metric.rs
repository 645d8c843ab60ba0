//! A routine's own metric (`b.metric("hit_rate", ...)`) across two commits of a temporary git
//! repository: recorded at each, declared in the store with its unit and direction, and judged
//! in that direction (a hit rate that fell is the regression). Each run is a child process, as
//! in `history`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use perfkit::__private::{Routine, Spec};
use perfkit::measure::Mode;
use perfkit::metric::{Better, MetricInfo};
use perfkit::{Bencher, History, HistoryConfig, Settings, execute};
use perfkit_store::{DbLocation, HistoryQuery, Store};

const CHILD: &str = "PERFKIT_TEST_CUSTOM_METRIC_CHILD";

/// Time unchanged (1 µs ± 1%), a hit rate from the environment reported once per run.
fn cache(b: &mut Bencher) {
    static STATE: AtomicU64 = AtomicU64::new(0x2545_F491_4F6C_DD1D);
    let hit_rate: f64 = std::env::var("PERFKIT_TEST_HIT_RATE")
        .unwrap()
        .parse()
        .unwrap();
    b.metric("hit_rate", hit_rate, "fraction", "higher");
    b.iter_custom(|iters| {
        let x = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
        let u = (x >> 11) as f64 / (1u64 << 53) as f64;
        Duration::from_nanos(((990.0 + 20.0 * u) * iters as f64) as u64)
    });
}

#[test]
#[ignore = "a child process of `a_custom_metric_has_history_and_a_direction`"]
fn child() {
    let out = PathBuf::from(std::env::var_os(CHILD).expect("run by the parent test"));
    let repo = std::env::var("PERFKIT_TEST_REPO").unwrap();
    let mut settings = Settings::isolated(Mode::Full, out.with_file_name("measure.lock"));
    settings.history = History::Record(HistoryConfig {
        db: DbLocation::Sqlite(out.with_file_name("history.db")),
        base: None,
        testbed: Some("synthetic".into()),
    });
    let spec = Spec {
        path: "custom_metric::cache",
        manifest_dir: Box::leak(repo.into_boxed_str()),
        samples: Some(20),
        ..Spec::DEFAULT
    };
    let outcome = execute(&spec, Routine::Bencher(cache), &settings);
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

fn run_child(dir: &Path, repo: &Path, name: &str, hit_rate: f64) -> String {
    let out = dir.join(name);
    let status = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "custom_metric::child",
            "--ignored",
            "--test-threads=1",
        ])
        .env(CHILD, &out)
        .env("PERFKIT_TEST_REPO", repo)
        .env("PERFKIT_TEST_HIT_RATE", hit_rate.to_string())
        .status()
        .unwrap();
    assert!(status.success(), "child {name} failed");
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn a_custom_metric_has_history_and_a_direction() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["commit", "-q", "--allow-empty", "-m", "A"]);
    let a = git(&repo, &["rev-parse", "HEAD"]);
    let first = run_child(dir.path(), &repo, "a", 0.8);
    assert!(
        first.contains(
            "custom_metric::cache  hit_rate  0.8000 fraction  (higher is better; 2 samples"
        ),
        "{first}"
    );
    assert!(first.contains("hit_rate: no baseline yet"), "{first}");

    git(
        &repo,
        &[
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "B: the cache got worse",
        ],
    );
    let b = git(&repo, &["rev-parse", "HEAD"]);
    let second = run_child(dir.path(), &repo, "b", 0.4);
    // Time is unchanged; the hit rate halved, which for a higher-is-better metric is the
    // regression (ungated: reported, not failing).
    assert!(second.contains("hit_rate: baseline: "), "{second}");
    let line = second
        .lines()
        .find(|l| l.contains("vs baseline [hit_rate]"))
        .unwrap_or_else(|| panic!("no hit_rate verdict: {second}"));
    assert!(line.contains("regression"), "{line}");
    assert!(second.ends_with("--- failure\n"), "{second}");

    let store = Store::open(&dir.path().join("history.db")).unwrap();
    assert_eq!(
        store.metric_info("hit_rate").unwrap(),
        MetricInfo::new("hit_rate", "fraction", Better::Higher)
    );
    let testbed = store
        .testbeds()
        .unwrap()
        .into_iter()
        .next()
        .expect("one testbed")
        .testbed;
    let mut query = HistoryQuery::new("custom_metric::cache", &testbed);
    query.metric = "hit_rate";
    let mut points: Vec<(String, f64)> = store
        .history(&query)
        .unwrap()
        .into_iter()
        .map(|p| (p.commit.unwrap().sha, p.record.summary.median))
        .collect();
    // Both commits were made within a second: order them by value, not by author time.
    points.sort_by(|x, y| x.1.total_cmp(&y.1));
    assert_eq!(points, vec![(b, 0.4), (a, 0.8)]);
}

fn builtin_name(b: &mut Bencher) {
    b.metric("time", 1.0, "ns", Better::Lower);
    b.iter(|| 1);
}

fn unknown_direction(b: &mut Bencher) {
    b.metric("hit_rate", 0.5, "fraction", "up");
    b.iter(|| 1);
}

fn two_units(b: &mut Bencher) {
    b.metric("ratio", 0.5, "fraction", "higher");
    b.metric("ratio", 50.0, "%", "higher");
    b.iter(|| 1);
}

/// A misuse of `b.metric` fails the test with what to do, in full and smoke runs alike.
#[test]
fn misused_metrics_fail_the_test() {
    let dir = tempfile::tempdir().unwrap();
    type Form = fn(&mut Bencher);
    let cases: [(Form, &str); 3] = [
        (
            builtin_name,
            "`time` is a metric perfkit measures itself; give your metric another name",
        ),
        (
            unknown_direction,
            "metric `hit_rate`: direction `up` is not \"lower\" or \"higher\"",
        ),
        (
            two_units,
            "metric `ratio` is reported as `fraction`, higher is better and as `%`, higher is \
             better",
        ),
    ];
    for mode in [Mode::Full, Mode::Smoke] {
        let settings = Settings::isolated(mode, dir.path().join("lock"));
        for (routine, message) in cases {
            let spec = Spec {
                path: "custom_metric::misuse",
                samples: Some(5),
                ..Spec::DEFAULT
            };
            let failure = execute(&spec, Routine::Bencher(routine), &settings)
                .failure
                .unwrap_or_else(|| panic!("{message}: not refused in {mode:?}"));
            assert!(
                failure.starts_with("perf test `custom_metric::misuse`: ")
                    && failure.contains(message),
                "{failure}"
            );
        }
    }
}
