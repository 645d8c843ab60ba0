//! History for perf tests: the baseline a result is compared with (and the series' history
//! before it), and recording the result.
//!
//! One store, git context, testbed and run per process: every perf test of a test binary adds
//! its results to the same run, so a `cargo test` invocation reads as one run in history.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use perfkit_store::{
    Allocations, BaselineQuery, BudgetOutcome, CommitRuns, DbLocation, GitContext, Machine,
    ProfileKey, Record, RunId, Source, Store, StoreError, StoredComparison, StoredProfile,
    StoredSummary, Testbed, Throughput, ThroughputKind,
};

use super::Measurement;
use super::settings::{self, History};
use crate::compare::Change;
use crate::sides::HISTORY_COMMITS;
use crate::spec::{self, Spec};
use crate::stats::Summary;

/// What history needs to know about the benchmark whose results it keeps.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Series<'a> {
    /// What measured it, for messages: `perf test` or `comparison`.
    pub kind: &'static str,
    /// The benchmark's name in history.
    pub name: &'a str,
    /// The directory of the crate that measured it (for the git repository and workspace).
    pub manifest_dir: &'a str,
    /// Work per iteration, when declared.
    pub throughput: Option<spec::Throughput>,
    /// The metric whose baseline is read ([`perfkit_store::DEFAULT_METRIC`] unless counting).
    pub metric: &'a str,
}

impl<'a> Series<'a> {
    /// The series of a perf test.
    pub fn of(spec: &'a Spec) -> Series<'a> {
        Series {
            kind: "perf test",
            name: spec.benchmark_name(),
            manifest_dir: spec.manifest_dir,
            throughput: spec.throughput,
            metric: perfkit_store::DEFAULT_METRIC,
        }
    }

    /// The same benchmark's series of `metric`.
    pub fn of_metric(self, metric: &'a str) -> Series<'a> {
        Series { metric, ..self }
    }
}

/// What this process keeps open between perf tests.
struct Session {
    location: DbLocation,
    store: Store,
    git: GitContext,
    testbed: Testbed,
    run: Option<RunId>,
}

static SESSION: Mutex<Option<Session>> = Mutex::new(None);

/// History opened for one perf test.
pub(crate) struct Opened {
    guard: MutexGuard<'static, Option<Session>>,
    store: settings::HistoryConfig,
    record: bool,
    /// Notes to print once (what git could not determine), empty after the first test.
    pub notes: String,
}

/// Opens history as `history` asks; `Ok(None)` when there is nothing to read or write (history
/// off, or read-only with no store yet). An error is the test's failure message.
pub(crate) fn open(history: &History, spec: Series<'_>) -> Result<Option<Opened>, String> {
    let (store, record) = match history {
        History::Off => return Ok(None),
        History::Record(store) => (store, true),
        History::ReadOnly(store) => (store, false),
    };
    if !record && matches!(&store.db, DbLocation::Sqlite(p) if !p.exists()) {
        return Ok(None);
    }
    let mut guard = SESSION.lock().unwrap_or_else(|p| p.into_inner());
    let mut notes = String::new();
    if guard.as_ref().is_none_or(|s| s.location != store.db) {
        let opened = if record {
            Store::open_location(&store.db)
        } else {
            Store::open_location_read_only(&store.db)
        };
        let opened = opened.map_err(|e| failure(spec, "cannot open history in", &store.db, &e))?;
        let git = GitContext::discover(Path::new(spec.manifest_dir));
        for note in git.notes() {
            let _ = writeln!(notes, "perfkit: note: {note}");
        }
        let testbed = Testbed::new(
            Machine::detect(),
            env!("PERFKIT_RUSTC_VERSION"),
            if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            },
            store.testbed.as_deref(),
        );
        *guard = Some(Session {
            location: store.db.clone(),
            store: opened,
            git,
            testbed,
            run: None,
        });
    }
    Ok(Some(Opened {
        guard,
        store: store.clone(),
        record,
        notes,
    }))
}

/// Records measurements that are not compared with a baseline (the variants of a
/// [`crate::Comparison`]), unless history is off or read-only.
pub(crate) fn record_series(
    history: &History,
    series: Series<'_>,
    measurements: &[Measurement],
) -> Result<(), String> {
    match open(history, series)? {
        Some(mut opened) => opened.record(series, measurements, &[]),
        None => Ok(()),
    }
}

impl Opened {
    fn session(&mut self) -> &mut Session {
        self.guard.as_mut().expect("opened by `open`")
    }

