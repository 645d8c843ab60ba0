//! The classic optimisation playbook, each case as a small real program with a slow and a fast
//! version, measured by the perf tests in `tests/playbook`.

pub mod blog;
pub mod cache;
pub mod duplicates;
pub mod parallel;
pub mod rng;
pub mod search;
pub mod service;
pub mod users;
