//! Real criterion suites under `perfkit::criterion`: the benchmark suites of `itoa` 1.0.19 and
//! `base64` 0.22.1 (`tests/fixtures/criterion-suites`, as published, with their licences),
//! changed only in their import, built with `cargo bench` in a temporary git repository, then
//! listed, run once in criterion's test mode, and measured with the quick plan. Every
//! benchmark must be listed and recorded under the id criterion gives it, and `cargo perfkit
//! history` must read it.
//!
//! How perfkit's medians compare with criterion's on these suites is measured, not asserted:
//! `scripts/criterion-parity.sh`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use perfkit_store::{Store, ThroughputKind};

use super::quick_start::{check, command, target_dir};

/// The fixtures' suites: directory and bench target.
const SUITES: [(&str, &str); 2] = [("itoa", "bench"), ("base64", "benchmarks")];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/criterion-suites")
}

/// A user's one-line change (two for a suite that imports the macros with `#[macro_use]`).
fn switch_to_perfkit(source: &str) -> String {
    let switched = source
        .replace("use criterion::", "use perfkit::criterion::")
        .replace("extern crate criterion;", "extern crate perfkit;");
    assert!(
        !switched.contains("criterion::{") || switched.contains("perfkit::criterion::{"),
        "the import was not switched"
    );
    switched
}

/// The ids criterion gives itoa's benchmarks, in the order it runs them
/// (`benches/bench.rs`: seven groups, two functions each).
fn itoa_ids() -> Vec<String> {
    let groups = [
        "u64[0]",
        "u64[half]",
        "u64[max]",
        "i16[0]",
        "i16[min]",
        "u128[0]",
        "u128[max]",
    ];
    groups
        .iter()
        .flat_map(|g| ["itoa", "std::fmt"].map(|f| format!("{g}/{f}")))
        .collect()
}

/// The ids criterion gives base64's benchmarks, in order (`benches/benchmarks.rs`: per group,
/// per input size, per function).
fn base64_ids() -> Vec<String> {
    let small = ["3", "50", "100", "500", "3072"];
    let large = ["3145728", "10485760", "31457280"];
    let encode = [
        "encode",
        "encode_display",
        "encode_reuse_buf",
        "encode_slice",
        "encode_reuse_buf_stream",
        "encode_string_stream",
        "encode_string_reuse_buf_stream",
    ];
    let decode = [
        "decode",
        "decode_reuse_buf",
        "decode_slice",
        "decode_stream",
    ];
    let mut ids = Vec::new();
    for (group, sizes, functions) in [
        ("encode_small_input", &small[..], &encode[..]),
        ("encode_large_input", &large[..], &encode[..]),
        ("decode_small_input", &small[..], &decode[..]),
        ("decode_large_input", &large[..], &decode[..]),
    ] {
        for size in sizes {
            for f in functions {
                ids.push(format!("{group}/{f}/{size}"));
            }
        }
    }
    ids
}

/// A workspace of both suites depending on this repository's perfkit, committed to git.
fn workspace(dir: &Path) {
    let perfkit = Path::new(env!("CARGO_MANIFEST_DIR")).join("../perfkit");
    let harness = format!(
        "perfkit = {{ path = {:?} }}",
        perfkit.canonicalize().unwrap()
    );
    std::fs::write(
        dir.join("Cargo.toml"),
        "[workspace]\nmembers = [\"itoa\", \"base64\"]\nresolver = \"2\"\n",
    )
    .unwrap();
    for (suite, bench) in SUITES {
        let from = fixtures().join(suite);
        let to = dir.join(suite);
        std::fs::create_dir_all(to.join("benches")).unwrap();
        std::fs::create_dir_all(to.join("src")).unwrap();
        std::fs::write(to.join("src/lib.rs"), "").unwrap();
        let manifest = std::fs::read_to_string(from.join("Cargo.toml.in")).unwrap();
        std::fs::write(
            to.join("Cargo.toml"),
            manifest.replace("{harness}", &harness),
        )
        .unwrap();
        let source = std::fs::read_to_string(from.join(format!("benches/{bench}.rs"))).unwrap();
        std::fs::write(
            to.join(format!("benches/{bench}.rs")),
            switch_to_perfkit(&source),
        )
        .unwrap();
    }
    // This workspace's lock file pins what its own build compiled, so the shared target
    // directory is reused; only base64's `rand` 0.8 comes from the registry.
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    std::fs::copy(lock, dir.join("Cargo.lock")).unwrap();
    // Cargo rewrites the lock file on the first build: ignored, so the tree stays clean and
    // the results are the commit's.
    std::fs::write(dir.join(".gitignore"), "/.perfkit/\n/Cargo.lock\n").unwrap();
    for args in [
        &["init", "-q", "-b", "main"][..],
        &["add", "-A"],
        &["commit", "-q", "-m", "criterion suites"],
    ] {
        check("git", command("git", dir).args(args).output().unwrap());
    }
}

