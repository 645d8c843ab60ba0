//! Load tests end to end on routines with a planted latency distribution (sleeps) and a
//! planted error share (a counter). Assertions are on the shape of the distribution, never on
//! the machine's speed: a sleep of 1 ms may take longer on a loaded machine, never shorter.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use perfkit::__private::{LoadSpec, Routine, Spec, Stat, TimeBudget};
use perfkit::{Load, Outcome, execute};

const MS: u64 = 1_000_000;

fn sleep_ms(ms: u64) {
    std::thread::sleep(Duration::from_millis(ms));
}

/// Per 100 requests in order: 3 fail at once, 5 take 10 ms, 92 take 1 ms. Of the 97 successes
/// 94.8% take 1 ms, so p50 and p90 are about 1 ms and p95 and p99 about 10 ms.
fn planted(counter: &AtomicU64) -> Result<(), String> {
    match counter.fetch_add(1, Ordering::Relaxed) % 100 {
        0..3 => Err("injected failure".to_owned()),
        3..8 => {
            sleep_ms(10);
            Ok(())
        }
        _ => {
            sleep_ms(1);
            Ok(())
        }
    }
}

fn spec(path: &'static str, load: LoadSpec) -> Spec {
    Spec {
        path,
        warmup_ns: Some(0),
        load: Some(load),
        ..Spec::DEFAULT
    }
}

fn closed(concurrency: u32, requests: u64) -> LoadSpec {
    LoadSpec {
        concurrency: Some(concurrency),
        requests: Some(requests),
        ..LoadSpec::DEFAULT
    }
}

fn metric<'a>(out: &'a Outcome, name: &str) -> &'a perfkit::Measurement {
    out.measurements
        .iter()
        .find(|m| m.metric == name)
        .unwrap_or_else(|| panic!("no {name} measurement in {}", out.text))
}

/// The latency quantile `label` as the block prints it, in ns.
fn printed(out: &Outcome, label: &str) -> f64 {
    let line = out
        .text
        .lines()
        .find(|l| l.trim_start().starts_with("latency"))
        .unwrap();
    let after = line.split(&format!(" {label} ")).nth(1).unwrap();
    let mut words = after.split_whitespace();
    let value: f64 = words.next().unwrap().parse().unwrap();
    let unit = words.next().unwrap();
    value
        * match unit {
            "ns" => 1.0,
            "µs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            other => panic!("unit {other}"),
        }
}

static KNOWN: AtomicU64 = AtomicU64::new(0);

fn known(load: &mut Load) {
    load.run(|| planted(&KNOWN));
}

#[test]
fn percentiles_and_error_rate_match_the_planted_distribution() {
    let dir = tempfile::tempdir().unwrap();
    let out = execute(
        &spec("load::known", closed(4, 2_000)),
        Routine::Load(known),
        &super::full(&dir),
    );
    assert_eq!(out.failure, None, "{}", out.text);
    // Exactly 60 of 2,000 fail: the counter decides, not the machine.
    assert!(
        out.text.contains("2000 in ") && out.text.contains("1940 ok, 60 failed (3.00%)"),
        "{}",
        out.text
    );
    let errors = metric(&out, "error_rate");
    let mean_rate =
        errors.samples.times_ns.iter().sum::<f64>() / errors.samples.times_ns.len() as f64;
    assert!(
        (mean_rate - 0.03).abs() < 0.01,
        "{:?}",
        errors.samples.times_ns
    );
    // Tolerances: a sleep overshoots by scheduling delay (tens of µs quiet, a few ms loaded),
    // so the 1 ms mode reads between 1 and 5 ms and the 10 ms tail between 10 and 60 ms.
    let (p50, p90, p95, p99) = (
        printed(&out, "p50"),
        printed(&out, "p90"),
        printed(&out, "p95"),
        printed(&out, "p99"),
    );
    assert!(
        (1.0 * MS as f64..5.0 * MS as f64).contains(&p50),
        "p50 {p50}\n{}",
        out.text
    );
    assert!(p90 < 10.0 * MS as f64, "p90 {p90}\n{}", out.text);
    assert!(
        (10.0 * MS as f64..60.0 * MS as f64).contains(&p95),
        "p95 {p95}\n{}",
        out.text
    );
    assert!(
        (10.0 * MS as f64..60.0 * MS as f64).contains(&p99),
        "p99 {p99}\n{}",
        out.text
    );
    let latency = metric(&out, "latency");
    assert_eq!(latency.samples.times_ns.len(), 1_940);
    assert_eq!(metric(&out, "throughput").samples.times_ns.len(), 10);
    assert!(
        out.text.contains("error     \"injected failure\" x60"),
        "{}",
        out.text
    );
    assert!(
        out.text.contains("coordinated omission is not corrected"),
        "{}",
        out.text
    );
}

