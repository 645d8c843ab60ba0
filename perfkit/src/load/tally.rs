//! [`Tally`]: what the workers saw, request by request; [`LoadReport`]: the merged tallies of
//! one measured phase, with the statistics the metrics and budgets read.
//!
//! Pure: durations in, numbers out. The drivers own the clock.

use std::fmt;
use std::time::Duration;

use hdrhistogram::Histogram;

/// Distinct error messages kept per worker and shown in the report.
pub const MAX_DISTINCT_ERRORS: usize = 5;

/// Equal time windows the measured phase is cut into for the per-run samples of throughput
/// and error rate (see [`LoadReport::throughput_windows`]).
pub const WINDOWS: usize = 10;

/// Significant decimal digits the latency histogram keeps: values are exact to 0.1%.
const SIGNIFICANT_DIGITS: u8 = 3;

/// One request's outcome as a worker records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The routine returned `Ok` within the timeout.
    Ok,
    /// The routine returned `Err` (its message), or took longer than the timeout.
    Err(String),
}

/// One worker's record of its requests (merged into a [`LoadReport`] after the phase).
#[derive(Debug, Clone)]
pub struct Tally {
    /// Latency of successful requests, in ns.
    latency: Histogram<u64>,
    /// When each request completed (from the phase's start) and whether it succeeded.
    completions: Vec<(Duration, bool)>,
    /// The first distinct error messages with how often each was seen.
    errors: Vec<(String, u64)>,
    /// Errors whose message was not kept.
    other_errors: u64,
    /// Requests that started later than due by more than the timeout (open loop only): the
    /// workers could not keep up with the rate.
    late: u64,
}

impl Default for Tally {
    fn default() -> Tally {
        Tally::new()
    }
}

impl Tally {
    /// An empty tally.
    pub fn new() -> Tally {
        Tally {
            latency: Histogram::new(SIGNIFICANT_DIGITS).expect("3 significant digits is valid"),
            completions: Vec::new(),
            errors: Vec::new(),
            other_errors: 0,
            late: 0,
        }
    }

    /// Records one request that completed `at` (from the phase's start) after `latency`.
    pub fn record(&mut self, at: Duration, latency: Duration, outcome: Outcome) {
        match outcome {
            Outcome::Ok => {
                let ns = u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX).max(1);
                // Auto-resizing: `record` grows the range; it fails only past u64's.
                if self.latency.record(ns).is_err() {
                    self.latency.saturating_record(ns);
                }
                self.completions.push((at, true));
            }
            Outcome::Err(message) => {
                self.completions.push((at, false));
                self.error(message);
            }
        }
    }

    /// Notes a request that was sent later than due by more than the timeout.
    pub fn late(&mut self) {
        self.late += 1;
    }

    fn error(&mut self, message: String) {
        if let Some(seen) = self.errors.iter_mut().find(|(m, _)| *m == message) {
            seen.1 += 1;
        } else if self.errors.len() < MAX_DISTINCT_ERRORS {
            self.errors.push((message, 1));
        } else {
            self.other_errors += 1;
        }
    }

    /// Adds `other`'s requests to this tally.
    pub fn merge(&mut self, other: Tally) {
        self.latency
            .add(&other.latency)
            .expect("auto-resizing histograms always add");
        self.completions.extend(other.completions);
        for (message, count) in other.errors {
            let full = self.errors.len() >= MAX_DISTINCT_ERRORS;
            match self.errors.iter_mut().find(|(m, _)| *m == message) {
                Some(seen) => seen.1 += count,
                None if full => self.other_errors += count,
                None => self.errors.push((message, count)),
            }
        }
        self.other_errors += other.other_errors;
        self.late += other.late;
    }

    /// The merged tally of a phase that lasted `elapsed`, as a report.
    pub fn into_report(self, elapsed: Duration) -> LoadReport {
        LoadReport {
            tally: self,
            elapsed,
        }
    }
}

/// A latency quantile the report shows: p50, p90, p95, p99, p99.9.
pub const QUANTILES: [(&str, f64); 5] = [
    ("p50", 0.50),
    ("p90", 0.90),
    ("p95", 0.95),
    ("p99", 0.99),
    ("p99.9", 0.999),
];