/// `cargo bench ARGS` in `dir`, recording into `db`; its stdout.
fn cargo_bench(dir: &Path, db: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut cmd = command(cargo, dir);
    cmd.arg("bench").args(args).env("PERFKIT_DB", db);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let what = format!("cargo bench {}", args.join(" "));
    String::from_utf8(check(&what, cmd.output().unwrap()).stdout).unwrap()
}

#[test]
fn real_criterion_suites_run_and_record_under_criterions_ids() {
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir);
    let db = dir.join(".perfkit/history.db");
    let expected: Vec<String> = itoa_ids().into_iter().chain(base64_ids()).collect();

    // `--list`: criterion's format and order, nothing run.
    for (package, ids) in [
        ("itoa-criterion-suite", itoa_ids()),
        ("base64-criterion-suite", base64_ids()),
    ] {
        let listed = cargo_bench(dir, &db, &["-p", package, "--", "--list"], &[]);
        let listed: Vec<&str> = listed.lines().filter(|l| !l.is_empty()).collect();
        let ids: Vec<String> = ids.iter().map(|id| format!("{id}: benchmark")).collect();
        assert_eq!(listed, ids, "{package}");
    }
    let built = started.elapsed();

    // A filter is a regular expression over the ids.
    let filtered = cargo_bench(
        dir,
        &db,
        &["-p", "itoa-criterion-suite", "--", "--list", r"u64\[max\]"],
        &[],
    );
    assert_eq!(
        filtered.lines().collect::<Vec<_>>(),
        ["u64[max]/itoa: benchmark", "u64[max]/std::fmt: benchmark"]
    );

    // Criterion's test mode runs each benchmark once and records nothing.
    let tested = cargo_bench(
        dir,
        &db,
        &["-p", "itoa-criterion-suite", "--", "--test"],
        &[],
    );
    assert_eq!(
        tested.matches("\nSuccess\n").count(),
        itoa_ids().len(),
        "{tested}"
    );
    assert!(!db.exists(), "test mode recorded something");

    let measured = cargo_bench(dir, &db, &[], &[("PERFKIT", "quick")]);
    for id in &expected {
        assert!(
            measured.contains(&format!("perf {id}\n")),
            "no result block for `{id}` in:\n{measured}"
        );
    }
    assert!(
        measured.contains("perfkit: 88 benchmarks measured"),
        "{measured}"
    );

    let store = Store::open_read_only(&db).unwrap();
    let mut recorded: Vec<String> = store
        .benchmarks()
        .unwrap()
        .into_iter()
        .map(|b| b.name)
        .collect();
    recorded.sort();
    let mut want = expected.clone();
    want.sort();
    assert_eq!(recorded, want, "recorded under criterion's ids");
    let runs = store.stored_runs().unwrap();
    assert_eq!(runs.len(), SUITES.len(), "one run per bench binary");
    let records: Vec<_> = runs
        .iter()
        .flat_map(|r| store.run_records(r.id).unwrap())
        .collect();
    let encode = records
        .iter()
        .find(|r| r.benchmark == "encode_small_input/encode/500")
        .unwrap();
    let throughput = encode.throughput.expect("base64 declares byte throughput");
    assert_eq!(
        (throughput.kind, throughput.per_iteration),
        (ThroughputKind::Bytes, 500)
    );
    assert!(
        runs.iter().all(|r| r.run.commit.is_some()),
        "keyed by the commit"
    );

    // The CLI reads them like perf tests, and `run` measures a suite without `--bench`
    // (`cargo test --release --benches`: perfkit's rule for an optimised `cargo test`).
    let target = target_dir().display().to_string();
    let cli = |args: &[&str]| {
        let (mut ctx, out) =
            cargo_perfkit::Context::captured(dir, &[("CARGO_TARGET_DIR", &target)]);
        let mut argv = vec!["cargo-perfkit", "perfkit"];
        argv.extend_from_slice(args);
        let code = cargo_perfkit::run(argv, &mut ctx);
        let (stdout, stderr) = (out.stdout(), out.stderr());
        assert_eq!(code, 0, "cargo perfkit {args:?}:\n{stdout}\n{stderr}");
        stdout
    };
    let history = cli(&["history", "u64[0]/itoa"]);
    assert!(
        history.contains("u64[0]/itoa") && history.contains("criterion suites"),
        "{history}"
    );
    let run = cli(&[
        "run",
        "-p",
        "itoa-criterion-suite",
        "--",
        "--benches",
        r"u64\[0\]",
    ]);
    assert!(run.contains("u64[0]/std::fmt"), "{run}");
    let store = Store::open_read_only(&db).unwrap();
    let results = |name: &str| {
        let b = store.benchmarks().unwrap();
        b.iter().find(|b| b.name == name).map_or(0, |b| b.results)
    };
    assert_eq!(
        results("u64[0]/itoa"),
        2,
        "`cargo perfkit run` recorded it again"
    );
    assert_eq!(results("u64[max]/itoa"), 1, "the filter left it out");

    eprintln!(
        "criterion suites: built after {built:?}, done after {:?}",
        started.elapsed()
    );
}
