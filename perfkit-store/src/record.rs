//! [`Record`]: one result of one benchmark, as stored: summary, budgets, allocations,
//! throughput, and the raw samples.
//!
//! The fields are plain numbers rather than perfkit's own types because this crate depends on
//! no other perfkit crate; the runtime converts its `Summary` into a [`StoredSummary`].

/// Summary statistics of the per-iteration times, in nanoseconds (counts excepted).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StoredSummary {
    /// Number of samples.
    pub n: u64,
    /// Arithmetic mean.
    pub mean: f64,
    /// Sample standard deviation.
    pub sd: f64,
    /// Smallest sample.
    pub min: f64,
    /// Largest sample.
    pub max: f64,
    /// Median.
    pub median: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Median absolute deviation.
    pub mad: f64,
    /// Lower bound of the mean's 95% confidence interval.
    pub mean_ci_lower: f64,
    /// Upper bound of the mean's 95% confidence interval.
    pub mean_ci_upper: f64,
    /// Lower bound of the median's 95% confidence interval.
    pub median_ci_lower: f64,
    /// Upper bound of the median's 95% confidence interval.
    pub median_ci_upper: f64,
    /// Number of samples outside the Tukey fences (mild and severe, both sides).
    pub outliers: u64,
}

/// The outcome of one budget.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetOutcome {
    /// What was limited: `median`, `mean`, `p90`, `p95`, `p99`, `max` (nanoseconds per
    /// iteration), `allocs` (allocations per iteration) or `bytes` (bytes allocated per
    /// iteration).
    pub statistic: String,
    /// The limit, in the statistic's unit.
    pub limit: f64,
    /// The measured estimate, in the same unit.
    pub estimate: f64,
    /// Whether the estimate kept within the limit.
    pub passed: bool,
}

/// Heap allocations per iteration, from perfkit's counting allocator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Allocations {
    /// Allocations per iteration.
    pub allocs: f64,
    /// Bytes allocated per iteration.
    pub bytes: f64,
}

/// What one iteration processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ThroughputKind {
    /// Bytes.
    Bytes,
    /// Elements (items, records, requests...).
    Elements,
}

impl ThroughputKind {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ThroughputKind::Bytes => "bytes",
            ThroughputKind::Elements => "elements",
        }
    }

    /// Reads a stored name back.
    pub fn parse(name: &str) -> Option<ThroughputKind> {
        match name {
            "bytes" => Some(ThroughputKind::Bytes),
            "elements" => Some(ThroughputKind::Elements),
            _ => None,
        }
    }
}

/// Work done per iteration, for throughput per second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Throughput {
    /// What is counted.
    pub kind: ThroughputKind,
    /// How many per iteration.
    pub per_iteration: u64,
}

/// A comparison against the baseline, stored beside the result once it is made.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredComparison {
    /// This result over the baseline (e.g. 1.07 for 7% slower).
    pub ratio: f64,
    /// Lower bound of the ratio's confidence interval.
    pub ratio_ci_lower: f64,
    /// Upper bound of the ratio's confidence interval.
    pub ratio_ci_upper: f64,
    /// The test's p-value.
    pub p: f64,
    /// The verdict's name (`regression`, `improvement`, `unchanged`, `new`, ...).
    pub verdict: String,
}

/// The metric of a result that names none, and of every result written before metrics
/// existed: wall time in nanoseconds per iteration.
pub const DEFAULT_METRIC: &str = "time";

/// One result of one benchmark in one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The benchmark's stable name (`module_path::fn_name` unless the test names it).
    pub benchmark: String,
    /// The input size for a sized (complexity) test; the name and the size identify a series.
    pub size: Option<u64>,
    /// What `samples` measure: [`DEFAULT_METRIC`] (`time`, ns per iteration) unless another
    /// metric was counted (`instructions`, `latency`, ...). Series of different metrics never
    /// mix: every query selects one.
    pub metric: String,
    /// Summary statistics of `samples`.
    pub summary: StoredSummary,
    /// Iterations timed together in each sample.
    pub iterations_per_sample: u64,
    /// Per-iteration time of each sample, in nanoseconds, in the order taken.
    pub samples: Vec<f64>,
    /// The budgets checked, in the order declared.
    pub budgets: Vec<BudgetOutcome>,
    /// Allocations per iteration, when they were counted.
    pub allocations: Option<Allocations>,
    /// Work per iteration, when the test declared it.
    pub throughput: Option<Throughput>,
    /// The comparison against the baseline, once made.
    pub comparison: Option<StoredComparison>,
}

impl Record {
    /// A result with the essentials; the optional parts start empty.
    ///
    /// ```
    /// use perfkit_store::{Record, StoredSummary};
    /// let r = Record::new("parse::small", StoredSummary::default(), 64, vec![12.0, 12.5]);
    /// assert_eq!(r.size, None);
    /// assert_eq!(r.metric, "time");
    /// ```
    pub fn new(
        benchmark: impl Into<String>,
        summary: StoredSummary,
        iterations_per_sample: u64,
        samples: Vec<f64>,
    ) -> Record {
        Record {
            benchmark: benchmark.into(),
            size: None,
            metric: DEFAULT_METRIC.to_owned(),
            summary,
            iterations_per_sample,
            samples,
            budgets: Vec::new(),
            allocations: None,
            throughput: None,
            comparison: None,
        }
    }
}
