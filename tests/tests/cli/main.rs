//! End-to-end tests of `cargo perfkit`: a real fixture project measured with real
//! `cargo test --release` runs at several commits, and criterion's real output imported.
//!
//! The CLI runs in-process (`cargo_perfkit::run` with captured output); everything it starts
//! (cargo, the fixture's perf tests) is a real process.

mod ab;
mod fixture;
mod import_criterion;
mod planted_slowdown;
mod profile;
