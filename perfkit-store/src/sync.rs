//! Copying history between stores ([`sync`]): runs are matched by their stable uid, so
//! copying twice adds nothing, whichever backends the two stores use.

use crate::error::StoreError;
use crate::ids::RunId;
use crate::model::{Run, Timestamp};
use crate::store::Store;

/// A run as stored, with the ids that name it: its row in this store, and its uid in every
/// store.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRun {
    /// Its id in the store it was read from.
    pub id: RunId,
    /// Its stable id, the same in every store it was copied to.
    pub uid: String,
    /// The run.
    pub run: Run,
}

/// Which runs [`sync`] copies; every field unset copies all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunFilter {
    /// Only runs on this branch.
    pub branch: Option<String>,
    /// Only runs on this testbed: its name or its fingerprint.
    pub testbed: Option<String>,
    /// Only runs started at or after this time.
    pub since: Option<Timestamp>,
}

impl RunFilter {
    /// Whether `run` passes every filter set.
    pub fn accepts(&self, run: &Run) -> bool {
        let branch = self
            .branch
            .as_deref()
            .is_none_or(|b| run.branch.as_deref() == Some(b));
        let testbed = self
            .testbed
            .as_deref()
            .is_none_or(|t| run.testbed.name == t || run.testbed.fingerprint == t);
        let since = self.since.is_none_or(|s| run.started_at >= s);
        branch && testbed && since
    }
}

/// What [`sync`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Runs in the source that the filter accepted.
    pub considered: u64,
    /// Of those, the runs copied (the others were in the destination already).
    pub copied: u64,
    /// Results copied with them.
    pub results: u64,
}

/// Copies the runs of `from` that `filter` accepts, with their commits, testbeds, benchmarks,
/// results (every metric, raw samples, budgets, comparisons), into `to`; a run whose uid `to`
/// holds already is skipped. Runs are copied whole, many to a transaction (up to
/// [`SYNC_BATCH_RESULTS`] results), so an interrupted sync leaves whole runs only, and running
/// it again completes it.
pub fn sync(from: &Store, to: &mut Store, filter: &RunFilter) -> Result<SyncReport, StoreError> {
    let present: std::collections::HashSet<String> =
        to.stored_runs()?.into_iter().map(|r| r.uid).collect();
    // Declarations first, so results of a user's metric never land without their direction.
    for info in from.declared_metrics()? {
        to.declare_metric(&info)?;
    }
    let mut report = SyncReport::default();
    let mut batch: Vec<(StoredRun, Vec<crate::Record>)> = Vec::new();
    let mut batch_results = 0;
    let mut copy = |batch: &mut Vec<_>, report: &mut SyncReport| -> Result<(), StoreError> {
        let copied = to.copy_runs(batch)?;
        for ((_, records), copied) in batch.iter().zip(copied) {
            if copied {
                report.copied += 1;
                report.results += records.len() as u64;
            }
        }
        batch.clear();
        Ok(())
    };
    for stored in from.stored_runs()? {
        if !filter.accepts(&stored.run) {
            continue;
        }
        report.considered += 1;
        if present.contains(&stored.uid) {
            continue;
        }
        let records = from.run_records(stored.id)?;
        batch_results += records.len();
        batch.push((stored, records));
        if batch_results >= SYNC_BATCH_RESULTS {
            copy(&mut batch, &mut report)?;
            batch_results = 0;
        }
    }
    if !batch.is_empty() {
        copy(&mut batch, &mut report)?;
    }
    Ok(report)
}

/// How many results [`sync`] copies in one transaction (more when one run has more). A commit
/// per run made a sync of 10,000 runs wait for 10,000 flushes to disk; a larger batch would
/// only hold more in memory and lose more work to an interruption.
pub const SYNC_BATCH_RESULTS: usize = 10_000;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testbed::{Machine, Testbed};

    fn run(branch: Option<&str>, name: Option<&str>, at: i64) -> Run {
        let machine = Machine {
            cpu: "cpu".into(),
            cores: 2,
            os: "linux".into(),
            arch: "x86_64".into(),
        };
        Run {
            commit: None,
            testbed: Testbed::new(machine, "rustc", "release", name),
            dirty: false,
            branch: branch.map(str::to_owned),
            started_at: Timestamp::from_unix_ms(at),
            perfkit_version: "0.1.0".into(),
            source: crate::Source::PerfTest,
            notes: vec![],
        }
    }

    #[test]
    fn a_filter_accepts_only_what_each_set_field_allows() {
        let r = run(Some("main"), Some("ci"), 1_000);
        assert!(RunFilter::default().accepts(&r));
        let branch = |b: &str| RunFilter {
            branch: Some(b.into()),
            ..RunFilter::default()
        };
        assert!(branch("main").accepts(&r));
        assert!(!branch("dev").accepts(&r));
        assert!(!branch("main").accepts(&run(None, Some("ci"), 1_000)));
        let testbed = |t: &str| RunFilter {
            testbed: Some(t.into()),
            ..RunFilter::default()
        };
        assert!(testbed("ci").accepts(&r));
        assert!(testbed(&r.testbed.fingerprint).accepts(&r));
        assert!(!testbed("laptop").accepts(&r));
        let since = |ms| RunFilter {
            since: Some(Timestamp::from_unix_ms(ms)),
            ..RunFilter::default()
        };
        assert!(since(1_000).accepts(&r));
        assert!(!since(1_001).accepts(&r));
    }
}
