//! The runtime end to end on synthetic timings: budgets, allocation counting, smoke runs,
//! misuse, and the cross-process measurement lock.

mod allocations;
mod budgets;
mod callgrind;
mod custom_metric;
mod growth;
mod history;
mod load;
mod lock;
mod profile;
mod read_only;
mod registration;
mod smoke;
mod variants;

#[global_allocator]
static ALLOC: perfkit::alloc::Counting = perfkit::alloc::Counting;

use perfkit::Settings;
use perfkit::measure::Mode;

/// Settings for a full measurement with a private lock file.
fn full(dir: &tempfile::TempDir) -> Settings {
    Settings::isolated(Mode::Full, dir.path().join("history.db.lock"))
}
