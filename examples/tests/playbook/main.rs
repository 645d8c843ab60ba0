//! The playbook's perf tests: run `cargo test --release -p perfkit-examples -- --show-output`.

mod caching;
mod duplicates;
mod n_plus_one;
mod parallel;
mod search;
mod service;
