//! perfkit's history: every perf test result, remembered and keyed by git commit.
//!
//! This crate holds the record model ([`Commit`], [`Testbed`], [`Run`], [`Record`]), the git
//! keying that says which commit a run measured ([`GitContext`]), and the store that keeps the
//! results ([`Store`], SQLite by default at `<workspace root>/.perfkit/history.db`). It answers
//! the questions that history exists for: which baseline a run compares against (the one rule,
//! [`candidates`]), the runs of a commit kept apart ([`CommitRuns`]), a series' recent history
//! (the noise the judge needs), and how a benchmark moved along the first-parent history of a
//! branch.
//!
//! It is not the measurement or the statistics (that is `perfkit`), and it prints nothing: the
//! runtime and `cargo perfkit` decide what to say. It depends on no other perfkit crate.
//!
//! A perf test run uses it like this:
//!
//! ```no_run
//! use perfkit_store::{
//!     BaselineQuery, DbLocation, GitContext, Record, Run, Source, Store, StoredSummary, Testbed,
//! };
//!
//! # fn main() -> Result<(), perfkit_store::StoreError> {
//! let manifest_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
//! let git = GitContext::discover(manifest_dir);
//! let testbed = Testbed::detect("release", "rustc 1.95.0 (59807616e 2026-04-14)");
//! let mut store = Store::open_location(&DbLocation::from_env(manifest_dir))?;
//!
//! // The baseline first, so this run's own results can never be their own baseline.
//! let query = BaselineQuery::new(&testbed).benchmark("search_is_fast");
//! let base_rev = std::env::var("PERFKIT_BASELINE").ok();
//! let baseline = store.baseline_for(&git, git.head(), git.dirty(), base_rev.as_deref(), &query)?;
//!
//! let samples = vec![101.0, 99.5, 100.2];
//! let record = Record::new("search_is_fast", StoredSummary::default(), 1_000, samples);
//! let run = Run::new(&git, testbed.clone(), "0.1.0", Source::PerfTest);
//! store.record_run(&run, &[record])?;
//! # let _ = baseline;
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

mod backend;
mod baseline;
mod error;
mod gc;
mod git;
mod ids;
mod location;
mod metric;
mod model;
mod postgres;
mod profile;
mod query;
mod record;
mod runs;
mod samples;
mod sqlite;
mod store;
mod sync;
#[cfg(feature = "test-cluster")]
pub mod test_cluster;
mod testbed;
mod uid;

pub use baseline::{BaselineQuery, Candidates, candidates};
pub use error::StoreError;
pub use gc::{GcReport, PrunedCommit};
pub use git::{FirstParents, GitContext};
pub use ids::{BenchmarkId, CommitId, ResultId, RunId, TestbedId};
pub use location::{DbLocation, default_db_path, workspace_root};
pub use metric::{Better, MetricInfo};
pub use model::{Commit, Run, Source, Timestamp};
pub use postgres::{PG_SCHEMA_VERSION, redact_url};
pub use profile::{ProfileKey, StoredProfile};
pub use query::{Benchmark, CommitSummary, HistoryPoint, HistoryQuery, TestbedSummary};
pub use record::{
    Allocations, BudgetOutcome, DEFAULT_METRIC, Record, StoredComparison, StoredSummary,
    Throughput, ThroughputKind,
};
pub use runs::{CommitRuns, HeadRuns, SeriesKey, SeriesRuns};
pub use samples::{decode_samples, encode_samples};
pub use sqlite::{APPLICATION_ID, SCHEMA_VERSION};
pub use store::{HISTORY_WALK, Imported, Recorded, Store};
pub use sync::{RunFilter, SYNC_BATCH_RESULTS, StoredRun, SyncReport, sync};
pub use testbed::{Machine, Testbed, rustc_version};

/// A stable hash of what an imported result was read from (the parts, in order), for
/// [`Store::record_imported`]: FNV-1a, the hash of testbed fingerprints, the same on every
/// platform and Rust version.
///
/// ```
/// let a = perfkit_store::content_hash(&["criterion", "sort/std", "{\"times\":[1.0]}"]);
/// assert_eq!(a, perfkit_store::content_hash(&["criterion", "sort/std", "{\"times\":[1.0]}"]));
/// assert_ne!(a, perfkit_store::content_hash(&["criterion", "sort/std", "{\"times\":[2.0]}"]));
/// ```
pub fn content_hash(parts: &[&str]) -> String {
    testbed::fingerprint(parts)
}
