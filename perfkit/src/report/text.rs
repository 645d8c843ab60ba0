//! [`ResultBlock`]: the compact block one perf test prints, and the message of a broken budget.

use std::fmt::{self, Write as _};

use super::units::{
    format_bytes, format_count, format_count_si, format_ns, format_percent, format_throughput,
};
use crate::compare::{BudgetCheck, Limit};
use crate::measure::Samples;
use crate::spec::Throughput;
use crate::stats::Summary;

/// Everything one measurement prints.
#[derive(Debug, Clone, Copy)]
pub struct ResultBlock<'a> {
    /// The benchmark's name.
    pub name: &'a str,
    /// The input size, for sized tests.
    pub size: Option<usize>,
    /// The statistics of the per-iteration times.
    pub summary: &'a Summary,
    /// The raw measurement (for sample and iteration counts and allocations).
    pub samples: &'a Samples,
    /// Work per iteration, when the test declares it.
    pub throughput: Option<Throughput>,
    /// The budgets and how they fared.
    pub checks: &'a [BudgetCheck],
}

impl fmt::Display for ResultBlock<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.summary;
        write!(f, "perf {}", self.name)?;
        if let Some(n) = self.size {
            write!(f, " (n = {n})")?;
        }
        writeln!(f)?;
        writeln!(
            f,
            "  median  {} [{}, {}]   p95 {}   p99 {}",
            format_ns(s.median),
            format_ns(s.median_ci.lower),
            format_ns(s.median_ci.upper),
            format_ns(s.p95),
            format_ns(s.p99),
        )?;
        writeln!(
            f,
            "  mean    {} [{}, {}]   min {}   max {}",
            format_ns(s.mean),
            format_ns(s.mean_ci.lower),
            format_ns(s.mean_ci.upper),
            format_ns(s.min),
            format_ns(s.max),
        )?;
        let outliers = s.outliers.low_severe
            + s.outliers.low_mild
            + s.outliers.high_mild
            + s.outliers.high_severe;
        let mut line = format!(
            "  samples {} x {} iter{}, {} outlier{}",
            s.n,
            self.samples.iters_per_sample,
            plural(self.samples.iters_per_sample as usize),
            outliers,
            plural(outliers),
        );
        if let Some(a) = &self.samples.allocations {
            let _ = write!(
                line,
                "   allocs {} ({}) per iter",
                format_count(a.allocs),
                format_bytes(a.bytes)
            );
        }
        if let Some(t) = self.throughput {
            let _ = write!(line, "   throughput {}", format_throughput(t, s.median));
        }
        writeln!(f, "{line}")?;
        for c in self.checks {
            let verdict = if c.passed() {
                let pct = c.usage() * 100.0;
                if pct > 0.0 && pct < 1.0 {
                    "ok   (<1% of budget)".to_owned()
                } else {
                    format!("ok   ({pct:.0}% of budget)")
                }
            } else {
                format!("FAIL ({})", over(c))
            };
            writeln!(
                f,
                "  budget  {:<6} {} <= {}  {verdict}",
                c.limit.to_string(),
                value(c.limit, c.estimate),
                value(c.limit, c.max),
            )?;
        }
        Ok(())
    }
}

/// The panic message of a test that broke budgets: which statistic broke which budget by how
/// much, one line each.
pub fn budget_failure(name: &str, size: Option<usize>, failed: &[&BudgetCheck]) -> String {
    let mut msg = format!("perf test `{name}`");
    if let Some(n) = size {
        let _ = write!(msg, " (n = {n})");
    }
    let _ = write!(
        msg,
        " broke {} budget{}:",
        failed.len(),
        plural(failed.len())
    );
    for c in failed {
        let (breaks, budget) = if c.limit.is_minimum() {
            ("is below", "minimum")
        } else {
            ("exceeds", "budget")
        };
        let _ = write!(
            msg,
            "\n  {} = {} {breaks} its {budget} of {} ({})",
            c.limit,
            value(c.limit, c.estimate),
            value(c.limit, c.max),
            over(c)
        );
    }
    msg
}

fn value(limit: Limit, v: f64) -> String {
    match limit {
        Limit::Time(_) => format_ns(v),
        Limit::Allocs => format_count(v),
        Limit::Bytes => format_bytes(v),
        Limit::Instructions => format_count_si(v),
        Limit::ErrorRate => format_percent(v),
        Limit::MinThroughput => format!("{}/s", format_count_si(v)),
    }
}

fn over(c: &BudgetCheck) -> String {
    if c.limit.is_minimum() {
        format!("-{:.1}% under", (1.0 - c.usage()) * 100.0)
    } else if c.max > 0.0 {
        format!("+{:.1}% over", (c.usage() - 1.0) * 100.0)
    } else {
        "budget is zero".to_owned()
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