static BROKEN: AtomicU64 = AtomicU64::new(0);

fn broken(load: &mut Load) {
    load.run(|| planted(&BROKEN));
}

#[test]
fn broken_load_budgets_fail_with_statistic_limit_and_excess() {
    let dir = tempfile::tempdir().unwrap();
    static BUDGETS: [TimeBudget; 1] = [TimeBudget {
        stat: Stat::P50,
        limit_ns: 500_000,
    }];
    let spec = Spec {
        budgets: &BUDGETS,
        ..spec(
            "load::broken",
            LoadSpec {
                max_error_rate: Some(0.01),
                min_throughput: Some(1e9),
                ..closed(4, 400)
            },
        )
    };
    let out = execute(&spec, Routine::Load(broken), &super::full(&dir));
    let failure = out.failure.expect("three budgets are broken");
    let lines: Vec<&str> = failure.lines().collect();
    assert_eq!(
        lines[0], "perf test `load::broken` broke 3 budgets:",
        "{failure}"
    );
    assert!(
        lines[1].starts_with("  p50 = ") && lines[1].contains(" exceeds its budget of 500.0 µs (+"),
        "{failure}"
    );
    assert!(
        lines.contains(&"  error_rate = 3.00% exceeds its budget of 1.00% (+200.0% over)"),
        "{failure}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("  throughput = ")
            && l.contains("is below its minimum of 1.000G/s (-")),
        "{failure}"
    );
    assert!(
        out.text
            .contains("budget    error_rate 3.00% <= 1.00%  FAIL"),
        "{}",
        out.text
    );
}

/// The 20th request stalls for 200 ms; the rest take 0.5 ms.
fn stall(counter: &AtomicU64) -> Result<(), String> {
    let i = counter.fetch_add(1, Ordering::Relaxed);
    std::thread::sleep(if i == 20 {
        Duration::from_millis(200)
    } else {
        Duration::from_micros(500)
    });
    Ok(())
}

static OPEN: AtomicU64 = AtomicU64::new(0);
static CLOSED: AtomicU64 = AtomicU64::new(0);

fn open_stall(load: &mut Load) {
    load.run(|| stall(&OPEN));
}

fn closed_stall(load: &mut Load) {
    load.run(|| stall(&CLOSED));
}

#[test]
fn an_open_loop_counts_a_stall_against_the_requests_it_held_back() {
    let dir = tempfile::tempdir().unwrap();
    // 500/s on one worker: ~100 requests fall due during the stall and are sent late; their
    // latency runs from when they were due, so well over 1% of requests wait 100 ms or more.
    let load = LoadSpec {
        rate_per_s: Some(500.0),
        concurrency: Some(1),
        requests: Some(300),
        ..LoadSpec::DEFAULT
    };
    let out = execute(
        &spec("load::open", load),
        Routine::Load(open_stall),
        &super::full(&dir),
    );
    assert_eq!(out.failure, None, "{}", out.text);
    assert!(printed(&out, "p99") >= 150.0 * MS as f64, "{}", out.text);
    assert!(printed(&out, "p90") >= 20.0 * MS as f64, "{}", out.text);
    assert!(!out.text.contains("not corrected"), "{}", out.text);

    // The same stall in a closed loop is one slow request of 300: p99 does not see it.
    let out = execute(
        &spec("load::closed", closed(1, 300)),
        Routine::Load(closed_stall),
        &super::full(&dir),
    );
    assert_eq!(out.failure, None, "{}", out.text);
    assert!(printed(&out, "p99") < 100.0 * MS as f64, "{}", out.text);
    assert!(printed(&out, "max") >= 200.0 * MS as f64, "{}", out.text);
    assert!(
        out.text.contains("coordinated omission is not corrected"),
        "{}",
        out.text
    );
}

static PANICS: AtomicU64 = AtomicU64::new(0);

fn panics(load: &mut Load) {
    load.run(|| -> Result<(), String> {
        if PANICS.fetch_add(1, Ordering::Relaxed) == 50 {
            panic!("boom in request 50");
        }
        sleep_ms(1);
        Ok(())
    });
}

