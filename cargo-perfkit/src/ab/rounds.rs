//! The interleaved rounds: every round runs each side's test binaries once, base and head in
//! alternating order (A B, B A, A B, ...), so drift that lasts longer than a round hits both
//! sides alike. Each process records its run into the one store; what a side-run recorded is
//! found there by time: the points at that side's commit that started during it.
//!
//! Nothing is held back for the end: each process commits its own run, so when a round fails
//! half-way every run recorded before it is a complete, valid run of its commit, and the
//! failing round adds at most the runs of the processes that finished.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use perfkit_store::{HistoryPoint, SeriesKey, Store, Timestamp};

use super::build::TestBinary;
use crate::context::Context;
use crate::error::CliError;

/// Base or head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// The revision compared against (A).
    Base,
    /// The revision judged (B).
    Head,
}

impl Which {
    /// `base` or `head`.
    pub fn label(self) -> &'static str {
        match self {
            Which::Base => "base",
            Which::Head => "head",
        }
    }
}

/// The order of the sides in round `i` (from 0): A B, B A, A B, ... so each side runs first
/// equally often and neither always follows the other.
pub fn order(i: u32) -> [Which; 2] {
    if i.is_multiple_of(2) {
        [Which::Base, Which::Head]
    } else {
        [Which::Head, Which::Base]
    }
}

/// One side, ready to run.
#[derive(Debug)]
pub struct SideRunner {
    /// Which side.
    pub which: Which,
    /// The commit its results are recorded under.
    pub sha: String,
    /// Its test executables (after the first round, only those that recorded something).
    pub binaries: Vec<TestBinary>,
}

/// What one side recorded in one round, per series (every result of the series in that
/// round's processes).
pub type Recorded = BTreeMap<SeriesKey, Vec<HistoryPoint>>;

/// Everything the rounds recorded.
#[derive(Debug, Default)]
pub struct Rounds {
    /// Per round: what base and head recorded.
    pub rounds: Vec<[Recorded; 2]>,
    /// Test processes that exited unsuccessfully (a failed budget, a panicking test): their
    /// results still count, and the report says so.
    pub failed_processes: usize,
}

/// How the child processes run: the variables on top of the context's environment, the
/// arguments for each test binary.
#[derive(Debug)]
pub struct RunPlan<'a> {
    /// `PERFKIT_DB`, `PERFKIT=quick` (or `instructions`), ...
    pub vars: &'a [(String, String)],
    /// The metric whose results are read back (`time`, or a count under callgrind).
    pub metric: &'a str,
    /// The test name filter and libtest arguments.
    pub args: &'a [String],
}

impl SideRunner {
    /// Runs every test binary once and returns what they recorded.
    ///
    /// `round` labels its progress (`round 2/10`). In the first round (`keep_only_recording`), a binary that recorded nothing (it holds no
    /// perf test, or the filter excluded them) is dropped, so later rounds do not run the
    /// ordinary tests again.
    pub fn run(
        &mut self,
        ctx: &mut Context,
        store: &Store,
        plan: &RunPlan<'_>,
        round: &str,
        keep_only_recording: bool,
    ) -> Result<(Recorded, usize), CliError> {
        let mut recorded = Recorded::new();
        let mut failed = 0;
        let mut keep = Vec::new();
        let started = Instant::now();
        for bin in std::mem::take(&mut self.binaries) {
            let start = Timestamp::now();
            let output = Command::new(&bin.exe)
                .args(plan.args)
                .current_dir(&bin.package_dir)
                .env_clear()
                .envs(&ctx.env)
                .envs(plan.vars.iter().map(|(k, v)| (k, v)))
                .env("CARGO_MANIFEST_DIR", &bin.package_dir)
                .stdin(Stdio::null())
                .output()
                .map_err(|e| {
                    CliError::usage(format!(
                        "{round}: cannot start the {} test binary {} ({e}); the rounds \
                         recorded so far stay in history",
                        self.which.label(),
                        bin.exe.display()
                    ))
                })?;
            if !output.status.success() {
                failed += 1;
                writeln!(
                    ctx.stderr,
                    "{round}: the {} tests of {} failed ({}); their results still count. \
                     Their output:\n{}{}",
                    self.which.label(),
                    bin.name,
                    output.status,
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                )?;
            }
            let points = recorded_since(store, &self.sha, plan.metric, start)?;
            if !keep_only_recording || !points.is_empty() {
                keep.push(bin);
            }
            for p in points {
                recorded
                    .entry(SeriesKey::new(p.record.benchmark.clone(), p.record.size))
                    .or_default()
                    .push(p);
            }
        }
        self.binaries = keep;
        writeln!(
            ctx.stderr,
            "{round}: {} measured {} benchmark{} in {}",
            self.which.label(),
            recorded.len(),
            if recorded.len() == 1 { "" } else { "s" },
            seconds(started.elapsed())
        )?;
        Ok((recorded, failed))
    }
}

/// `2.4 s`.
pub fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// The results of `metric` at `sha` that processes started since `start` recorded, on every
/// testbed that recorded since then.
fn recorded_since(
    store: &Store,
    sha: &str,
    metric: &str,
    start: Timestamp,
) -> Result<Vec<HistoryPoint>, CliError> {
    let mut points = Vec::new();
    for t in store.testbeds()? {
        if t.last_run.is_some_and(|l| l >= start) {
            points.extend(
                store
                    .results_at(sha, &t.testbed, metric)?
                    .into_iter()
                    .filter(|p| p.started_at >= start),
            );
        }
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_alternate_a_b_b_a() {
        let sequence: Vec<&str> = (0..3).flat_map(order).map(Which::label).collect();
        assert_eq!(sequence, ["base", "head", "head", "base", "base", "head"]);
    }
}
