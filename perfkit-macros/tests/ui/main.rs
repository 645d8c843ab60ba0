//! UI tests for `#[perf_test]`: every mistake is one pinned compile error on the right token
//! (`fail/*.rs` with their `.stderr`), and every form and option compiles (`pass/*.rs`).
//!
//! trybuild builds its cases as binaries, where the built-in `#[test]` removes the generated
//! test before type checking; `expansion` therefore holds real perf tests that this test binary
//! compiles, so the generated code is type-checked against `perfkit::__private` too.
//!
//! Regenerate the `.stderr` files with `TRYBUILD=overwrite cargo test -p perfkit-macros --test
//! ui`, then read every changed one.

mod expansion;

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