    /// The baseline of `spec`'s benchmark by DESIGN.md's rule (never this process's own run),
    /// with the series' history before it (the judge's noise source when no commit has
    /// replicate runs): the same selection `cargo perfkit check` makes. An error is the test's
    /// failure message, to give after recording: a bad base revision must not lose the result.
    pub(crate) fn baseline(
        &mut self,
        spec: Series<'_>,
    ) -> Result<Option<(CommitRuns, Vec<CommitRuns>)>, String> {
        let base = self.store.base.clone();
        let db = self.store.db.clone();
        let s = self.session();
        let mut query = BaselineQuery::new(&s.testbed)
            .benchmark(spec.name)
            .metric(spec.metric);
        if let Some(run) = s.run {
            query = query.excluding(run);
        }
        let found = s
            .store
            .baseline_for(&s.git, s.git.head(), s.git.dirty(), base.as_deref(), &query)
            .map_err(|e| match (&e, &base) {
                (
                    StoreError::UnknownRevision { .. } | StoreError::NoMergeBase { .. },
                    Some(rev),
                ) => bad_base(spec, rev, &e),
                _ => failure(spec, "cannot read the baseline from", &db, &e),
            })?;
        let Some(baseline) = found else {
            return Ok(None);
        };
        let earlier = s
            .store
            .history_before(&s.git, &baseline.commit.sha, HISTORY_COMMITS, &query)
            .map_err(|e| failure(spec, "cannot read the history from", &db, &e))?;
        Ok(Some((baseline, earlier)))
    }

    /// Records `measurements` with their comparisons (unless read-only).
    pub(crate) fn record(
        &mut self,
        spec: Series<'_>,
        measurements: &[Measurement],
        comparisons: &[Option<Change>],
    ) -> Result<(), String> {
        if !self.record {
            return Ok(());
        }
        let db = self.store.db.clone();
        let records: Vec<Record> = measurements
            .iter()
            .zip(comparisons.iter().chain(std::iter::repeat(&None)))
            .map(|(m, c)| to_record(spec, m, c.as_ref()))
            .collect();
        let s = self.session();
        // A user's metric is described before its first result, so every reader of the store
        // (history, check, report) reads it in its unit and direction.
        if let Some(info) = super::custom::declared(spec.metric) {
            s.store
                .declare_metric(&info)
                .map_err(|e| failure(spec, "cannot declare its metric in", &db, &e))?;
        }
        match s.run {
            Some(run) => {
                s.store
                    .add_records(run, &records)
                    .map_err(|e| failure(spec, "cannot record its result in", &db, &e))?;
            }
            None => {
                let run = perfkit_store::Run::new(
                    &s.git,
                    s.testbed.clone(),
                    env!("CARGO_PKG_VERSION"),
                    Source::PerfTest,
                );
                let recorded = s
                    .store
                    .record_run(&run, &records)
                    .map_err(|e| failure(spec, "cannot record its result in", &db, &e))?;
                s.run = Some(recorded.run);
            }
        }
        Ok(())
    }
}

/// Keeps `profile` with the result of `series` at `size` that this process recorded last,
/// unless history is off or read-only (or nothing was recorded).
pub(crate) fn record_profile(
    history: &History,
    series: Series<'_>,
    size: Option<usize>,
    profile: &StoredProfile,
) -> Result<(), String> {
    let Some(mut opened) = open(history, series)? else {
        return Ok(());
    };
    if !opened.record {
        return Ok(());
    }
    let db = opened.store.db.clone();
    let s = opened.session();
    let Some(run) = s.run else {
        return Ok(());
    };
    let key = ProfileKey {
        benchmark: series.name,
        size: size.map(|n| n as u64),
    };
    s.store
        .set_profile(run, key, profile)
        .map_err(|e| failure(series, "cannot record its profile in", &db, &e))
}

/// The commit this process's results are recorded under, when history is open: the
/// directory name of its profiles.
pub(crate) fn head_commit(history: &History, series: Series<'_>) -> Option<perfkit_store::Commit> {
    let opened = open(history, series).ok()??;
    opened.guard.as_ref()?.git.head().cloned()
}

/// The failure of a test whose base revision (`PERFKIT_BASELINE`) cannot be used.
fn bad_base(spec: Series<'_>, rev: &str, e: &StoreError) -> String {
    format!(
        "{} `{}`: its result was recorded, but it has no baseline: the base revision \
         PERFKIT_BASELINE=`{rev}` cannot be used: {e}\n(give a branch, tag or commit of this \
         repository, e.g. PERFKIT_BASELINE=main or `cargo perfkit run --base main`, or unset it)",
        spec.kind, spec.name
    )
}

fn failure(spec: Series<'_>, what: &str, db: &DbLocation, e: &dyn std::fmt::Display) -> String {
    format!(
        "{} `{}`: {what} {db}: {e}\n(set PERFKIT_RECORD=0 to measure without recording, or \
         PERFKIT_DB to use another store)",
        spec.kind, spec.name
    )
}

/// The store keeps summaries as plain numbers (it depends on no perfkit crate).
impl From<&Summary> for StoredSummary {
    fn from(s: &Summary) -> StoredSummary {
        StoredSummary {
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
            outliers: s.outliers.total() as u64,
        }
    }
}

fn to_record(spec: Series<'_>, m: &Measurement, comparison: Option<&Change>) -> Record {
    let mut record = Record::new(
        spec.name,
        StoredSummary::from(&m.summary),
        m.samples.iters_per_sample,
        m.samples.times_ns.clone(),
    );
    record.size = m.size.map(|n| n as u64);
    m.metric.clone_into(&mut record.metric);
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
    record.comparison = comparison.map(|c| StoredComparison {
        ratio: c.ratio,
        ratio_ci_lower: c.ratio_ci.lower,
        ratio_ci_upper: c.ratio_ci.upper,
        p: c.p,
        verdict: c.verdict.to_string(),
    });
    record
}