#[test]
fn a_panicking_request_fails_the_test_and_stops_the_other_workers() {
    let dir = tempfile::tempdir().unwrap();
    let load = LoadSpec {
        concurrency: Some(4),
        duration_ns: Some(60_000 * MS),
        ..LoadSpec::DEFAULT
    };
    let started = Instant::now();
    let out = execute(
        &spec("load::panics", load),
        Routine::Load(panics),
        &super::full(&dir),
    );
    // A minute of load was asked for; the panic ends it at once.
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    let failure = out.failure.expect("the panic fails the test");
    assert!(
        failure.starts_with("load test `load::panics`: a request panicked in worker "),
        "{failure}"
    );
    assert!(
        failure.ends_with("of 4: boom in request 50; the other workers were stopped"),
        "{failure}"
    );
    assert!(out.measurements.is_empty());
}

/// A port nothing listens on: bound, then closed.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn server_down(load: &mut Load) {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], closed_port()));
    let timeout = load.timeout();
    load.run(move || std::net::TcpStream::connect_timeout(&addr, timeout).map(drop));
}

#[test]
fn a_server_that_is_down_gives_an_error_rate_of_100_percent_and_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let load = LoadSpec {
        max_error_rate: Some(0.01),
        timeout_ns: Some(500 * MS),
        ..closed(4, 200)
    };
    let out = execute(
        &spec("load::down", load),
        Routine::Load(server_down),
        &super::full(&dir),
    );
    let failure = out.failure.expect("every request fails");
    assert!(
        failure.starts_with("load test `load::down`: every request failed (200 of 200, error rate 100%); the first error: \"Connection refused"),
        "{failure}"
    );
    assert!(failure.contains("Is the service up"), "{failure}");
    assert!(
        failure.contains("error_rate = 100.00% exceeds its budget of 1.00%"),
        "{failure}"
    );
    assert!(out.measurements.iter().all(|m| m.metric != "latency"));
}

fn never_runs(_: &mut Load) {}

#[test]
fn a_load_test_that_never_calls_run_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = execute(
        &spec("load::never", closed(1, 1)),
        Routine::Load(never_runs),
        &super::full(&dir),
    );
    assert!(
        out.failure
            .unwrap()
            .contains("never called `load.run(...)`")
    );
}

#[cfg(feature = "tokio")]
mod tokio {
    use super::*;

    fn hangs(load: &mut Load) {
        load.run_async(std::future::pending::<Result<(), String>>);
    }

    #[test]
    fn an_async_request_is_cancelled_at_the_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let load = LoadSpec {
            timeout_ns: Some(100 * MS),
            ..closed(8, 16)
        };
        let started = Instant::now();
        let out = execute(
            &spec("load::hangs", load),
            Routine::Load(hangs),
            &super::super::full(&dir),
        );
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
        let failure = out.failure.expect("every request times out");
        assert!(
            failure.contains("every request failed (16 of 16"),
            "{failure}"
        );
        assert!(
            failure.contains("the first error: \"timed out after 100ms\""),
            "{failure}"
        );
    }

    async fn sleeps_a_millisecond() {
        ::tokio::time::sleep(Duration::from_millis(1)).await;
    }

    /// An `async fn` perf test: each iteration is the whole future, on a Tokio runtime.
    #[test]
    fn an_async_fn_is_timed_per_future() {
        let dir = tempfile::tempdir().unwrap();
        let spec = Spec {
            path: "async::sleeps",
            samples: Some(20),
            ..Spec::DEFAULT
        };
        let routine = Routine::Async(|| perfkit::__private::boxed(sleeps_a_millisecond()));
        let out = execute(&spec, routine, &super::super::full(&dir));
        assert_eq!(out.failure, None, "{}", out.text);
        // A sleep is never shorter than asked: each iteration took at least 1 ms.
        assert!(out.measurements[0].summary.min >= 1e6, "{}", out.text);
    }

    static ASYNC: AtomicU64 = AtomicU64::new(0);

    fn planted_async(load: &mut Load) {
        load.run_async(|| async {
            match ASYNC.fetch_add(1, Ordering::Relaxed) % 100 {
                0..3 => Err("injected failure"),
                3..8 => {
                    ::tokio::time::sleep(Duration::from_millis(10)).await;
                    Ok(())
                }
                _ => {
                    ::tokio::time::sleep(Duration::from_millis(1)).await;
                    Ok(())
                }
            }
        });
    }

    #[test]
    fn async_routines_give_the_same_distribution() {
        let dir = tempfile::tempdir().unwrap();
        let out = execute(
            &spec("load::async", closed(16, 2_000)),
            Routine::Load(planted_async),
            &super::super::full(&dir),
        );
        assert_eq!(out.failure, None, "{}", out.text);
        assert!(
            out.text.contains("1940 ok, 60 failed (3.00%)"),
            "{}",
            out.text
        );
        assert!(printed(&out, "p50") < 5.0 * MS as f64, "{}", out.text);
        assert!(printed(&out, "p99") >= 10.0 * MS as f64, "{}", out.text);
    }
}

