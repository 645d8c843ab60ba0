//! The commands' side of the one judging path: which runs are the head, then the store's
//! baseline rule and the series' history, then [`perfkit::sides::judge_runs`]. `run`,
//! `compare` and `check` come through here; the perf-test runtime makes the same three calls,
//! so a test's own line and the commands judge the same runs the same way.

use std::collections::BTreeMap;

use perfkit::compare::{VerdictRule, noise_prior};
use perfkit::sides::{Fdr, HISTORY_COMMITS, Judged, judge_runs};
use perfkit_store::{
    BaselineQuery, Commit, CommitRuns, DEFAULT_METRIC, GitContext, HeadRuns, HistoryPoint, Record,
    SeriesKey, SeriesRuns, Store, Testbed,
};

use crate::error::CliError;

/// A head judged against its baseline.
#[derive(Debug, Clone)]
pub struct Judging {
    /// The metric judged (the head's runs are of it, and so is every base).
    pub metric: String,
    /// The baseline side, if there is one.
    pub base: Option<CommitRuns>,
    /// The side judged.
    pub head: CommitRuns,
    /// Benchmarks of the head that the baseline commit lacks, judged against their own
    /// nearest baseline by the same rule (as their perf tests are): the commit each came from.
    pub elsewhere: BTreeMap<String, Commit>,
    /// Earlier commits whose runs were offered to the judge as a series' history (the most
    /// any benchmark had).
    pub history_commits: usize,
    /// One per series, by name then size.
    pub rows: Vec<Judged>,
}

/// Where the base of a judging comes from.
#[derive(Debug, Clone)]
pub enum Base<'a> {
    /// The store's rule, per benchmark as the perf tests select it, bounded by the merge-base
    /// with this revision (`--base`, `PERFKIT_BASELINE`) when given.
    Selected(Option<&'a str>),
    /// A commit the user named: its clean runs, whatever they hold.
    Named(CommitRuns),
}

impl Judging {
    /// Judges `head` (runs of `metric`) against its base, each benchmark with its history
    /// before its base; with `missing`, series only the base has are listed as missing.
    pub fn new(
        store: &Store,
        git: &GitContext,
        testbed: &Testbed,
        head: CommitRuns,
        base: Base<'_>,
        missing: bool,
        (metric, rule, fdr): (&str, &VerdictRule, Fdr),
    ) -> Result<Judging, CliError> {
        let (base, base_rev) = match base {
            Base::Named(runs) => (Some(runs), None),
            Base::Selected(rev) => (
                baseline(store, git, testbed, &head, rev, metric)?,
                Some(rev),
            ),
        };
        // Per benchmark: its base commit and series. A benchmark the baseline commit lacks
        // takes its own nearest baseline, as its perf test does (one filtered run must not
        // make the rest "new" for the commands while the tests judge them).
        let mut base_series: Vec<SeriesRuns> = base.iter().flat_map(|b| b.series.clone()).collect();
        let mut base_of: BTreeMap<String, String> = base
            .iter()
            .flat_map(|b| {
                b.series
                    .iter()
                    .map(|s| (s.key.benchmark.clone(), b.commit.sha.clone()))
            })
            .collect();
        let mut elsewhere = BTreeMap::new();
        if let (Some(rev), Some(_)) = (base_rev, &base) {
            let mut lacking: Vec<&str> = head
                .series
                .iter()
                .map(|s| s.key.benchmark.as_str())
                .filter(|name| !base_of.contains_key(*name))
                .collect();
            lacking.dedup();
            for name in lacking {
                let query = BaselineQuery::new(testbed).benchmark(name).metric(metric);
                let own = store.baseline_for(git, Some(&head.commit), head.dirty, rev, &query)?;
                if let Some(own) = own {
                    base_of.insert(name.to_owned(), own.commit.sha.clone());
                    elsewhere.insert(name.to_owned(), own.commit);
                    base_series.extend(own.series);
                }
            }
        }
        // Each benchmark's own history before its own base, as a perf test reads it (its
        // nearest commits with results of it), so that the test and the commands offer the
        // judge the same runs. Concatenated: each entry holds one benchmark, and the judge
        // looks up its own.
        let mut history = Vec::new();
        let mut history_commits = 0;
        for (name, sha) in &base_of {
            let query = BaselineQuery::new(testbed).benchmark(name).metric(metric);
            let earlier = store.history_before(git, sha, HISTORY_COMMITS, &query)?;
            history_commits = history_commits.max(earlier.len());
            history.extend(earlier);
        }
        let rows = judge_runs(
            &head.series,
            base.is_some().then_some(&base_series[..]),
            &history,
            missing,
            rule,
            &noise_prior(metric),
            fdr,
        );
        Ok(Judging {
            metric: metric.to_owned(),
            base,
            head,
            elsewhere,
            history_commits,
            rows,
        })
    }
}

