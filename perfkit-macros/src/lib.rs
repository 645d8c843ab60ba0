//! The `#[perf_test]` attribute of perfkit: it turns a function into an ordinary `#[test]` that
//! measures the function and checks it against the budgets the attribute declares.
//!
//! This crate is for syntax only: it parses the attribute, validates every value at compile
//! time (durations become integer nanoseconds, percentages become fractions, class names become
//! enums) and expands to a call of `::perfkit::__private::run`. It holds no runtime logic (no
//! measuring, no statistics, no history) and is not meant to be used directly: depend on
//! `perfkit`, which re-exports the attribute as `perfkit::perf_test`.
//!
//! The work happens in three stages, one file each: `parse` (tokens to raw options),
//! `validate` (raw options and the function to a checked model; the strings' small languages
//! are `perfkit-grammar`'s, the same that reads the environment, `perfkit.toml` and the command
//! line) and `expand` (model to tokens). Every mistake is one `compile_error!` on the
//! offending token, emitted next to the user's unchanged function.
#![warn(missing_docs)]

mod expand;
mod model;
mod parse;
mod validate;

use proc_macro::TokenStream;

/// Turns a function into a perf test: an ordinary `#[test]` that measures the function and fails
/// when it breaks a budget.
///
/// The function is `fn()` (the whole body is timed), `fn(b: &mut perfkit::Bencher)` (only
/// `b.iter(...)` is timed), `fn(b: &mut perfkit::Bencher, n: usize)` (run once per size in
/// `sizes`), `async fn()` (the whole future is timed, on Tokio: perfkit's `tokio` feature) or
/// `fn(load: &mut perfkit::Load)` (a load test: the body sets up, `load.run(|| request())`
/// sends). Options, all optional:
///
/// | option | value |
/// |---|---|
/// | `budget = "100ms"` | the median time per iteration must not exceed it |
/// | `mean`, `p50`, `p90`, `p95`, `p99`, `max` `= "<dur>"` | a budget on that statistic |
/// | `max_allocs = 0`, `max_bytes = "64KiB"` | allocation budgets per iteration |
/// | `max_instructions = "1.2M"` | instructions per iteration (K, M, G); checked under `PERFKIT=instructions` |
/// | `throughput = "bytes:4096"` or `"elements:1000"` | also report throughput per second |
/// | `samples = 100`, `warmup = "1s"`, `time = "5s"` | sampling plan overrides |
/// | `regression = "5%"` (or `5`) | fail when significantly slower than the baseline by more than this |
/// | `alpha = 0.01` | the significance level of that comparison, in (0, 0.5] |
/// | `complexity = "O(n)"`, `sizes = [1_000, 2_000, 4_000]` or `sizes = "1000..=64000 x2"` | measure at each size and check the growth class (at least three sizes) |
/// | `name = "..."` | the benchmark's name in history |
/// | `concurrency = 64`, `rate = "500/s"` | a load test's workers (closed loop) or arrival rate (open loop) |
/// | `requests = 10_000`, `duration = "10s"`, `timeout = "5s"` | a load test's length and per-request timeout |
/// | `max_error_rate = "1%"`, `min_throughput = "1000/s"` | load-test budgets (with `p50` ... `max` on latency) |
///
/// Durations are a decimal number and a unit (`ns`, `us`, `µs`, `ms`, `s`), with or without a
/// space between; byte sizes take `B`, `KiB`, `MiB`, `GiB`, `KB`, `MB` or `GB`. A threshold is
/// a percentage with or without `%` (`"5%"`, `5` and `"5"` are all 5%); a number below 1
/// without `%` is refused as ambiguous (write `"5%"` or `"0.05%"`). Other
/// attributes (`#[ignore]`, `#[should_panic]`, `#[cfg]`, doc comments) apply to the test.
///
/// ```no_run
/// use perfkit::perf_test;
///
/// #[perf_test(budget = "2ms", p99 = "5ms", max_allocs = 0)]
/// fn split_is_fast(b: &mut perfkit::Bencher) {
///     let input = "GET / HTTP/1.1".repeat(100); // setup: not timed
///     b.iter(|| input.split(' ').count()); // only this is timed
/// }
/// ```
#[proc_macro_attribute]
pub fn perf_test(attr: TokenStream, item: TokenStream) -> TokenStream {
    let item = proc_macro2::TokenStream::from(item);
    let args = syn::parse::<parse::Args>(attr);
    let function = parse::function(item.clone());
    let test = match (&args, &function) {
        (Ok(args), Ok(function)) => validate::perf_test(args, function.clone()),
        (Err(error), Ok(_)) | (Ok(_), Err(error)) => Err(error.clone()),
        (Err(first), Err(second)) => {
            let mut error = first.clone();
            error.combine(second.clone());
            Err(error)
        }
    };
    match test {
        Ok(test) => expand::test(&test),
        Err(error) => expand::fallback(error, item, function.ok()),
    }
    .into()
}
