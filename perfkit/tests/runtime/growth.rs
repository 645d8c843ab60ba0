//! The declared complexity of a sized test is checked against the fitted class, on synthetic
//! durations.

use std::time::Duration;

use perfkit::__private::{Complexity, Routine, Spec};
use perfkit::{Bencher, execute};

const SIZES: &[usize] = &[1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000];

fn linear(b: &mut Bencher, n: usize) {
    b.iter_custom(|iters| Duration::from_nanos((500 + 10 * n as u64) * iters));
}

fn quadratic(b: &mut Bencher, n: usize) {
    b.iter_custom(|iters| Duration::from_nanos((n * n / 100) as u64 * iters));
}

/// Linear work whose cost per element creeps from 12.8 ns to 16.1 ns as the working set
/// outgrows the caches: the medians measured for the hash-set duplicate finder on the
/// development machine.
fn cache_bound(b: &mut Bencher, n: usize) {
    let per_element = match n {
        1_000 => 12.79,
        2_000 => 12.86,
        4_000 => 13.21,
        8_000 => 13.69,
        16_000 => 14.24,
        32_000 => 15.07,
        _ => 16.11,
    };
    b.iter_custom(move |iters| Duration::from_nanos((per_element * n as f64) as u64 * iters));
}

fn spec(path: &'static str, declared: Complexity) -> Spec {
    Spec {
        path,
        complexity: Some(declared),
        sizes: SIZES,
        samples: Some(10),
        ..Spec::DEFAULT
    }
}

#[test]
fn linear_code_declared_linear_passes() {
    let dir = tempfile::tempdir().unwrap();
    let out = execute(
        &spec("growth::linear", Complexity::Linear),
        Routine::Sized(linear),
        &super::full(&dir),
    );
    assert_eq!(out.failure, None, "{}", out.text);
    assert!(out.text.contains("growth  O(n): "), "{}", out.text);
    assert!(
        out.text.contains("within the declared O(n)"),
        "{}",
        out.text
    );
}

#[test]
fn quadratic_code_declared_linear_fails_with_the_fit_and_the_medians() {
    let dir = tempfile::tempdir().unwrap();
    let out = execute(
        &spec("growth::quadratic", Complexity::Linear),
        Routine::Sized(quadratic),
        &super::full(&dir),
    );
    let failure = out.failure.expect("O(n²) is worse than O(n)");
    assert!(
        failure.contains(
            "`growth::quadratic` grows faster than declared: declared O(n), measured O(n²)"
        ),
        "{failure}"
    );
    assert!(failure.contains("runner-up"), "{failure}");
    assert!(failure.contains("n = 64000: 40.96 ms"), "{failure}");
}

#[test]
fn a_cache_sized_log_factor_is_tolerated() {
    let dir = tempfile::tempdir().unwrap();
    let out = execute(
        &spec("growth::cache_bound", Complexity::Linear),
        Routine::Sized(cache_bound),
        &super::full(&dir),
    );
    assert_eq!(out.failure, None, "{}", out.text);
    assert!(out.text.contains("growth  O(n log n)"), "{}", out.text);
    assert!(
        out.text.contains("within tolerance of the declared O(n)"),
        "{}",
        out.text
    );
}

/// A true n log n over 64..1M: its cost per element grows x3.3, beyond the tolerance.
fn linearithmic(b: &mut Bencher, n: usize) {
    let t = n as f64 * (n as f64).log2();
    b.iter_custom(move |iters| Duration::from_nanos(t as u64 * iters));
}

#[test]
fn a_full_log_factor_over_a_wide_range_fails() {
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec {
        sizes: &[64, 1_024, 16_384, 262_144, 1_048_576],
        ..spec("growth::linearithmic", Complexity::Linear)
    };
    let out = execute(&spec, Routine::Sized(linearithmic), &super::full(&dir));
    let failure = out
        .failure
        .expect("x3.3 per element is more than a cache effect");
    assert!(
        failure.contains("declared O(n), measured O(n log n)"),
        "{failure}"
    );
}

#[test]
fn the_same_creep_declared_constant_fails() {
    let dir = tempfile::tempdir().unwrap();
    let out = execute(
        &spec("growth::not_constant", Complexity::Constant),
        Routine::Sized(cache_bound),
        &super::full(&dir),
    );
    assert!(out.failure.is_some(), "{}", out.text);
}
