//! cargo-perfkit's human output, snapshot-tested (insta) on synthetic history: a git
//! repository with fixed commit dates and a store filled through perfkit-store's API with
//! fixed samples, so every number and SHA is the same on every run.

mod agree;
mod commands;
mod explain;
mod hostile;
mod metrics;
mod read_only;
mod report;
mod support;
mod sync;
