//! [`Spec`]: what one `#[perf_test]` asks for, with every value already parsed by the macro.
//!
//! The macro turns the attribute's strings into integers and enums at compile time, so nothing
//! here is ever re-parsed at run time and bad input never reaches the runtime.

use crate::complexity::Complexity;

/// A statistic of the per-iteration time that a budget can limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stat {
    /// The median (`budget = "..."`).
    Median,
    /// The arithmetic mean (`mean = "..."`).
    Mean,
    /// The 50th percentile (`p50 = "..."`; equal to the median).
    P50,
    /// The 90th percentile.
    P90,
    /// The 95th percentile.
    P95,
    /// The 99th percentile.
    P99,
    /// The largest sample.
    Max,
}

impl Stat {
    /// The name used in the attribute and in reports (`budget` reads as `median`).
    pub fn name(self) -> &'static str {
        match self {
            Stat::Median => "median",
            Stat::Mean => "mean",
            Stat::P50 => "p50",
            Stat::P90 => "p90",
            Stat::P95 => "p95",
            Stat::P99 => "p99",
            Stat::Max => "max",
        }
    }
}

/// A limit on one statistic of the per-iteration time, in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeBudget {
    /// The statistic the limit applies to.
    pub stat: Stat,
    /// The limit in nanoseconds (at least 1).
    pub limit_ns: u64,
}

/// Units of work done by one iteration, for throughput per second: the grammar's type, so the
/// attribute, reports and history share one.
pub use perfkit_grammar::Throughput;

/// Everything `#[perf_test(...)]` declared about one test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spec {
    /// `module_path!()::fn_name` of the annotated function.
    pub path: &'static str,
    /// `name = "..."`: the benchmark's name in history, when given.
    pub name: Option<&'static str>,
    /// `CARGO_MANIFEST_DIR` of the crate that holds the test, captured at compile time.
    pub manifest_dir: &'static str,
    /// Time budgets, in declaration order.
    pub budgets: &'static [TimeBudget],
    /// `max_allocs = N`: allocations per iteration.
    pub max_allocs: Option<u64>,
    /// `max_bytes = "64KiB"`: bytes allocated per iteration.
    pub max_bytes: Option<u64>,
    /// `max_instructions = "1.2M"`: instructions per iteration, checked when counting
    /// instructions (`PERFKIT=instructions`).
    pub max_instructions: Option<u64>,
    /// `throughput = "..."`.
    pub throughput: Option<Throughput>,
    /// `samples = N`: a fixed number of samples instead of adaptive sampling.
    pub samples: Option<u32>,
    /// `warmup = "<dur>"` in nanoseconds.
    pub warmup_ns: Option<u64>,
    /// `time = "<dur>"` in nanoseconds: the cap on measurement time.
    pub time_ns: Option<u64>,
    /// `regression = "5%"` as a fraction (0.05): fail on a significant slowdown beyond it.
    pub regression: Option<f64>,
    /// `alpha = 0.01`: the significance level for the baseline comparison.
    pub alpha: Option<f64>,
    /// `complexity = "O(n)"`: the declared growth class.
    pub complexity: Option<Complexity>,
    /// `sizes = [...]`: input sizes passed as `n`; empty when the test takes no `n`.
    pub sizes: &'static [usize],
    /// `threads = [1, 2, 4]`: run the routine on this many threads at once, each count a
    /// benchmark of its own (`name/threads=4`); empty: on the test's own thread only.
    pub threads: &'static [usize],
    /// The load-test options, for a test of the form `fn(&mut perfkit::Load)`.
    pub load: Option<LoadSpec>,
}

/// What a load test (`fn(load: &mut perfkit::Load)`) declared: how requests arrive, when the
/// run ends, and its load budgets. Latency budgets are [`Spec::budgets`], read on the latency
/// of successful requests.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadSpec {
    /// `concurrency = N`: the workers sending requests (at least 1).
    pub concurrency: Option<u32>,
    /// `rate = "500/s"`: an open loop at this many requests per second; `None` is a closed
    /// loop (each worker sends its next request when the last one returns).
    pub rate_per_s: Option<f64>,
    /// `requests = N`: the measured requests (after the warm-up).
    pub requests: Option<u64>,
    /// `duration = "10s"`: how long the measured phase lasts, in nanoseconds.
    pub duration_ns: Option<u64>,
    /// `timeout = "5s"`: a request slower than this is an error, in nanoseconds.
    pub timeout_ns: Option<u64>,
    /// `max_error_rate = "1%"`: the largest share of failed requests, as a fraction.
    pub max_error_rate: Option<f64>,
    /// `min_throughput = "1000/s"`: the fewest successful requests per second.
    pub min_throughput: Option<f64>,
}

impl LoadSpec {
    /// No option given: the macro fills the given ones with struct-update syntax.
    pub const DEFAULT: LoadSpec = LoadSpec {
        concurrency: None,
        rate_per_s: None,
        requests: None,
        duration_ns: None,
        timeout_ns: None,
        max_error_rate: None,
        min_throughput: None,
    };
}

impl Spec {
    /// A spec with only the required fields meaningful; the macro fills the rest with
    /// struct-update syntax (`..Spec::DEFAULT`) so new options do not break old expansions.
    pub const DEFAULT: Spec = Spec {
        path: "",
        name: None,
        manifest_dir: "",
        budgets: &[],
        max_allocs: None,
        max_bytes: None,
        max_instructions: None,
        throughput: None,
        samples: None,
        warmup_ns: None,
        time_ns: None,
        regression: None,
        alpha: None,
        complexity: None,
        sizes: &[],
        load: None,
        threads: &[],
    };

    /// The benchmark's name in history and reports.
    pub fn benchmark_name(&self) -> &'static str {
        self.name.unwrap_or(self.path)
    }
}