static RECORDED: AtomicU64 = AtomicU64::new(0);

fn recorded(load: &mut Load) {
    load.run(|| planted(&RECORDED));
}

#[test]
fn a_load_test_records_latency_throughput_and_error_rate() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.db");
    let mut settings = super::full(&dir);
    settings.history = perfkit::History::Record(perfkit::HistoryConfig {
        db: perfkit_store::DbLocation::Sqlite(db.clone()),
        base: None,
        testbed: Some("synthetic".into()),
    });
    let load = LoadSpec {
        max_error_rate: Some(0.05),
        ..closed(4, 500)
    };
    let spec = Spec {
        manifest_dir: Box::leak(dir.path().display().to_string().into_boxed_str()),
        ..spec("load::recorded", load)
    };
    let out = execute(&spec, Routine::Load(recorded), &settings);
    assert_eq!(out.failure, None, "{}", out.text);
    let store = perfkit_store::Store::open(&db).unwrap();
    let runs = store.stored_runs().unwrap();
    assert_eq!(runs.len(), 1);
    let records = store.run_records(runs[0].id).unwrap();
    let mut metrics: Vec<(&str, usize)> = records
        .iter()
        .map(|r| (r.metric.as_str(), r.samples.len()))
        .collect();
    metrics.sort();
    // 485 successes of 500 (15 injected failures); ten windows of throughput and error rate.
    assert_eq!(
        metrics,
        [("error_rate", 10), ("latency", 485), ("throughput", 10)]
    );
    let budgets: Vec<&str> = records
        .iter()
        .flat_map(|r| &r.budgets)
        .map(|b| b.statistic.as_str())
        .collect();
    assert_eq!(budgets, ["error_rate"]);
    assert!(out.text.contains("no baseline yet"), "{}", out.text);
}

/// Reports exactly 10 µs per iteration.
fn ten_micros(b: &mut perfkit::Bencher) {
    b.iter_custom(|iters| Duration::from_nanos(10_000 * iters));
}

static FROM_FILE: AtomicU64 = AtomicU64::new(0);

fn from_file(load: &mut Load) {
    load.run(|| planted(&FROM_FILE));
}

#[test]
fn budgets_from_perfkit_toml_apply_and_the_attribute_wins() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = super::full(&dir);
    settings.budgets = vec![perfkit::FileBudget {
        benchmark: "file::*".into(),
        time: vec![
            TimeBudget {
                stat: Stat::Mean,
                limit_ns: 8_000,
            },
            TimeBudget {
                stat: Stat::Median,
                limit_ns: 5_000,
            },
        ],
        max_error_rate: Some(0.01),
        min_throughput: None,
    }];
    // The file's mean budget applies; its median budget gives way to the attribute's.
    static OWN: [TimeBudget; 1] = [TimeBudget {
        stat: Stat::Median,
        limit_ns: 20_000,
    }];
    let timed = Spec {
        path: "file::timed",
        budgets: &OWN,
        ..Spec::DEFAULT
    };
    let out = execute(&timed, Routine::Bencher(ten_micros), &settings);
    assert_eq!(
        out.failure.as_deref(),
        Some(
            "perf test `file::timed` broke 1 budget:\n  mean = 10.00 µs exceeds its budget of \
             8.000 µs (+25.0% over)"
        ),
        "{}",
        out.text
    );
    // A load test takes the file's error-rate budget.
    let out = execute(
        &spec("file::load", closed(2, 200)),
        Routine::Load(from_file),
        &settings,
    );
    let failure = out.failure.expect("3% errors break the file's 1%");
    assert!(
        failure.contains("error_rate = 3.00% exceeds its budget of 1.00%"),
        "{failure}"
    );
}

#[cfg(not(feature = "tokio"))]
#[test]
fn an_async_fn_without_the_tokio_feature_says_how_to_enable_it() {
    async fn nothing() {}
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec {
        path: "async::no_feature",
        ..Spec::DEFAULT
    };
    let routine = Routine::Async(|| perfkit::__private::boxed(nothing()));
    let failure = execute(&spec, routine, &super::full(&dir)).failure.unwrap();
    assert!(
        failure.contains("enable perfkit's `tokio` feature"),
        "{failure}"
    );
}