/// The commit a revision names (`None`: the current commit), or an error saying what to do.
pub fn resolve(git: &GitContext, rev: Option<&str>) -> Result<Commit, CliError> {
    match rev {
        Some(rev) => Ok(git.resolve(rev)?),
        None => git.head().cloned().ok_or_else(|| {
            CliError::usage(format!(
                "there is no current commit to look at ({}); run inside a git repository with \
                 at least one commit",
                git.note().unwrap_or_else(|| "HEAD is unknown".to_owned())
            ))
        }),
    }
}

/// The results standing for the commit `rev` names (`None`: the current commit), or an error
/// saying how to get some. For the current commit on a dirty tree, the working tree's
/// uncommitted results (the newest dirty run) when there are some; else its clean runs.
pub fn head(
    store: &Store,
    git: &GitContext,
    testbed: &Testbed,
    rev: Option<&str>,
    metric: &str,
) -> Result<CommitRuns, CliError> {
    let (commit, points) = head_points(store, git, testbed, rev, metric)?;
    Ok(CommitRuns::from_points(commit, &points).expect("head_points returns some"))
}

/// The stored results that [`head`] groups into runs, for commands that also show what each
/// result recorded beside its samples (budgets, allocations).
pub fn head_points(
    store: &Store,
    git: &GitContext,
    testbed: &Testbed,
    rev: Option<&str>,
    metric: &str,
) -> Result<(Commit, Vec<HistoryPoint>), CliError> {
    let commit = resolve(git, rev)?;
    let all = store.results_at(&commit.sha, testbed, metric)?;
    let mut points = Vec::new();
    if rev.is_none() && git.dirty() {
        points = HeadRuns::NewestDirty.select(all.clone());
    }
    if points.is_empty() {
        points = HeadRuns::Clean.select(all);
    }
    if points.is_empty() {
        // Counts are recorded only by runs that ask for them.
        let (of, flag) = match metric {
            DEFAULT_METRIC => (String::new(), String::new()),
            m => (format!(" of {m}"), format!(" --metric {m}")),
        };
        return Err(CliError::usage(format!(
            "no results{of} at {} ({}) on testbed `{}`: run `cargo perfkit run{flag}` at that \
             commit first",
            commit.short_sha(),
            commit.summary,
            testbed.name
        )));
    }
    Ok((commit, points))
}

/// The baseline of `head` by the store's one rule (as the perf tests select it), with
/// `base_rev` as the revision whose merge-base bounds it. `None` when no earlier commit has
/// results.
fn baseline(
    store: &Store,
    git: &GitContext,
    testbed: &Testbed,
    head: &CommitRuns,
    base_rev: Option<&str>,
    metric: &str,
) -> Result<Option<CommitRuns>, CliError> {
    let query = BaselineQuery::new(testbed).metric(metric);
    Ok(store.baseline_for(git, Some(&head.commit), head.dirty, base_rev, &query)?)
}

/// One series at the head, for documents that describe it rather than judge it (`baseline`,
/// `export --format bmf`): the samples of all its runs together (percentiles of everything
/// measured), and what the newest run recorded beside them.
#[derive(Debug, Clone)]
pub struct Described {
    /// Every sample of every run, oldest run first.
    pub samples: Vec<f64>,
    /// How many runs.
    pub runs: usize,
    /// The newest run's record (budgets, allocations, throughput).
    pub newest: Record,
}

/// The current commit's head (as [`head`] selects it), per series, described: its time.
pub fn describe_head(
    store: &Store,
    git: &GitContext,
    testbed: &Testbed,
) -> Result<(CommitRuns, BTreeMap<SeriesKey, Described>), CliError> {
    describe_head_metric(store, git, testbed, DEFAULT_METRIC)
}

/// [`describe_head`] for the results of `metric`.
pub fn describe_head_metric(
    store: &Store,
    git: &GitContext,
    testbed: &Testbed,
    metric: &str,
) -> Result<(CommitRuns, BTreeMap<SeriesKey, Described>), CliError> {
    let (commit, points) = head_points(store, git, testbed, None, metric)?;
    let runs = CommitRuns::from_points(commit, &points).expect("head_points returns some");
    let mut described: BTreeMap<SeriesKey, Described> = BTreeMap::new();
    let mut points = points;
    points.sort_by_key(|p| (p.started_at, p.run, p.result));
    for p in points {
        let key = SeriesKey::new(p.record.benchmark.clone(), p.record.size);
        match described.get_mut(&key) {
            Some(d) => {
                d.samples.extend_from_slice(&p.record.samples);
                d.runs += 1;
                d.newest = p.record;
            }
            None => {
                let d = Described {
                    samples: p.record.samples.clone(),
                    runs: 1,
                    newest: p.record,
                };
                described.insert(key, d);
            }
        }
    }
    Ok((runs, described))
}
