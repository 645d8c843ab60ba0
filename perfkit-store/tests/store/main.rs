//! perfkit-store's integration tests: one binary, a module per topic.
//!
//! Tests that need other processes (concurrent writers, a writer killed mid-transaction, a
//! user without write permission) re-run this binary with `PERFKIT_STORE_TEST_CHILD` set; see
//! `child`.

mod backends;
mod child;
mod concurrency;
mod crash;
mod faults;
mod figures;
mod files;
mod git;
mod metrics;
mod open;
mod postgres;
mod profiles;
mod queries;
pub mod roundtrip;
mod support;
mod sync;
