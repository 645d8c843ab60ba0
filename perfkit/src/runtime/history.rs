//! History for perf tests: the baseline a result is compared with, and recording the result.
//!
//! One store, git context, testbed and run per process: every perf test of a test binary adds
//! its results to the same run, so a `cargo test` invocation reads as one run in history.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Mutex;

use perfkit_store::{
    Allocations, Baseline, BaselineQuery, BudgetOutcome, DbLocation, GitContext, Record, RunId,
    Source, Store, StoredSummary, Testbed, Throughput, ThroughputKind, Timestamp,
};

use super::Measurement;
use super::settings::History;
use crate::report::format_ns;
use crate::spec::{self, Spec};
use crate::stats::Summary;

/// What this process keeps open between perf tests.
struct Session {
    location: DbLocation,
    store: Store,
    git: GitContext,
    testbed: Testbed,
    run: Option<RunId>,
}

static SESSION: Mutex<Option<Session>> = Mutex::new(None);

/// What history said about one perf test.
#[derive(Debug, Default)]
pub(crate) struct Said {
    /// Lines to print (baseline, ratios, notes).
    pub text: String,
    /// The baseline's pooled samples per measurement, in the order of the measurements.
    pub baseline_samples: Vec<Option<Vec<f64>>>,
}

/// Looks up the baseline of `spec`'s benchmark, then records `measurements` (unless read-only).
/// An error is the test's failure message: it names the store and the cause.
pub(crate) fn compare_and_record(
    history: &History,
    spec: &Spec,
    measurements: &[Measurement],
) -> Result<Said, String> {
    let (db, base, record) = match history {
        History::Off => return Ok(Said::default()),
        History::Record { db, base } => (db, base.as_deref(), true),
        History::ReadOnly { db, base } => (db, base.as_deref(), false),
    };
    let name = spec.benchmark_name();
    let fail = |what: &str, e: &dyn std::fmt::Display| {
        format!(
            "perf test `{name}`: {what} {db}: {e}\n(set PERFKIT_RECORD=0 to measure without \
             recording, or PERFKIT_DB to use another store)"
        )
    };
    if !record && matches!(db, DbLocation::Sqlite(p) if !p.exists()) {
        return Ok(Said {
            text: "no baseline (no history yet; PERFKIT_RECORD=0: not recording)\n".to_owned(),
            baseline_samples: vec![None; measurements.len()],
        });
    }

    let mut guard = SESSION.lock().unwrap_or_else(|p| p.into_inner());
    let mut said = Said::default();
    if guard.as_ref().is_none_or(|s| &s.location != db) {
        let store = Store::open_location(db).map_err(|e| fail("cannot open history in", &e))?;
        let git = GitContext::discover(Path::new(spec.manifest_dir));
        for note in git.notes() {
            let _ = writeln!(said.text, "perfkit: note: {note}");
        }
        *guard = Some(Session {
            location: db.clone(),
            store,
            git,
            testbed: Testbed::detect(profile(), env!("PERFKIT_RUSTC_VERSION")),
            run: None,
        });
    }
    let session = guard.as_mut().expect("opened above");

    let mut query = BaselineQuery::new(&session.testbed).benchmark(name);
    if let Some(run) = session.run {
        query = query.excluding(run);
    }
    let baseline = session
        .store
        .baseline_for(&session.git, base, &query)
        .map_err(|e| fail("cannot read the baseline from", &e))?;
    describe(&mut said, baseline.as_ref(), name, measurements);

    if record {
        let records: Vec<Record> = measurements.iter().map(|m| to_record(spec, m)).collect();
        match session.run {
            Some(run) => {
                session
                    .store
                    .add_records(run, &records)
                    .map_err(|e| fail("cannot record its result in", &e))?;
            }
            None => {
                let run = perfkit_store::Run::new(
                    &session.git,
                    session.testbed.clone(),
                    env!("CARGO_PKG_VERSION"),
                    Source::PerfTest,
                );
                let recorded = session
                    .store
                    .record_run(&run, &records)
                    .map_err(|e| fail("cannot record its result in", &e))?;
                session.run = Some(recorded.run);
            }
        }
    }
    Ok(said)
}

/// "baseline: 3f2a91c (2 runs, 2 days ago)" and, per measurement, the plain ratio of medians.
fn describe(said: &mut Said, baseline: Option<&Baseline>, name: &str, ms: &[Measurement]) {
    let Some(baseline) = baseline else {
        said.text.push_str("no baseline yet\n");
        said.baseline_samples = vec![None; ms.len()];
        return;
    };
    let _ = writeln!(
        said.text,
        "baseline: {}",
        baseline.describe(Timestamp::now())
    );
    for m in ms {
        let series = baseline.series(name, m.size.map(|n| n as u64));
        let base = series.and_then(|s| Summary::new(&s.samples).ok());
        let label = m.size.map(|n| format!(" (n = {n})")).unwrap_or_default();
        match base {
            Some(b) if b.median > 0.0 => {
                let _ = writeln!(
                    said.text,
                    "  median{label} {} vs {} at baseline: {:.3}x",
                    format_ns(m.summary.median),
                    format_ns(b.median),
                    m.summary.median / b.median
                );
            }
            _ => {
                let _ = writeln!(said.text, "  median{label}: new at this baseline");
            }
        }
        said.baseline_samples
            .push(series.map(|s| s.samples.clone()));
    }
}

fn profile() -> &'static str {
    if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    }
}

fn to_record(spec: &Spec, m: &Measurement) -> Record {
    let s = &m.summary;
    let o = s.outliers;
    let summary = StoredSummary {
        n: s.n as u64,
        mean: s.mean,
        sd: s.sd,
        min: s.min,
        max: s.max,
        median: s.median,
        p90: s.p90,
        p95: s.p95,
        p99: s.p99,
        mad: s.mad,
        mean_ci_lower: s.mean_ci.lower,
        mean_ci_upper: s.mean_ci.upper,
        median_ci_lower: s.median_ci.lower,
        median_ci_upper: s.median_ci.upper,
        outliers: (o.low_severe + o.low_mild + o.high_mild + o.high_severe) as u64,
    };
    let mut record = Record::new(
        spec.benchmark_name(),
        summary,
        m.samples.iters_per_sample,
        m.samples.times_ns.clone(),
    );
    record.size = m.size.map(|n| n as u64);
    record.budgets = m
        .checks
        .iter()
        .map(|c| BudgetOutcome {
            statistic: c.limit.to_string(),
            limit: c.max,
            estimate: c.estimate,
            passed: c.passed(),
        })
        .collect();
    record.allocations = m.samples.allocations.map(|a| Allocations {
        allocs: a.allocs,
        bytes: a.bytes,
    });
    record.throughput = spec.throughput.map(|t| match t {
        spec::Throughput::Bytes(n) => Throughput {
            kind: ThroughputKind::Bytes,
            per_iteration: n,
        },
        spec::Throughput::Elements(n) => Throughput {
            kind: ThroughputKind::Elements,
            per_iteration: n,
        },
    });
    record
}
