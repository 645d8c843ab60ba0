//! Results pooled per series: what one commit measured, as the comparisons use it.
//!
//! A commit's results are all its clean runs pooled, as for a baseline (DESIGN.md,
//! "History"). Only when a commit has no clean results and the tree has uncommitted changes
//! does the newest dirty run stand in for it, and the output says so.

use std::collections::BTreeMap;
use std::fmt;

use perfkit_store::{
    Baseline, BaselineQuery, Commit, GitContext, HistoryPoint, Record, Store, Testbed, Timestamp,
    candidates,
};

use crate::error::CliError;

/// One benchmark at one size: one line of history.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SeriesKey {
    /// The benchmark's name.
    pub benchmark: String,
    /// The input size of a sized test.
    pub size: Option<u64>,
}

impl SeriesKey {
    /// The key of a stored record.
    pub fn of(record: &Record) -> SeriesKey {
        SeriesKey {
            benchmark: record.benchmark.clone(),
            size: record.size,
        }
    }
}

impl fmt::Display for SeriesKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.benchmark)?;
        if let Some(n) = self.size {
            write!(f, " (n = {n})")?;
        }
        Ok(())
    }
}

/// One series' samples at one commit, over all the runs pooled.
#[derive(Debug, Clone, Default)]
pub struct Pooled {
    /// Runs that contributed.
    pub runs: usize,
    /// Their per-iteration samples, oldest run first.
    pub samples: Vec<f64>,
    /// The newest run's record (budgets, allocations, throughput), when known.
    pub newest: Option<Record>,
}

/// What one commit measured on one testbed.
#[derive(Debug, Clone)]
pub struct Side {
    /// The commit; `None` for results recorded without one.
    pub commit: Option<Commit>,
    /// Runs pooled.
    pub runs: usize,
    /// Whether these are results of uncommitted changes.
    pub dirty: bool,
    /// When the newest pooled run started.
    pub newest_run: Timestamp,
    /// Per series, by name then size.
    pub series: BTreeMap<SeriesKey, Pooled>,
}

impl Side {
    /// Pools `points` (each run's results) under `commit`; `None` when there are none.
    pub fn from_points(commit: Option<Commit>, points: Vec<HistoryPoint>) -> Option<Side> {
        let newest_run = points.iter().map(|p| p.started_at).max()?;
        let mut runs = Vec::new();
        let mut series: BTreeMap<SeriesKey, (Vec<_>, Pooled)> = BTreeMap::new();
        let dirty = points.iter().any(|p| p.dirty);
        let mut points = points;
        points.sort_by_key(|p| (p.started_at, p.run, p.result));
        for p in points {
            if !runs.contains(&p.run) {
                runs.push(p.run);
            }
            let (seen, pooled) = series.entry(SeriesKey::of(&p.record)).or_default();
            if !seen.contains(&p.run) {
                seen.push(p.run);
                pooled.runs += 1;
            }
            pooled.samples.extend_from_slice(&p.record.samples);
            pooled.newest = Some(p.record);
        }
        Some(Side {
            commit,
            runs: runs.len(),
            dirty,
            newest_run,
            series: series.into_iter().map(|(k, (_, p))| (k, p)).collect(),
        })
    }

    /// A baseline from the store, as a side.
    pub fn from_baseline(baseline: Baseline) -> Side {
        Side {
            commit: Some(baseline.commit),
            runs: baseline.runs,
            dirty: false,
            newest_run: baseline.newest_run,
            series: baseline
                .series
                .into_iter()
                .map(|s| {
                    let key = SeriesKey {
                        benchmark: s.benchmark,
                        size: s.size,
                    };
                    let pooled = Pooled {
                        runs: s.runs,
                        samples: s.samples,
                        newest: None,
                    };
                    (key, pooled)
                })
                .collect(),
        }
    }
}

