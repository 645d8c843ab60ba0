//! A [`Comparison`] in instructions mode (`PERFKIT=instructions`): every variant is counted at
//! every size under callgrind, as a perf test is (see [`crate::measure::callgrind`]), and
//! recorded as `<comparison>/<variant>`, one series per metric and size. The race on time is
//! not run, so the report holds the counts and its assertions check only the variant names.
//!
//! The process that runs the comparison (the parent) re-runs its own test under callgrind once
//! per variant, size and replicate ([`CHILD_RUNS`]), with `--exact` and the test's name: libtest
//! names the thread that runs a test after the test, so the name comes from the current thread.
//! [`VARIANT_ENV`](callgrind::VARIANT_ENV) tells the child which variant to count. In the child,
//! the comparison builds the input of that size (not counted), runs the variant once as a
//! warm-up, then [`ITERATIONS`](callgrind::ITERATIONS) times inside the counted function, and
//! runs nothing else; it takes no lock (the parent holds it) and records nothing.

use super::builder::{Comparison, Loop};
use super::report::ComparisonReport;
use crate::measure::MeasureLock;
use crate::measure::callgrind::{self, CHILD_RUNS, ITERATIONS};
use crate::runtime::instructions::measurements;
use crate::runtime::{Measurement, Series, Settings, record_series};

/// Counts every variant at every size (`sizes` sorted, without duplicates) and records them.
///
/// # Panics
///
/// When callgrind cannot count here, the test's name is unknown, a child run fails, or history
/// cannot be written; each message names the comparison.
pub(super) fn run<T>(
    mut c: Comparison<'_, T>,
    settings: &Settings,
    sizes: &[usize],
) -> ComparisonReport {
    let names: Vec<String> = c.variants.iter().map(|v| v.name.clone()).collect();
    if let Some(size) = callgrind::child_size() {
        if let (Some(size), Some((index, name))) = (size, callgrind::child_variant())
            && name == c.name
            && index < c.variants.len()
        {
            let input = (c.setup)(size);
            let variant = &mut c.variants[index];
            (variant.batch)(&input, 1, Loop::Plain);
            (variant.batch)(&input, ITERATIONS, Loop::Counted);
        }
        // Another comparison of the same test is being counted: this one runs nothing.
        return report(
            c.name,
            names,
            "a child run under callgrind",
            Vec::new(),
            None,
        );
    }

    let name = c.name.clone();
    if let Err(e) = callgrind::check_supported() {
        panic!("comparison `{name}`: {e}");
    }
    let thread = std::thread::current();
    let test = match thread.name() {
        Some(test) if test != "main" => test,
        _ => panic!(
            "comparison `{name}`: instructions are counted by running its test again under \
             callgrind, but the test's name is unknown on this thread; call `.run()` on the \
             thread of the #[test] itself (libtest names it after the test), or run without \
             PERFKIT=instructions"
        ),
    };
    let lock = MeasureLock::acquire(&settings.lock_path);
    let mut counts: Vec<Vec<Measurement>> = vec![Vec::new(); names.len()];
    for &size in sizes {
        for (index, variant) in names.iter().enumerate() {
            let counted = measurements(Some(size), None, || {
                callgrind::count_variant(test, size, &name, index)
            })
            .unwrap_or_else(|e| {
                panic!("comparison `{name}`: variant `{variant}` at n = {size}: {e}")
            });
            counts[index].extend(counted);
        }
    }
    let note = lock.note.clone();
    drop(lock);

    let manifest_dir = c.find_manifest_dir();
    let manifest_dir = manifest_dir.to_string_lossy();
    for (variant, measured) in names.iter().zip(&counts) {
        let benchmark = c.benchmark_name(variant);
        let series = Series {
            kind: "comparison",
            name: &benchmark,
            manifest_dir: &manifest_dir,
            throughput: None,
            metric: "instructions",
        };
        if let Err(e) = record_series(&settings.history, series, measured) {
            panic!("{e}");
        }
    }
    let why = format!(
        "PERFKIT=instructions: counted under callgrind ({CHILD_RUNS} processes per variant and \
         size), not timed; the assertions check only the variant names"
    );
    report(name, names, &why, counts, note)
}

fn report(
    name: String,
    variants: Vec<String>,
    why: &str,
    counts: Vec<Vec<Measurement>>,
    note: Option<String>,
) -> ComparisonReport {
    ComparisonReport {
        name,
        variants,
        sizes: Vec::new(),
        fits: Vec::new(),
        skipped: Some(why.to_owned()),
        note,
        counts,
    }
}
