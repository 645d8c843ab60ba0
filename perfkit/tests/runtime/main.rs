//! The runtime end to end on synthetic timings: budgets, allocation counting, smoke runs,
//! misuse, and the cross-process measurement lock.

mod allocations;
mod budgets;
mod lock;
mod smoke;

#[global_allocator]
static ALLOC: perfkit::alloc::Counting = perfkit::alloc::Counting;

use perfkit::Settings;
use perfkit::measure::Mode;

/// Settings for a full measurement with a private lock file.
fn full(dir: &tempfile::TempDir) -> Settings {
    Settings {
        mode: Mode::Full,
        smoke_reason: "",
        lock_path: dir.path().join("history.db.lock"),
        history: perfkit::History::Off,
    }
}