/// What one measured phase produced.
#[derive(Debug, Clone)]
pub struct LoadReport {
    tally: Tally,
    /// From the phase's start to its last completion.
    pub elapsed: Duration,
}

impl LoadReport {
    /// Requests that completed (successes and errors).
    pub fn requests(&self) -> u64 {
        self.tally.completions.len() as u64
    }

    /// Requests that failed (`Err` or timed out).
    pub fn errors(&self) -> u64 {
        self.requests() - self.successes()
    }

    /// Requests that succeeded.
    pub fn successes(&self) -> u64 {
        self.tally.latency.len()
    }

    /// Failed requests as a share of all (0 when none completed).
    pub fn error_rate(&self) -> f64 {
        match self.requests() {
            0 => 0.0,
            n => self.errors() as f64 / n as f64,
        }
    }

    /// Successful requests per second over the phase: a service that fails fast must not look
    /// fast.
    pub fn throughput(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds > 0.0 {
            self.successes() as f64 / seconds
        } else {
            0.0
        }
    }

    /// The latency at quantile `q` (0.5 is the median) of successful requests, in ns; `None`
    /// when none succeeded. HdrHistogram's quantile: the value below which `q` of the values
    /// fall, exact to 0.1%.
    pub fn latency_ns(&self, q: f64) -> Option<f64> {
        (!self.tally.latency.is_empty()).then(|| self.tally.latency.value_at_quantile(q) as f64)
    }

    /// The largest latency of a successful request, in ns.
    pub fn max_latency_ns(&self) -> Option<f64> {
        (!self.tally.latency.is_empty()).then(|| self.tally.latency.max() as f64)
    }

    /// The mean latency of successful requests, in ns.
    pub fn mean_latency_ns(&self) -> Option<f64> {
        (!self.tally.latency.is_empty()).then(|| self.tally.latency.mean())
    }

    /// Every successful request's latency in ns as the histogram holds it (each value the
    /// middle of its bucket, as often as it was recorded), ascending: the `latency` samples.
    pub fn latency_samples(&self) -> Vec<f64> {
        let h = &self.tally.latency;
        let mut values = Vec::with_capacity(h.len() as usize);
        for v in h.iter_recorded() {
            let value = h.median_equivalent(v.value_iterated_to()) as f64;
            values.extend(std::iter::repeat_n(value, v.count_at_value() as usize));
        }
        values
    }

    /// Successes per second in each of [`WINDOWS`] equal windows of the phase.
    ///
    /// A run is judged by its level and the spread of that level within the run; one number per
    /// run has no spread. The windows give throughput a within-run sample, as the iterations
    /// give time: ten equal slices of the phase, each a rate. (Empty windows, as at the end of
    /// a request-bounded run, read 0 and the judge's log scale leaves them out.)
    pub fn throughput_windows(&self) -> Vec<f64> {
        let width = self.elapsed.as_secs_f64() / WINDOWS as f64;
        if width <= 0.0 {
            return Vec::new();
        }
        let (ok, _) = self.windows();
        ok.iter().map(|&n| n as f64 / width).collect()
    }

    /// The error rate of each window that completed a request. Windows without an error read 0,
    /// which the judge's log scale leaves out: error rates are compared between runs that have
    /// errors, and `max_error_rate` is what guards a service that should have none.
    pub fn error_rate_windows(&self) -> Vec<f64> {
        let (ok, failed) = self.windows();
        ok.iter()
            .zip(&failed)
            .filter(|(o, f)| **o + **f > 0)
            .map(|(&o, &f)| f as f64 / (o + f) as f64)
            .collect()
    }

    /// Successes and errors per window.
    fn windows(&self) -> ([u64; WINDOWS], [u64; WINDOWS]) {
        let mut ok = [0u64; WINDOWS];
        let mut failed = [0u64; WINDOWS];
        let total = self.elapsed.as_secs_f64();
        for &(at, success) in &self.tally.completions {
            let i = if total > 0.0 {
                ((at.as_secs_f64() / total) * WINDOWS as f64) as usize
            } else {
                0
            };
            let i = i.min(WINDOWS - 1);
            if success {
                ok[i] += 1;
            } else {
                failed[i] += 1;
            }
        }
        (ok, failed)
    }

