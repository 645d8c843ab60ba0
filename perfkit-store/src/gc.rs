//! Pruning old history: which runs [`Store::gc`](crate::Store::gc) deletes, and what it
//! reports.
//!
//! The rule, decided here without a database so that it is tested on plain values:
//!
//! - Per branch, the newest `keep` commits (by author time) keep all their results. A commit
//!   kept on any branch it was measured on is kept whole, on every testbed.
//! - Runs on a detached HEAD (the usual case in CI) count as one branch of their own; each run
//!   recorded without a commit counts as a commit of its own.
//! - The run holding the newest result of each benchmark on each testbed is never deleted, so
//!   every benchmark keeps its latest known timing however old its commit is.
//! - Everything else is deleted, with its results; commits left without runs are forgotten.
//! - At least one commit per branch is kept (`keep` is a [`NonZeroUsize`]): `keep = 0` would
//!   delete the results just recorded.
//!
//! After a prune that deleted anything, the file is compacted (`VACUUM`), so the space goes
//! back to the disk rather than waiting in the file for later results.
//!
//! [`NonZeroUsize`]: std::num::NonZeroUsize

use std::collections::{BTreeMap, BTreeSet, HashSet};

use crate::ids::RunId;
use crate::model::{Commit, Timestamp};

/// One run as the pruning rule sees it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RunRow {
    pub(crate) run: RunId,
    pub(crate) commit: Option<Commit>,
    pub(crate) branch: Option<String>,
    pub(crate) started_at: Timestamp,
    pub(crate) results: u64,
}

/// What [`Store::gc`](crate::Store::gc) deleted, or would delete in a dry run.
#[derive(Debug, Clone, PartialEq)]
pub struct GcReport {
    /// Whether this was a dry run (nothing deleted).
    pub dry_run: bool,
    /// Commits whose results were kept (commitless runs count one each).
    pub kept_commits: u64,
    /// Runs deleted (or that would be).
    pub runs: u64,
    /// Results deleted (or that would be).
    pub results: u64,
    /// Per commit, what was deleted, newest commit first; `commit` is `None` for runs
    /// recorded without a commit (all of them in one entry).
    pub pruned: Vec<PrunedCommit>,
    /// Bytes returned to the disk by compacting the file (`VACUUM`) after the prune; 0 in a
    /// dry run or when nothing was deleted.
    pub freed_bytes: u64,
}

/// The deleted part of one commit's history.
#[derive(Debug, Clone, PartialEq)]
pub struct PrunedCommit {
    /// The commit; `None` for runs without one.
    pub commit: Option<Commit>,
    /// Runs deleted at it.
    pub runs: u64,
    /// Results deleted at it.
    pub results: u64,
    /// Whether some of its runs were kept (they hold a benchmark's newest result).
    pub partly_kept: bool,
}

/// What a commit is for the rule: its SHA, or a commitless run's own id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Key {
    Sha(String),
    Run(i64),
}

fn key(row: &RunRow) -> Key {
    match &row.commit {
        Some(c) => Key::Sha(c.sha.clone()),
        None => Key::Run(row.run.get()),
    }
}

/// The runs to delete: every run whose commit is not among the newest `keep` of any branch it
/// was measured on, except the runs in `protected` (the newest run of each benchmark).
pub(crate) fn runs_to_delete(
    rows: &[RunRow],
    keep: usize,
    protected: &HashSet<RunId>,
) -> Vec<RunId> {
    // Per branch, its commits with their recency: author time, then the newest run at them.
    let mut branches: BTreeMap<Option<&str>, BTreeMap<Key, (i64, Timestamp)>> = BTreeMap::new();
    for row in rows {
        let time = row
            .commit
            .as_ref()
            .map_or(row.started_at.unix_ms() / 1000, |c| c.author_time);
        let entry = branches
            .entry(row.branch.as_deref())
            .or_default()
            .entry(key(row))
            .or_insert((time, row.started_at));
        entry.1 = entry.1.max(row.started_at);
    }
    let mut kept: BTreeSet<Key> = BTreeSet::new();
    for commits in branches.values() {
        let mut newest: Vec<(&Key, &(i64, Timestamp))> = commits.iter().collect();
        newest.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        kept.extend(newest.into_iter().take(keep).map(|(k, _)| k.clone()));
    }
    rows.iter()
        .filter(|row| !kept.contains(&key(row)) && !protected.contains(&row.run))
        .map(|row| row.run)
        .collect()
}