/// The results standing for `commit` on `testbed`: its clean runs pooled; with `dirty_ok`
/// and no clean runs, its newest dirty run. `None` when there are none.
pub fn commit_side(
    store: &Store,
    testbed: &Testbed,
    commit: &Commit,
    dirty_ok: bool,
) -> Result<Option<Side>, CliError> {
    let points = store.results_at(&commit.sha, testbed)?;
    let (clean, dirty): (Vec<_>, Vec<_>) = points.into_iter().partition(|p| !p.dirty);
    if !clean.is_empty() || !dirty_ok {
        return Ok(Side::from_points(Some(commit.clone()), clean));
    }
    let newest = dirty
        .iter()
        .max_by_key(|p| (p.started_at, p.run))
        .map(|p| p.run);
    let newest: Vec<HistoryPoint> = dirty
        .into_iter()
        .filter(|p| Some(p.run) == newest)
        .collect();
    Ok(Side::from_points(Some(commit.clone()), newest))
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

/// The results of the commit `rev` names (`None`: the current commit, whose newest dirty run
/// stands in when the tree has uncommitted changes and no clean results), or an error saying
/// how to get some.
pub fn head_side(
    store: &Store,
    git: &GitContext,
    testbed: &Testbed,
    rev: Option<&str>,
) -> Result<Side, CliError> {
    let commit = resolve(git, rev)?;
    let dirty_ok = rev.is_none() && git.dirty();
    commit_side(store, testbed, &commit, dirty_ok)?.ok_or_else(|| {
        CliError::usage(format!(
            "no results at {} ({}) on testbed `{}`: run `cargo perfkit run` at that commit first",
            commit.short_sha(),
            commit.summary,
            testbed.name
        ))
    })
}

/// The baseline of `head` by perfkit's rule (DESIGN.md, "History"), with `base_rev` as the
/// revision whose merge-base bounds it. `None` when no earlier commit has results.
///
/// `head`'s own clean results never count as its baseline; for the current commit with
/// uncommitted changes whose newest dirty run stands in, the commit's clean results do.
pub fn baseline_side(
    store: &Store,
    git: &GitContext,
    testbed: &Testbed,
    head: &Side,
    base_rev: Option<&str>,
) -> Result<Option<Side>, CliError> {
    let query = BaselineQuery::new(testbed);
    let Some(commit) = &head.commit else {
        return Ok(None);
    };
    let is_current = git.head().is_some_and(|h| h.sha == commit.sha);
    let found = if is_current {
        let own_ok = head.dirty;
        let tries = candidates(git, base_rev)?.filter(|sha| own_ok || *sha != commit.sha);
        store.baseline(&query, tries)?
    } else if let Some(rev) = base_rev {
        let base = git.resolve(rev)?;
        let merge_base = git.merge_base(&commit.sha, &base.sha)?.ok_or_else(|| {
            CliError::usage(format!(
                "{} and `{rev}` have no common ancestor{}, so there is no merge-base to compare \
                 against; choose a base revision on the same history",
                commit.short_sha(),
                if git.shallow() {
                    " in this shallow clone (fetch more history: `git fetch --unshallow`)"
                } else {
                    ""
                }
            ))
        })?;
        let tries = git
            .first_parents(&merge_base.sha)?
            .filter(|sha| *sha != commit.sha);
        store.baseline(&query, tries)?
    } else {
        store.baseline(&query, git.first_parents(&commit.sha)?.skip(1))?
    };
    Ok(found.map(Side::from_baseline))
}

#[cfg(test)]
mod tests {
    use perfkit_store::{ResultId, RunId, StoredSummary};

    use super::*;

    fn point(run: i64, name: &str, samples: &[f64], dirty: bool) -> HistoryPoint {
        HistoryPoint {
            commit: None,
            run: RunId::from_raw(run),
            started_at: Timestamp::from_unix_ms(run * 10),
            dirty,
            branch: None,
            result: ResultId::from_raw(run * 100),
            record: Record::new(name, StoredSummary::default(), 1, samples.to_vec()),
        }
    }

    #[test]
    fn runs_are_pooled_per_series_oldest_first() {
        let side = Side::from_points(
            None,
            vec![
                point(2, "a", &[3.0], false),
                point(1, "a", &[1.0, 2.0], false),
                point(1, "b", &[9.0], false),
            ],
        )
        .unwrap();
        assert_eq!(side.runs, 2);
        let a = &side.series[&SeriesKey {
            benchmark: "a".into(),
            size: None,
        }];
        assert_eq!((a.runs, a.samples.clone()), (2, vec![1.0, 2.0, 3.0]));
        assert_eq!(side.newest_run, Timestamp::from_unix_ms(20));
        assert!(Side::from_points(None, Vec::new()).is_none());
    }

    #[test]
    fn sized_series_read_with_their_size() {
        let key = SeriesKey {
            benchmark: "dedup".into(),
            size: Some(1000),
        };
        assert_eq!(key.to_string(), "dedup (n = 1000)");
    }
}