    /// The first distinct error messages, most frequent first, with their counts, and how many
    /// errors had other messages.
    pub fn distinct_errors(&self) -> (Vec<(String, u64)>, u64) {
        let mut errors = self.tally.errors.clone();
        errors.sort_by_key(|e| std::cmp::Reverse(e.1));
        (errors, self.tally.other_errors)
    }

    /// Requests sent later than due by more than the timeout (open loop).
    pub fn late(&self) -> u64 {
        self.tally.late
    }
}

/// A worker's panic: its index and the panic's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerPanic {
    /// Which worker (from 0).
    pub worker: u32,
    /// The workers the run had.
    pub workers: u32,
    /// The panic's message.
    pub message: String,
}

impl fmt::Display for WorkerPanic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a request panicked in worker {} of {}: {}; the other workers were stopped",
            self.worker + 1,
            self.workers,
            self.message
        )
    }
}

/// The message of a caught panic.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// 100 requests over 1 s: 90 ok at 1 ms, 5 ok at 10 ms, 5 errors.
    fn report() -> LoadReport {
        let mut a = Tally::new();
        let mut b = Tally::new();
        for i in 0..100u64 {
            let t = if i % 2 == 0 { &mut a } else { &mut b };
            let outcome = if i % 20 == 7 {
                Outcome::Err(format!("boom {}", i % 40 == 7))
            } else {
                Outcome::Ok
            };
            let latency = if i % 20 == 3 { ms(10) } else { ms(1) };
            t.record(ms(i * 10), latency, outcome);
        }
        a.merge(b);
        a.into_report(ms(1000))
    }

    #[test]
    fn counts_rates_and_quantiles() {
        let r = report();
        assert_eq!((r.requests(), r.successes(), r.errors()), (100, 95, 5));
        assert!((r.error_rate() - 0.05).abs() < 1e-12);
        assert!((r.throughput() - 95.0).abs() < 1e-9);
        let near = |q: f64, want_ms: f64| {
            let got = r.latency_ns(q).unwrap() / 1e6;
            assert!((got - want_ms).abs() / want_ms < 0.002, "q {q}: {got} ms");
        };
        near(0.5, 1.0);
        near(0.9, 1.0);
        near(0.99, 10.0);
        assert_eq!(r.latency_samples().len(), 95);
    }

    #[test]
    fn windows_split_the_phase() {
        let r = report();
        let throughput = r.throughput_windows();
        assert_eq!(throughput.len(), WINDOWS);
        // 10 requests per 100 ms window, one of which fails in every other window.
        assert!(
            throughput.iter().all(|&t| t == 90.0 || t == 100.0),
            "{throughput:?}"
        );
        let errors = r.error_rate_windows();
        assert_eq!(
            errors.iter().filter(|&&e| e == 0.1).count(),
            5,
            "{errors:?}"
        );
    }

    #[test]
    fn distinct_errors_are_counted() {
        let (errors, others) = report().distinct_errors();
        assert_eq!(others, 0);
        assert_eq!(
            errors,
            vec![("boom false".to_owned(), 2), ("boom true".to_owned(), 3)]
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
        );
        let mut t = Tally::new();
        for i in 0..(MAX_DISTINCT_ERRORS + 3) {
            t.record(ms(1), ms(1), Outcome::Err(format!("e{i}")));
        }
        let (kept, others) = t.into_report(ms(1)).distinct_errors();
        assert_eq!((kept.len(), others), (MAX_DISTINCT_ERRORS, 3));
    }

    #[test]
    fn nothing_succeeded() {
        let mut t = Tally::new();
        t.record(ms(1), ms(1), Outcome::Err("refused".into()));
        let r = t.into_report(ms(2));
        assert_eq!(r.error_rate(), 1.0);
        assert_eq!(r.latency_ns(0.5), None);
        assert_eq!(r.throughput(), 0.0);
    }
}
