//! [`CommitRuns`]: what one commit measured on one testbed, per series, run by run.
//!
//! The run is the unit of noise (a whole process shifts by a few percent between runs), so the
//! store never concatenates runs: each series keeps each run's samples apart, and the judge in
//! `perfkit::compare` turns each into one estimate. This is the one place where stored results
//! are grouped into runs; the baseline, a series' history, and the head of a comparison are all
//! [`CommitRuns`].

use std::collections::BTreeMap;
use std::fmt;

use crate::ids::{ResultId, RunId};
use crate::model::{Commit, Timestamp};
use crate::query::HistoryPoint;

/// One benchmark at one size: one line of history.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SeriesKey {
    /// The benchmark's name.
    pub benchmark: String,
    /// The input size of a sized test.
    pub size: Option<u64>,
}

impl SeriesKey {
    /// The series of `benchmark` at `size`.
    pub fn new(benchmark: impl Into<String>, size: Option<u64>) -> SeriesKey {
        SeriesKey {
            benchmark: benchmark.into(),
            size,
        }
    }
}

/// `dedup (n = 1000)`, or the name alone for an unsized benchmark.
///
/// ```
/// use perfkit_store::SeriesKey;
/// assert_eq!(SeriesKey::new("dedup", Some(1000)).to_string(), "dedup (n = 1000)");
/// ```
impl fmt::Display for SeriesKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.benchmark)?;
        if let Some(n) = self.size {
            write!(f, " (n = {n})")?;
        }
        Ok(())
    }
}

/// One series at one commit: each run's per-iteration samples, oldest run first.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesRuns {
    /// The series.
    pub key: SeriesKey,
    /// One entry per run that measured it, never concatenated.
    pub runs: Vec<Vec<f64>>,
}

/// The runs of one commit on one testbed, per series.
#[derive(Debug, Clone, PartialEq)]
pub struct CommitRuns {
    /// The commit.
    pub commit: Commit,
    /// Whether these are results of uncommitted changes (only ever for a comparison's head).
    pub dirty: bool,
    /// How many runs.
    pub runs: usize,
    /// When the newest of them started.
    pub newest_run: Timestamp,
    /// Per series, by name then size.
    pub series: Vec<SeriesRuns>,
}

impl CommitRuns {
    /// The runs of `key`, if this commit measured it.
    pub fn series(&self, key: &SeriesKey) -> Option<&SeriesRuns> {
        self.series.iter().find(|s| &s.key == key)
    }

    /// `3f2a91c (2 runs, 2 days ago)`: the words a perf test prints after "baseline: ".
    pub fn describe(&self, now: Timestamp) -> String {
        format!(
            "{} ({} run{}, {})",
            self.commit.short_sha(),
            self.runs,
            if self.runs == 1 { "" } else { "s" },
            self.newest_run.ago(now)
        )
    }

    /// Groups stored results into runs under `commit`; `None` when there are none. Rows may
    /// come in any order; runs are ordered by start time.
    pub(crate) fn group(
        commit: Commit,
        rows: impl IntoIterator<Item = RunRow>,
    ) -> Option<CommitRuns> {
        let mut rows: Vec<RunRow> = rows.into_iter().collect();
        rows.sort_by_key(|r| (r.started_at, r.run, r.result));
        let newest_run = rows.last()?.started_at;
        let dirty = rows.iter().any(|r| r.dirty);
        let mut runs: Vec<RunId> = Vec::new();
        // Per series: the run of each entry, and the entries. A run normally holds one result
        // per series; should it hold several, they are one process's samples and stay one run.
        let mut series: BTreeMap<SeriesKey, Vec<(RunId, Vec<f64>)>> = BTreeMap::new();
        for row in rows {
            if !runs.contains(&row.run) {
                runs.push(row.run);
            }
            let entries = series.entry(row.key).or_default();
            match entries.last_mut() {
                Some((run, samples)) if *run == row.run => samples.extend(row.samples),
                _ => entries.push((row.run, row.samples)),
            }
        }
        Some(CommitRuns {
            commit,
            dirty,
            runs: runs.len(),
            newest_run,
            series: series
                .into_iter()
                .map(|(key, entries)| SeriesRuns {
                    key,
                    runs: entries.into_iter().map(|(_, s)| s).collect(),
                })
                .collect(),
        })
    }

