//! The playbook's perf tests: run `cargo test --release -p perfkit-examples -- --show-output`.

mod duplicates;
