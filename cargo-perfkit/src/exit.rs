//! The exit codes of `cargo perfkit`, the contract with CI scripts.
//!
//! Two situations share code 1 on purpose: both mean "the code under test is not fine", so a
//! pipeline fails the job; code 2 means the question could not be answered at all.

/// Everything went as asked: no regression (`check`), tests passed (`run`), output written.
pub const OK: u8 = 0;

/// `check` found a significant regression (or no baseline with `--require-baseline`).
pub const REGRESSION: u8 = 1;

/// `run`: the tests failed, or did not build. Same code as [`REGRESSION`].
pub const TESTS_FAILED: u8 = 1;

/// The command line was wrong, or the environment could not answer it: an unknown revision,
/// no history yet, a store that cannot be opened, cargo that cannot be started, a `PATTERN`
/// (`history`, `export`) that matches no benchmark.
///
/// Also the code, without any message, when the reader of stdout goes away before the output
/// is written (`cargo perfkit history | head -1`): the output was cut short, so a pipeline
/// run with `set -o pipefail` must not read it as a success (a `check` verdict included), and
/// without `pipefail` the shell reports the reader's status anyway.
pub const USAGE: u8 = 2;