    /// Groups `points` (results read with their samples, e.g. by
    /// [`Store::results_at`](crate::Store::results_at) and [`HeadRuns::select`]) under `commit`.
    pub fn from_points(commit: Commit, points: &[HistoryPoint]) -> Option<CommitRuns> {
        CommitRuns::group(
            commit,
            points.iter().map(|p| RunRow {
                key: SeriesKey::new(p.record.benchmark.clone(), p.record.size),
                run: p.run,
                result: p.result,
                started_at: p.started_at,
                dirty: p.dirty,
                samples: p.record.samples.clone(),
            }),
        )
    }
}

/// One stored result, as grouping needs it.
#[derive(Debug)]
pub(crate) struct RunRow {
    pub(crate) key: SeriesKey,
    pub(crate) run: RunId,
    pub(crate) result: ResultId,
    pub(crate) started_at: Timestamp,
    pub(crate) dirty: bool,
    pub(crate) samples: Vec<f64>,
}

/// Which runs of a commit stand for it as the head of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadRuns {
    /// Its clean runs: the commit as committed.
    Clean,
    /// The newest run from a dirty tree at it: the working tree's uncommitted results. Older
    /// dirty runs may have measured other edits, so only the newest counts.
    NewestDirty,
    /// Every run started at or after this time, clean or dirty: one `cargo perfkit run`.
    Since(Timestamp),
}

impl HeadRuns {
    /// The points (of one commit) that this choice keeps.
    pub fn select(self, points: Vec<HistoryPoint>) -> Vec<HistoryPoint> {
        match self {
            HeadRuns::Clean => points.into_iter().filter(|p| !p.dirty).collect(),
            HeadRuns::NewestDirty => {
                let newest = points
                    .iter()
                    .filter(|p| p.dirty)
                    .max_by_key(|p| (p.started_at, p.run))
                    .map(|p| p.run);
                points
                    .into_iter()
                    .filter(|p| p.dirty && Some(p.run) == newest)
                    .collect()
            }
            HeadRuns::Since(start) => points
                .into_iter()
                .filter(|p| p.started_at >= start)
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit() -> Commit {
        Commit {
            sha: "a".repeat(40),
            parents: vec![],
            author_time: 0,
            summary: "s".into(),
        }
    }

    fn row(benchmark: &str, size: Option<u64>, run: i64, ms: i64, samples: Vec<f64>) -> RunRow {
        RunRow {
            key: SeriesKey::new(benchmark, size),
            run: RunId::from_raw(run),
            result: ResultId::from_raw(run * 10 + samples.len() as i64),
            started_at: Timestamp::from_unix_ms(ms),
            dirty: false,
            samples,
        }
    }

    #[test]
    fn runs_stay_apart_in_start_order() {
        let rows = vec![
            row("b", None, 2, 30, vec![3.0, 4.0]),
            row("b", None, 1, 10, vec![1.0]),
            row("a", Some(8), 1, 10, vec![2.0]),
        ];
        let c = CommitRuns::group(commit(), rows).unwrap();
        assert_eq!(c.runs, 2);
        assert_eq!(c.newest_run, Timestamp::from_unix_ms(30));
        let b = c.series(&SeriesKey::new("b", None)).unwrap();
        assert_eq!(b.runs, vec![vec![1.0], vec![3.0, 4.0]]);
        assert_eq!(
            c.series(&SeriesKey::new("a", Some(8))).unwrap().runs.len(),
            1
        );
        assert_eq!(
            c.describe(Timestamp::from_unix_ms(30)),
            "aaaaaaa (2 runs, just now)"
        );
    }

    #[test]
    fn nothing_to_group_is_none() {
        assert_eq!(CommitRuns::group(commit(), Vec::new()), None);
    }
}