/// Summarises the deletion of `deleted` among `rows`.
pub(crate) fn report(rows: &[RunRow], deleted: &[RunId], dry_run: bool) -> GcReport {
    let deleted: HashSet<RunId> = deleted.iter().copied().collect();
    let mut per_commit: BTreeMap<Key, PrunedCommit> = BTreeMap::new();
    let mut all: BTreeSet<Key> = BTreeSet::new();
    let mut survivors: BTreeSet<Key> = BTreeSet::new();
    for row in rows {
        let k = match key(row) {
            Key::Run(_) => Key::Run(0),
            sha => sha,
        };
        all.insert(key(row));
        if !deleted.contains(&row.run) {
            survivors.insert(key(row));
            if let Some(p) = per_commit.get_mut(&k) {
                p.partly_kept = true;
            }
            continue;
        }
        let entry = per_commit.entry(k.clone()).or_insert_with(|| PrunedCommit {
            commit: row.commit.clone(),
            runs: 0,
            results: 0,
            partly_kept: false,
        });
        entry.runs += 1;
        entry.results += row.results;
        entry.partly_kept |= survivors.contains(&k);
    }
    let mut pruned: Vec<PrunedCommit> = per_commit.into_values().collect();
    pruned.sort_by_key(|p| std::cmp::Reverse(p.commit.as_ref().map(|c| c.author_time)));
    GcReport {
        dry_run,
        kept_commits: survivors.len() as u64,
        runs: pruned.iter().map(|p| p.runs).sum(),
        results: pruned.iter().map(|p| p.results).sum(),
        pruned,
        freed_bytes: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(n: u8) -> Commit {
        Commit {
            sha: format!("{n:02x}").repeat(20),
            parents: vec![],
            author_time: i64::from(n) * 100,
            summary: format!("commit {n}"),
        }
    }

    fn row(run: i64, commit_n: Option<u8>, branch: Option<&str>) -> RunRow {
        RunRow {
            run: RunId::from_raw(run),
            commit: commit_n.map(commit),
            branch: branch.map(str::to_owned),
            started_at: Timestamp::from_unix_ms(run * 1000),
            results: 2,
        }
    }

    fn ids(v: &[i64]) -> Vec<RunId> {
        v.iter().copied().map(RunId::from_raw).collect()
    }

    #[test]
    fn keeps_the_newest_commits_of_each_branch() {
        let rows = vec![
            row(1, Some(1), Some("main")),
            row(2, Some(2), Some("main")),
            row(3, Some(3), Some("main")),
            row(4, Some(3), Some("main")), // a second run at commit 3
            row(5, Some(1), Some("topic")),
        ];
        let deleted = runs_to_delete(&rows, 2, &HashSet::new());
        // main keeps 3 and 2; topic keeps 1, which is kept whole (run 1 on main too).
        assert_eq!(deleted, ids(&[]));
        let deleted = runs_to_delete(&rows, 1, &HashSet::new());
        assert_eq!(deleted, ids(&[2]));
    }

    #[test]
    fn detached_runs_form_their_own_branch_and_commitless_runs_count_alone() {
        let rows = vec![
            row(1, Some(1), None),
            row(2, Some(2), None),
            row(3, None, Some("main")),
            row(4, None, Some("main")),
        ];
        assert_eq!(runs_to_delete(&rows, 1, &HashSet::new()), ids(&[1, 3]));
    }

    #[test]
    fn protected_runs_survive_and_the_report_says_so() {
        let rows = vec![
            row(1, Some(1), Some("main")),
            row(2, Some(1), Some("main")),
            row(3, Some(2), Some("main")),
        ];
        let protected: HashSet<RunId> = ids(&[2]).into_iter().collect();
        let deleted = runs_to_delete(&rows, 1, &protected);
        assert_eq!(deleted, ids(&[1]));
        let r = report(&rows, &deleted, true);
        assert_eq!((r.runs, r.results, r.kept_commits), (1, 2, 2));
        assert_eq!(r.pruned.len(), 1);
        assert!(r.pruned[0].partly_kept);
        assert_eq!(r.pruned[0].commit, Some(commit(1)));
    }

    #[test]
    fn keeping_zero_deletes_all_but_the_protected() {
        let rows = vec![row(1, Some(1), Some("main")), row(2, Some(2), Some("main"))];
        let protected: HashSet<RunId> = ids(&[2]).into_iter().collect();
        assert_eq!(runs_to_delete(&rows, 0, &protected), ids(&[1]));
    }
}
