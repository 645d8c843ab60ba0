//! Each routine of known complexity, measured at its sizes and fitted, several times over:
//! how often does the fit name the right class, and how long does one classification take?

use std::path::Path;
use std::time::{Duration, Instant};

use perfkit::Summary;
use perfkit::complexity::{Complexity, Fit, fit_summaries};
use perfkit::measure::{Bencher, MeasureLock, Mode, Plan, lock_path_for};

use crate::routines::{ROUTINES, Routine};

/// Classifications per routine.
const REPEATS: usize = 5;

/// One classification: every size measured with the default plan of a perf test, then fitted.
fn classify(routine: &Routine) -> (Fit, Vec<(usize, Summary)>) {
    let series: Vec<(usize, Summary)> = routine
        .sizes
        .iter()
        .map(|&n| {
            let mut b = Bencher::new(Plan::DEFAULT, Mode::Full);
            (routine.measure)(&mut b, n);
            let samples = b.take_samples().expect("the routine called iter_custom");
            (
                n,
                Summary::new(&samples.times_ns).expect("samples are finite"),
            )
        })
        .collect();
    let fit = fit_summaries(&series).expect("every routine has at least three sizes");
    (fit, series)
}

#[test]
#[ignore = "real timing: minutes of measurement; run with --release -- --ignored --nocapture"]
fn real_routines_are_classified() {
    if cfg!(debug_assertions) {
        println!("debug build: timing skipped; run with --release");
        return;
    }
    // Perf tests in other processes must not measure at the same time.
    let db = perfkit_store::default_db_path(Path::new(env!("CARGO_MANIFEST_DIR")));
    let _lock = MeasureLock::acquire(&lock_path_for(&db));

    let mut lines = Vec::new();
    let (mut right, mut total) = (0, 0);
    let mut misclassified = Vec::new();
    // `COMPLEXITY_ROUTINE=sort` classifies only the routines whose name contains it.
    let only = std::env::var("COMPLEXITY_ROUTINE").unwrap_or_default();
    for routine in ROUTINES.iter().filter(|r| r.name.contains(only.as_str())) {
        let mut classes: Vec<Complexity> = Vec::new();
        let mut walls: Vec<Duration> = Vec::new();
        for repeat in 0..REPEATS {
            let start = Instant::now();
            let (fit, series) = classify(routine);
            walls.push(start.elapsed());
            classes.push(fit.best);
            if fit.best != routine.expected {
                let medians: Vec<String> = series
                    .iter()
                    .map(|(n, s)| format!("{n}: {}", perfkit::report::format_ns(s.median)))
                    .collect();
                misclassified.push(format!(
                    "{} (repeat {}): expected {}, fitted {fit}\n    medians {}",
                    routine.name,
                    repeat + 1,
                    routine.expected,
                    medians.join(", ")
                ));
            }
            if repeat == REPEATS - 1 {
                println!("{:<20} {fit}", routine.name);
            }
        }
        let ok = classes.iter().filter(|&&c| c == routine.expected).count();
        right += ok;
        total += classes.len();
        let fitted: Vec<String> = classes.iter().map(ToString::to_string).collect();
        let secs: Vec<f64> = walls.iter().map(Duration::as_secs_f64).collect();
        let mean = secs.iter().sum::<f64>() / secs.len() as f64;
        let max = secs.iter().copied().fold(0.0, f64::max);
        lines.push(format!(
            "{:<20} {:<11} {:<46} {ok}/{REPEATS}   {mean:.2} s (max {max:.2} s)",
            routine.name,
            routine.expected.to_string(),
            fitted.join(" "),
        ));
    }

    println!();
    println!(
        "{:<20} {:<11} {:<46} right wall time per classification",
        "routine", "expected", "fitted, one per repeat"
    );
    for line in &lines {
        println!("{line}");
    }
    println!("total: {right}/{total} classifications right ({REPEATS} repeats per routine)");
    for m in &misclassified {
        println!("misclassified: {m}");
    }
    // The figures are the evidence; the test fails only when a routine is misread in most
    // repeats, since a shared machine may spoil an occasional run.
    assert!(
        misclassified.len() * 2 < total,
        "too many misclassifications: {}",
        misclassified.join("\n")
    );
}
